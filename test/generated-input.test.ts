// Generated bad input (fast-check), in-process through runCli: flags, KBENCH_* variables and
// workload-file fields of every command, workload documents, key files and report files. Each bad input must be
// answered with exit 2, one `kbench:` line per problem naming where the value came from, nothing on
// stdout, no stack, no hang and no file left behind. Options come from the commands' own tables, so
// a new option is generated for as soon as it exists.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envName, kebab, type Option, type OptionTable } from '../src/config/option.js';
import { COMMANDS } from '../src/cli/run-cli.js';
import { kbenchWithEnv, tempDir } from './helpers.js';

/** Every generated input runs in this folder: anything kbench leaves behind shows up here. */
let cwd: string;
let previous: string;
beforeAll(() => {
  previous = process.cwd();
  cwd = tempDir();
  process.chdir(cwd);
});
afterAll(() => process.chdir(previous));

const FREE_TEXT = new Set(['description', 'out', 'html', 'keys']);
/** Options whose every value passes parsing and is judged later (a file path, a name). */
const PATH_LIKE = new Set(['workload', 'keysFile', 'reports', 'file', 'saslUsername', 'saslPassword', 'sslTruststoreLocation', 'sslTruststorePassword',
  'sslKeystoreLocation', 'sslKeystorePassword', 'sslKeyPassword']);
const NAMES = new Set(['topic', 'name', 'group', 'pool', 'workerPool']);

/** Text that no option accepts: blanks, control characters, words no parser reads as its kind. */
const garbage = fc.oneof(
  fc.constantFrom('', ' ', '\t', '\n', 'NaN', 'Infinity', '-', '--', '1e3', '0x10', '٣', '💥', 'null', 'true-ish', '3 4', '1,,2', 'zipf:', 'fixed:', 'file:'),
  fc.string({ minLength: 1, maxLength: 12 }).map((s) => `${s}\n${s}`),
  fc.string({ minLength: 1, maxLength: 8 }).map((s) => `@${s}`),
);

function outOfRange(o: Option<unknown>): fc.Arbitrary<string> {
  const b = o.bounds!;
  const unit = b.unit;
  const above = fc.oneof(
    fc.constant(b.max + (unit === 'ms' ? 1 : 1)),
    fc.constant(b.max * 10 + 1),
    fc.constantFrom(2 ** 31, 2 ** 32, 2 ** 53 + 2, 1e21).filter((x) => x > b.max),
  ).map((x) => `${BigInt(Math.ceil(x))}${unit}`);
  const below = b.min > 0 ? fc.integer({ min: -1000, max: Math.ceil(b.min) - 1 }).map((x) => `${x}${unit}`) : fc.integer({ min: -1000, max: -1 }).map((x) => `${x}${unit}`);
  return fc.oneof(above, below, fc.constant(`${b.min + 0.5}${unit === 'ms' ? 'us' : ''}x`));
}

function badValue(name: string, o: Option<unknown>): fc.Arbitrary<string> | null {
  if (FREE_TEXT.has(name)) return null;
  if (PATH_LIKE.has(name)) return fc.constantFrom('', ' ', '\t');
  if (NAMES.has(name)) return name === 'group' ? fc.constantFrom('', ' ', 'g'.repeat(256)) : fc.constantFrom('', 'a b', '..', 'x'.repeat(250), 'tópico', 'a/b');
  // A switch given a value (--json=maybe, KBENCH_JSON=maybe) is read like any other option.
  if (o.type === 'boolean') return fc.constantFrom('', 'maybe', '2', 'yes please', 'on\noff', 'tru', '-1');
  if (name === 'failOn') return fc.constantFrom('', 'toString>1', 'p99', 'p99>>1', '__proto__>1', 'p99>+10%%', 'constructor<1');
  return o.bounds ? fc.oneof(garbage, outOfRange(o)) : garbage;
}

type Surface = 'flag' | 'env' | 'file';
interface BadOption { name: string; value: string; surface: Surface }

/** The positionals and required flags that make a command otherwise valid. */
const VALID: Record<string, { positionals: string[]; flags?: Record<string, string> }> = {
  run: { positionals: [] }, partition: { positionals: ['k'], flags: { partitions: '3' } }, compare: { positionals: ['a.json', 'b.json'] },
  plan: { positionals: [] }, analyze: { positionals: [] }, report: { positionals: ['r.json'] }, topic: { positionals: ['list'] },
  group: { positionals: ['list'] }, worker: { positionals: [], flags: { brokers: '127.0.0.1:1' } }, produce: { positionals: [], flags: { topic: 't' } }, consume: { positionals: [], flags: { topic: 't', group: 'g' } },
  calibrate: { positionals: [] },
};

function caseFor(command: (typeof COMMANDS)[number]) {
  const table = command.options as OptionTable;
  const candidates = Object.entries(table)
    .filter(([name, o]) => !o.positional && badValue(name, o) !== null)
    .map(([name, o]) => fc.record({
      name: fc.constant(name),
      value: badValue(name, o)!,
      // Secrets are KBENCH_* variables only (a flag is refused by name, see the secrets test).
      surface: o.envOnly ? fc.constant<Surface>('env') : fc.constantFrom<Surface>('flag', 'env', ...(command.name === 'run' && o.inWorkloadFile ? ['file'] as const : [])),
    }));
  return fc.uniqueArray(fc.oneof(...candidates), { minLength: 1, maxLength: 3, selector: (b) => b.name });
}

async function answer(command: string, bad: BadOption[]) {
  const valid = VALID[command];
  // `kbench` alone is the run command (yargs renders a command's whole help when it is named: slower).
  const argv = [...(command === 'run' ? [] : [command]), ...valid.positionals];
  for (const [name, value] of Object.entries(valid.flags ?? {})) if (!bad.some((b) => b.name === name)) argv.push(`--${kebab(name)}`, value);
  const env: Record<string, string> = {};
  const fields: Record<string, string> = {};
  for (const b of bad) {
    if (b.surface === 'flag') argv.push(`--${kebab(b.name)}=${b.value}`);
    else if (b.surface === 'env') env[envName(b.name)] = b.value;
    else fields[kebab(b.name)] = b.value;
  }
  let file: string | undefined;
  if (Object.keys(fields).length) {
    const dir = join(tempDir(), 'w');
    mkdirSync(dir);
    file = join(dir, 'w.json');
    writeFileSync(file, JSON.stringify(fields));
    argv.unshift('run', file);
  }
  return { r: await kbenchWithEnv(env, ...argv), argv, env, file };
}

function labelOf(b: BadOption, file?: string): string {
  return b.surface === 'flag' ? `--${kebab(b.name)}` : b.surface === 'env' ? envName(b.name) : `${file}: ${kebab(b.name)}`;
}

/** Block-style YAML with the syntax only YAML has: bare scalars, `~`, anchors, tags, comments. */
function toYaml(d: unknown): string {
  const scalar = (v: unknown): string => (v === null ? '~' : typeof v === 'string' ? (/^[\w.-]+$/.test(v) ? v : JSON.stringify(v)) : String(v));
  if (d === null || typeof d !== 'object') return `# a lone value\n${scalar(d)}\n`;
  if (Array.isArray(d)) return d.map((v) => `- ${scalar(v)}`).join('\n') + '\n';
  const lines = ['# generated workload'];
  let n = 0;
  for (const [k, v] of Object.entries(d)) {
    const key = /^[\w-]+$/.test(k) ? k : JSON.stringify(k);
    if (Array.isArray(v)) lines.push(`${key}:`, ...v.map((x) => `  - ${scalar(x)}`));
    else if (v !== null && typeof v === 'object') lines.push(`${key}:`, ...Object.entries(v).map(([a, b]) => `  ${JSON.stringify(a)}: ${scalar(b)}`));
    else lines.push(n++ % 3 === 0 ? `${key}: &a${n} ${scalar(v)}` : n % 3 === 1 ? `${key}: !!str ${scalar(v)}` : `${key}: ${scalar(v)}  # note`);
  }
  return lines.join('\n') + '\n';
}

// Hundreds of in-process runs each: generous time, since the unit files run two at a time on two cores.
describe('generated bad input', { timeout: 120_000 }, () => {
  for (const command of COMMANDS) {
    const runs = command.name === 'run' ? 150 : 50;
    it(`${command.name}: ${runs} inputs with 1–3 bad options each → exit 2, one line per problem`, async () => {
      await fc.assert(fc.asyncProperty(caseFor(command), async (bad) => {
        const { r, file } = await answer(command.name, bad);
        const lines = r.stderr.split('\n').filter(Boolean);
        const context = JSON.stringify({ bad, stderr: r.stderr });
        expect(r.code, context).toBe(2);
        expect(r.stdout, context).toBe('');
        expect(r.stderr, context).not.toMatch(/\n\s+at |this is a bug/);
        expect(lines.every((l) => l.startsWith('kbench: ')), context).toBe(true);
        // One line per problem: each bad option is named, and every line names one of them (a comma
        // list such as --counts reports each of its bad entries on its own line).
        expect(lines.length, context).toBeGreaterThanOrEqual(bad.length);
        for (const b of bad) expect(lines.some((l) => l.includes(labelOf(b, file))), `${labelOf(b, file)} in ${context}`).toBe(true);
        for (const l of lines) expect(bad.some((b) => l.includes(labelOf(b, file))), `${l} in ${context}`).toBe(true);
        expect(readdirSync(cwd), context).toEqual([]);
      }), { numRuns: runs, seed: 20261127 });
    });
  }

  it('workload documents: 150 generated YAML/JSON documents are either a run or exit 2 with one line per problem', async () => {
    const scalar = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
    const field = fc.oneof(fc.constantFrom('partitions', 'key', 'rate', 'users', 'grow-to', 'seed', 'client', 'colour', 'Partitions', 'user_dist', '__proto__'), fc.string({ maxLength: 6 }));
    const doc = fc.oneof(
      fc.dictionary(field, fc.oneof(scalar, fc.array(scalar, { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), scalar, { maxKeys: 2 })), { maxKeys: 4 }),
      fc.oneof(scalar, fc.array(scalar)),
    );
    await fc.assert(fc.asyncProperty(doc, fc.boolean(), async (d, yaml) => {
      const dir = join(tempDir(), 'w');
      mkdirSync(dir);
      const file = join(dir, yaml ? 'w.yaml' : 'w.json');
      writeFileSync(file, yaml ? toYaml(d) : JSON.stringify(d));
      const r = await kbenchWithEnv({}, 'run', file, '--duration', '10ms', '--rate', '100', '--out', '-');
      const context = JSON.stringify({ d, stderr: r.stderr });
      expect([0, 2], context).toContain(r.code);
      expect(r.stderr, context).not.toMatch(/\n\s+at |this is a bug/);
      if (r.code === 2) {
        expect(r.stdout, context).toBe('');
        expect(r.stderr.split('\n').filter(Boolean).every((l) => l.startsWith('kbench: ')), context).toBe(true);
      }
      expect(readdirSync(cwd), context).toEqual([]);
    }), { numRuns: 150, seed: 20261127 });
  });

  it('key files: 100 generated missing, empty, directory and blank-named files are one line, exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.txt'), '');
    mkdirSync(join(dir, 'folder'));
    const path = fc.oneof(
      fc.constantFrom(join(dir, 'empty.txt'), join(dir, 'folder'), join(dir, 'empty.txt', 'x')),
      fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== '' && !s.includes('\0')).map((s) => join(dir, 'missing', s)),
    );
    await fc.assert(fc.asyncProperty(path, fc.constantFrom('analyze', 'partition', 'run'), async (p, command) => {
      const argv = command === 'analyze' ? ['analyze', '--keys-file', p] : command === 'partition' ? ['partition', '--partitions', '3', '--keys-file', p] : ['--key', `file:${p}`, '--duration', '1s'];
      const r = await kbenchWithEnv({}, ...argv);
      const context = JSON.stringify({ p, argv, stderr: r.stderr });
      expect(r.code, context).toBe(2);
      expect(r.stderr.split('\n').filter(Boolean), context).toHaveLength(1);
      expect(r.stderr, context).toMatch(/^kbench: .*(keys? file|--key)/);
      expect(readdirSync(cwd), context).toEqual([]);
    }), { numRuns: 100, seed: 20261127 });
  });

  it('report files: 150 generated JSON documents (and texts) given to report and compare are one line, exit 2', async () => {
    const doc = fc.oneof(
      fc.json(),
      fc.jsonValue().map((v) => JSON.stringify({ schema: 'kbench.report/v1', phases: v })),
      fc.record({ schema: fc.constant('kbench.report/v1'), spec: fc.jsonValue(), phases: fc.array(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()), { maxLength: 2 }) }).map((d) => JSON.stringify(d)),
      fc.string({ maxLength: 40 }),
    );
    await fc.assert(fc.asyncProperty(doc, fc.constantFrom('report', 'compare'), async (text, command) => {
      const path = join(tempDir(), 'r.json');
      writeFileSync(path, text);
      const r = await kbenchWithEnv({}, ...(command === 'report' ? ['report', path] : ['compare', path, path]));
      const context = JSON.stringify({ text: text.slice(0, 300), stderr: r.stderr });
      expect(r.code, context).toBe(2);
      expect(r.stdout, context).toBe('');
      expect(r.stderr.split('\n').filter(Boolean), context).toHaveLength(1);
      expect(r.stderr, context).toMatch(/^kbench: /);
      expect(readdirSync(cwd), context).toEqual([]);
    }), { numRuns: 150, seed: 20261127 });
  });
});

describe('the largest allowed values run and finish', () => {
  // Each at its documented maximum (LIMITS), on a short run; they must produce a report, not an error.
  const cases: string[][] = [
    ['--users', '10000000', '--duration', '200ms'],
    ['--key', 'device_id', '--devices', '10000000', '--duration', '200ms'],
    ['--producers', '1000', '--consumers', '1000', '--partitions', '10000', '--duration', '200ms'],
    ['--partitions', '9999', '--grow-to', '10000', '--partition', '9998', '--duration', '200ms'],
    ['--record-size', '1000000', '--rate', '100', '--duration', '100ms'],
    ['--seed', '4294967295', '--rate', '10000000', '--duration', '1ms', '--consumer-rate', '10000000', '--partition-capacity', '10000000'],
    ['--key', `fixed:${'k'.repeat(16384)}`, '--duration', '100ms', '--produce-latency', '60s', '--rebalance-time', '10m', '--metadata-refresh', '1h'],
    ['--messages', '1000', '--rate', '1000', '--producers', 'java:500,librdkafka:500'],
    ['--max-in-flight', '32', '--no-idempotent', '--linger', '1m', '--batch-size', '16MiB', '--duration', '100ms'],
  ];
  it.each(cases.map((argv) => [argv.join(' ').slice(0, 90), argv] as const))('%s', async (_name, argv) => {
    const r = await kbenchWithEnv({}, ...argv, '--out', '-');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).schema).toBe('kbench.report/v1');
  }, 60_000);
});
