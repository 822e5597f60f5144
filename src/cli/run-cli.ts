// The one error boundary. Parses argv with yargs (flags and help come from each command's option
// table), reads KBENCH_* variables and workload files through the same table, dispatches, and turns
// every failure into an exit code: KbenchError → one `kbench: …` line per problem; anything else →
// a stack and "this is a bug".
import yargs, { type Argv } from 'yargs';
import { loadWorkloadFields, resolveOptions, type RawFlags } from '../config/collect.js';
import { camel, envName, kebab, Problems, type OptionTable } from '../config/option.js';
import { ERROR_CODES, EXIT, KbenchError, shown, usageError, type ExitCode } from '../errors.js';
import { declareOptions, usageOf, type AnyCommand } from './command.js';
import { analyzeCommand } from './commands/analyze.js';
import { calibrateCommand } from './commands/calibrate.js';
import { compareCommand } from './commands/compare.js';
import { consumeCommand } from './commands/consume.js';
import { groupCommand } from './commands/group.js';
import { partitionCommand } from './commands/partition.js';
import { planCommand } from './commands/plan.js';
import { produceCommand } from './commands/produce.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { topicCommand } from './commands/topic.js';
import { workerCommand } from './commands/worker.js';
import type { CliIo } from './io.js';
import { kbenchVersion } from './version.js';
import { describeError, KafkaClientError } from '../drivers/errors.js';

/** Every command, in help order. `kbench` alone is `kbench run` without a workload file. */
export const COMMANDS: readonly AnyCommand[] = [
  runCommand, partitionCommand, compareCommand, planCommand, analyzeCommand, reportCommand,
  topicCommand, groupCommand, produceCommand, consumeCommand, workerCommand, calibrateCommand,
];

// yargs drops a lone "-" (the usual name of stdin, and a key like any other); it travels under this
// name through the parse and is restored in every value.
const DASH = '\u0000kbench-dash';
const restoreDash = (v: string) => (v === DASH ? '-' : v);

function parser(): Argv {
  let y = yargs()
    .scriptName('kbench')
    .usage('kbench: partition-key and load benchmark for Apache Kafka\n\nUsage: kbench [run] --key country --partitions 12')
    .command('$0', 'run a benchmark (simulated unless --brokers is given)', (b) => declareOptions(b, runCommand.options, false));
  for (const c of COMMANDS) y = y.command(usageOf(c), c.describe, (b) => declareOptions(b, c.options));
  skipHelpCache(y);
  return y
    .parserConfiguration({ 'populate--': true, 'short-option-groups': false, 'parse-positional-numbers': false, 'parse-numbers': false })
    .strict()
    .exitProcess(false)
    .version(kbenchVersion())
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // yargs sometimes writes its message on several lines; kbench errors are one line.
      throw err ?? new Error(msg.replace(/\s*\n\s*/g, ' '));
    })
    .epilog(`Every flag can also be set by a KBENCH_<FLAG> variable (KBENCH_PARTITIONS=24); flags win. Passwords are variables only, never flags: ${[...SECRET_FLAGS.values()].join(', ')}.`)
    .example('kbench --key country --partitions 12', 'hot partitions from a country key')
    .example('kbench --key user_id --partitions 3 --grow-to 12', 'what growth does to keys and ordering')
    .example('kbench partition user-42 order-7 --partitions 12 --all-clients', 'where keys land, per client')
    .example('kbench compare reports/a.json reports/b.json', 'compare runs')
    .example('kbench --brokers 127.0.0.1:9092 --key country --duration 20s', 'a live run against a real broker')
    .example('kbench topic create orders --partitions 3 --brokers 127.0.0.1:9092', 'everyday topic tasks');
}

/**
 * yargs renders the whole help text (every option of the command, wrapped to the terminal) each time
 * it runs a command other than the default one, and keeps it for a later showHelp() from the command's
 * handler. kbench's handlers run after the parse and never ask yargs for help, so the text was thrown
 * away: a tenth of a second or more of every `kbench plan`'s start-up. `--help` still renders it.
 */
function skipHelpCache(y: Argv): void {
  const usage = (y as unknown as { getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } } }).getInternalMethods().getUsageInstance();
  usage.cacheHelpMessage = () => undefined;
}

type Parsed = { _: (string | number)[]; '--'?: (string | number)[]; [k: string]: unknown };

/** Every switch of every command (`--json`, `--keep-topic`…), by flag name. */
const SWITCHES = new Set(COMMANDS.flatMap((c) => Object.entries(c.options as OptionTable).filter(([, o]) => o.type === 'boolean').map(([n]) => kebab(n))));

/**
 * yargs reads `--json=yes` as false (only "true" is true), so a switch given with a value is taken out
 * of argv here and read by the option's own parser later, like the same value from KBENCH_JSON.
 */
function takeSwitchValues(argv: string[]): { rest: string[]; switches: Map<string, string> } {
  const switches = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const m = /^--([a-z][a-z0-9-]*)=([\s\S]*)$/.exec(a);
    if (m && SWITCHES.has(m[1])) switches.set(camel(m[1]), m[2]);
    else rest.push(a);
  }
  return { rest, switches };
}

/** yargs names `-5` as "5" (and a lone "-" by its stand-in): name what the user typed, and the way out. */
function dashedArguments(message: string, argv: string[]): string {
  let text = message.replaceAll(DASH, '-');
  const dashed = argv.filter((a) => /^-[^-]/.test(a) && text.includes(`Unknown argument: ${a.slice(1)}`));
  for (const a of dashed) text = text.replace(`Unknown argument: ${a.slice(1)}`, `Unknown argument: ${a}`);
  return dashed.length ? `${text}; a key or value that starts with - goes after --` : text;
}

function parse(argv: string[]): { parsed: Parsed; output: string } {
  let output = '';
  let failure: unknown = null;
  let parsed: Parsed = { _: [] };
  try {
    parser().parse(argv.map((a) => (a === '-' ? DASH : a)), {}, (err, args, out) => {
      if (err) failure = err;
      parsed = args as Parsed;
      output = out ?? '';
    });
  } catch (e) {
    failure = e;
  }
  if (failure) throw failure instanceof KbenchError ? failure : usageError(`${dashedArguments((failure as Error).message, argv)}; see kbench --help`);
  return { parsed, output };
}

/** The command's raw values from the parse, by option name, and what cannot be one. */
function flagsOf(table: OptionTable, parsed: Parsed, switches: Map<string, string>): { flags: RawFlags; problems: string[] } {
  const flags: RawFlags = {};
  const problems: string[] = [];
  for (const [name, o] of Object.entries(table)) {
    let v = parsed[kebab(name)];
    if (o.positional === 'many') {
      const items = [...(Array.isArray(v) ? v : v === undefined ? [] : [v]), ...(parsed['--'] ?? [])].map((x) => restoreDash(String(x)));
      v = items.length ? items : undefined;
    } else if (Array.isArray(v)) v = v.map((x) => restoreDash(String(x)));
    else if (typeof v === 'string' || typeof v === 'number') v = restoreDash(String(v));
    else if (typeof v === 'boolean' && o.type === 'string') {
      problems.push(`--no-${kebab(name)} is not an option: --${kebab(name)} takes a value; leave it out for its default`);
      v = undefined;
    }
    flags[name] = v as RawFlags[string];
  }
  for (const [name, value] of switches) {
    if (table[name]?.type === 'boolean') flags[name] = value;
    else problems.push(`unknown option --${kebab(name)}; see kbench --help`);
  }
  return { flags, problems };
}

/** Options read from KBENCH_* variables only (passwords): given as a flag, they are refused before
 * anything else reads the command line, and the value that follows is never repeated. */
const SECRET_FLAGS = new Map<string, string>(COMMANDS.flatMap((c) => Object.entries(c.options as OptionTable).filter(([, o]) => o.envOnly).map(([name]) => [`--${kebab(name)}`, envName(name)] as const)));

function refuseSecretFlags(argv: string[]): void {
  const problems = new Problems();
  for (const a of argv) {
    if (a === '--') break;
    const variable = SECRET_FLAGS.get(a.split('=')[0]);
    if (variable) problems.add(`${a.split('=')[0]} is not a flag, so that a secret never shows in a process listing or shell history: set ${variable} instead`, ERROR_CODES.usage);
  }
  problems.throwIfAny();
}

export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  try {
    refuseSecretFlags(argv);
    const { rest, switches } = takeSwitchValues(argv);
    const { parsed, output } = parse(rest);
    if (output) {
      // --help or --version: yargs wrote its text instead of running anything.
      io.stdout(output.endsWith('\n') ? output : output + '\n');
      return EXIT.ok;
    }
    // yargs (strict) has refused unknown commands and surplus positionals; `kbench` alone is run.
    const command = COMMANDS.find((c) => c.name === String(parsed._[0])) ?? runCommand;
    if (parsed['--']?.length && !Object.values(command.options as OptionTable).some((o) => o.positional === 'many')) {
      throw usageError(`unexpected argument ${shown(restoreDash(String(parsed['--'][0])))} after --; see kbench --help`);
    }
    const { flags, problems } = flagsOf(command.options, parsed, switches);
    const workload = command.workloadFrom ? flags[command.workloadFrom] : undefined;
    const file = typeof workload === 'string' ? loadWorkloadFields(workload, command.options) : undefined;
    return await command.handler(resolveOptions(command.options, { flags, env: io.env, file, problems }), io);
  } catch (e) {
    if (e instanceof KbenchError) {
      for (const line of e.problems) io.stderr(`kbench: ${line}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    // A Kafka failure that no command turned into its own message is still the cluster's answer,
    // not a bug in kbench: one line with Kafka's error name and what to do.
    if (err instanceof KafkaClientError) {
      io.stderr(`kbench: Kafka error: ${describeError(err).replace(/[\r\n]+/g, ' ')}\n`);
      return EXIT.failed;
    }
    io.stderr(`kbench: internal error (this is a bug, please report it): ${err?.stack ?? String(e)}\n`);
    return EXIT.failed;
  }
}

