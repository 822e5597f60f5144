// The one error boundary. Parses argv with yargs, dispatches to a command, and turns every failure
// into an exit code: KbenchError → one line `kbench: …`; anything else → a stack and "this is a bug".
import yargs, { type Argv } from 'yargs';
import { EXIT, KbenchError, usageError, type ExitCode } from '../errors.js';
import { compareCommand, compareOptions } from './commands/compare.js';
import { partitionCommand, partitionOptions } from './commands/partition.js';
import { runCommand, runOptions, runWithWorkloadOptions, type RunArgs } from './commands/run.js';
import { topicCommand, topicOptions } from './commands/topic.js';
import { groupCommand, groupOptions } from './commands/group.js';
import { produceCommand, produceOptions } from './commands/produce.js';
import { consumeCommand, consumeOptions } from './commands/consume.js';
import { reportCommand, reportOptions } from './commands/report.js';
import { planCommand, planOptions } from './commands/plan.js';
import { analyzeCommand, analyzeOptions } from './commands/analyze.js';
import type { CliIo } from './io.js';
import { kbenchVersion } from './version.js';

type Parsed = { _: (string | number)[]; [k: string]: unknown };

type Builder = (y: Argv) => Argv;

const COMMANDS: Record<string, Builder> = {
  run: (y) => runOptions(y) as unknown as Argv,
  partition: (y) => partitionOptions(y) as unknown as Argv,
  compare: (y) => compareOptions(y) as unknown as Argv,
  topic: (y) => topicOptions(y) as unknown as Argv,
  group: (y) => groupOptions(y) as unknown as Argv,
  produce: (y) => produceOptions(y) as unknown as Argv,
  consume: (y) => consumeOptions(y) as unknown as Argv,
  report: (y) => reportOptions(y) as unknown as Argv,
  plan: (y) => planOptions(y) as unknown as Argv,
  analyze: (y) => analyzeOptions(y) as unknown as Argv,
};

/** The flags a command declares, found by running its builder against a recorder. */
function declaredFlags(builder: Builder): string[] {
  const names: string[] = [];
  const recorder: Argv = new Proxy({} as Argv, {
    get: (_t, method) => (...args: unknown[]) => {
      if (method === 'option') names.push(String(args[0]));
      return recorder;
    },
  });
  builder(recorder);
  return names;
}

/** KBENCH_<FLAG> variables for the flags of the command being run (others, like KBENCH_DEBUG, are not flags). */
function envFlags(argv: string[], env: CliIo['env']): Record<string, string> {
  const command = argv.find((a) => !a.startsWith('-')) ?? 'run';
  const builder = COMMANDS[command] ?? COMMANDS.run;
  const out: Record<string, string> = {};
  for (const flag of declaredFlags(builder)) {
    const name = `KBENCH_${flag.toUpperCase().replace(/-/g, '_')}`;
    if (env[name] !== undefined) out[name] = env[name]!;
  }
  return out;
}

function parser(argv: string[]): Argv {
  return yargs(argv)
    .scriptName('kbench')
    .usage('kbench: partition-key and load benchmark for Apache Kafka\n\nUsage: kbench [run] --key country --partitions 12')
    .command('$0', 'run a benchmark (simulated unless --brokers is given)', (y) => runOptions(y))
    .command('run [workload]', 'run a benchmark, optionally from a workload file (YAML or JSON); flags override it', (y) => runWithWorkloadOptions(y))
    .command('partition <keys..>', 'show which partition each key lands on, per client', (y) => partitionOptions(y))
    .command('compare <reports..>', 'compare two or more reports side by side', (y) => compareOptions(y))
    .command('plan', 'capacity planning: each key × partition count against your target rate and capacities', (y) => planOptions(y))
    .command('analyze', 'analyze real keys (a keys file, or a sample of an existing topic): spread, clients, growth', (y) => analyzeOptions(y))
    .command('report <file>', 'show a saved report again: tables, --json or --html', (y) => reportOptions(y))
    .command('topic <action> [name]', 'create, alter (add partitions), delete, describe or list topics', (y) => topicOptions(y))
    .command('group <action> [group]', 'list consumer groups, or describe one: offsets, lag, owners', (y) => groupOptions(y))
    .command('produce', 'send records to a topic and print where each landed', (y) => produceOptions(y))
    .command('consume', 'read records from a topic as a consumer group and print where each came from', (y) => consumeOptions(y))
    .env('KBENCH')
    .strict()
    .exitProcess(false)
    .version(kbenchVersion())
    .help()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // yargs sometimes writes its message on several lines; kbench errors are one line.
      throw err ?? usageError(`${msg.replace(/\s*\n\s*/g, ' ')}; see kbench --help`);
    })
    .example('kbench --key country --partitions 12', 'hot partitions from a country key')
    .example('kbench --key user_id --partitions 3 --grow-to 12', 'what growth does to keys and ordering')
    .example('kbench partition user-42 order-7 --partitions 12 --all-clients', 'where keys land, per client')
    .example('kbench compare reports/a.json reports/b.json', 'compare runs')
    .example('kbench --brokers 127.0.0.1:9092 --key country --duration 20s', 'a live run against a real broker')
    .example('kbench topic create orders --partitions 3 --brokers 127.0.0.1:9092', 'everyday topic tasks');
}

function parse(argv: string[], io: CliIo): { parsed: Parsed; output: string } {
  let output = '';
  let failure: unknown = null;
  let parsed: Parsed = { _: [] };
  // yargs folds KBENCH_* variables in from the process.env object it captured when loaded; during the
  // parse, that object holds exactly the caller's KBENCH_* variables that name flags of this command
  // (from the real environment in main.ts, none in tests), and afterwards what it held before.
  const realEnv = process.env;
  const saved = Object.entries(realEnv).filter(([k]) => k.startsWith('KBENCH_'));
  for (const [k] of saved) delete realEnv[k];
  for (const [k, v] of Object.entries(envFlags(argv, io.env))) realEnv[k] = v;
  try {
    parser(argv).parse(argv, {}, (err, args, out) => {
      if (err) failure = err;
      parsed = args as Parsed;
      output = out ?? '';
    });
  } catch (e) {
    failure = e;
  } finally {
    for (const k of Object.keys(realEnv)) if (k.startsWith('KBENCH_')) delete realEnv[k];
    for (const [k, v] of saved) realEnv[k] = v;
  }
  if (failure) throw failure instanceof KbenchError ? failure : usageError(`${(failure as Error).message}; see kbench --help`);
  return { parsed, output };
}

/** A flag given twice keeps its last value, as in most CLIs (yargs would make an array). */
function lastWins(parsed: Parsed): Parsed {
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, k !== '_' && Array.isArray(v) ? v[v.length - 1] : v])) as Parsed;
}

export async function runCli(argv: string[], io: CliIo): Promise<ExitCode> {
  try {
    const { parsed, output } = parse(argv, io);
    if (output) {
      // --help or --version: yargs wrote its text instead of running anything.
      io.stdout(output.endsWith('\n') ? output : output + '\n');
      return EXIT.ok;
    }
    const command = String(parsed._[0] ?? 'run');
    if (command === 'run' && parsed._.length > 1) throw usageError(`unexpected argument "${parsed._[1]}"; see kbench --help`);
    switch (command) {
      case 'run':
        return await runCommand(lastWins(parsed) as unknown as RunArgs, io);
      case 'partition':
        return await partitionCommand(parsed as never, io);
      case 'compare':
        return await compareCommand(parsed as never, io);
      case 'plan':
        return await planCommand(lastWins(parsed) as never, io);
      case 'analyze':
        return await analyzeCommand(lastWins(parsed) as never, io);
      case 'report':
        return await reportCommand(parsed as never, io);
      case 'topic':
        return await topicCommand(lastWins(parsed) as never, io);
      case 'group':
        return await groupCommand(lastWins(parsed) as never, io);
      case 'produce':
        return await produceCommand(lastWins(parsed) as never, io);
      case 'consume':
        return await consumeCommand(lastWins(parsed) as never, io);
      default:
        throw usageError(`unknown command "${command}"; see kbench --help`);
    }
  } catch (e) {
    if (e instanceof KbenchError) {
      io.stderr(`kbench: ${e.message}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    io.stderr(`kbench: internal error (this is a bug, please report it): ${err?.stack ?? String(e)}\n`);
    return EXIT.failed;
  }
}
