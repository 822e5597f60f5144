// The option table from the user's side: every surface (flags, KBENCH_* variables, workload files)
// reads the same options with the same checks, every problem of an input is reported at once, and
// values are shown escaped so a message stays one line.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/config/collect.js';
import { RUN_OPTIONS } from '../src/config/options.js';
import { loadDriver } from '../src/drivers/load.js';
import { ERROR_CODES, KbenchError } from '../src/errors.js';
import { kbench, kbenchWithEnv, tempDir } from './helpers.js';

const lines = (text: string) => text.trim().split('\n');
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('KBENCH_* variables', () => {
  it('fill any run flag, and flags win', async () => {
    const env = { KBENCH_PARTITIONS: '24', KBENCH_KEY: 'country', KBENCH_GROW_TO: '48', KBENCH_USER_DIST: 'uniform' };
    const r = await kbenchWithEnv(env, '--duration', '1s', '--out', '-');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).spec).toMatchObject({ partitions: 24, key: 'country', growTo: 48, userDist: { kind: 'uniform' } });
    const flagWins = await kbenchWithEnv(env, '--partitions', '6', '--grow-to', '7', '--duration', '1s', '--out', '-');
    expect(JSON.parse(flagWins.stdout).spec).toMatchObject({ partitions: 6, growTo: 7 });
  });

  it('KBENCH_BROKERS makes a run live (here: an unreachable cluster, so exit 1 within the connect timeout)', async () => {
    const out = join(tempDir(), 'r.json');
    const r = await kbenchWithEnv({ KBENCH_BROKERS: '127.0.0.1:1', KBENCH_CONNECT_TIMEOUT: '500ms' }, '--duration', '1s', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach Kafka at 127\.0\.0\.1:1/);
    noStack(r.stderr);
  });

  it('fill the flags of every command: KBENCH_BROKERS for topic, KBENCH_PARTITIONS for partition and analyze', async () => {
    const topic = await kbenchWithEnv({ KBENCH_BROKERS: '127.0.0.1:1', KBENCH_CONNECT_TIMEOUT: '300ms' }, 'topic', 'list');
    expect(topic.code).toBe(1);
    expect(topic.stderr).toMatch(/cannot reach Kafka at 127\.0\.0\.1:1/);
    const partition = await kbenchWithEnv({ KBENCH_PARTITIONS: '100' }, 'partition', 'foo', '--json');
    expect(JSON.parse(partition.stdout)).toEqual([{ key: 'foo', client: 'java', partitions: 100, partition: 16 }]);
    const keys = join(tempDir(), 'keys.txt');
    writeFileSync(keys, 'a\nb\nc\n');
    const analyze = await kbenchWithEnv({ KBENCH_KEYS_FILE: keys, KBENCH_PARTITIONS: '5', KBENCH_JSON: 'true' }, 'analyze');
    expect(analyze.code).toBe(0);
    expect(JSON.parse(analyze.stdout).currentPartitions).toBe(5);
  });

  it('a bad value names the variable and gets the same check as the flag', async () => {
    const byEnv = await kbenchWithEnv({ KBENCH_PARTITIONS: '0' }, '--duration', '1s');
    const byFlag = await kbench('--partitions', '0', '--duration', '1s');
    expect(byEnv.code).toBe(2);
    expect(byFlag.code).toBe(2);
    expect(byEnv.stderr).toBe(byFlag.stderr.replace('--partitions', 'KBENCH_PARTITIONS'));
    const sw = await kbenchWithEnv({ KBENCH_JSON: 'maybe' }, 'partition', 'k', '--partitions', '3');
    expect(sw.stderr).toBe('kbench: KBENCH_JSON must be true or false (got "maybe")\n');
  });

  it('variables that are not options of the command are left alone (KBENCH_DEBUG, another command\'s KBENCH_TOPIC)', async () => {
    const r = await kbenchWithEnv({ KBENCH_DEBUG: '1', KBENCH_TOPIC: '!!', KBENCH_FORCE: 'maybe' }, 'partition', 'k', '--partitions', '3', '--json');
    expect(r.code).toBe(0);
  });
});

describe('every problem at once, one escaped line each', () => {
  it('three bad flags are three lines', async () => {
    const r = await kbench('--partitions', '0', '--rate', 'fast', '--key', 'planet', '--duration', '1s');
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      'kbench: unknown --key "planet"; use one of user_id, country, none, device_id, order_id, fixed:<value>, file:<path>',
      'kbench: --partitions must be from 1 to 10,000 (got "0")',
      'kbench: --rate must be a number above 0 up to 10,000,000, e.g. 12 or 10k (got "fast")',
    ]);
  });

  it('rules between options are all reported too', async () => {
    const r = await kbench('--partitions', '6', '--partition', '7', '--grow-to', '5', '--duration', '1s');
    expect(lines(r.stderr)).toEqual([
      'kbench: --partition 7 does not exist on a 6-partition topic; use 0..5',
      'kbench: --grow-to 5 must be above --partitions 6; Kafka can only add partitions',
    ]);
  });

  it('an empty or blank value is a problem, not "not given"', async () => {
    for (const blank of ['', ' ', '\t']) {
      const r = await kbench(`--partition=${blank}`, '--duration', '1s');
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('kbench: --partition is empty; give a value or leave it out\n');
    }
    const env = await kbenchWithEnv({ KBENCH_SEED: '' }, '--duration', '1s');
    expect(env.stderr).toBe('kbench: KBENCH_SEED is empty; give a value or leave it out\n');
  });

  it('a value with a newline stays on one line, escaped', async () => {
    const r = await kbench('--key', 'country\nrm -rf /', '--client', 'ja\r\nva', '--duration', '1s');
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(2);
    expect(r.stderr).toContain('unknown --key "country\\nrm -rf /"');
  });

  it('errors carry a code and stay KbenchErrors with every problem listed', () => {
    let caught: unknown;
    try {
      resolveOptions(RUN_OPTIONS, { flags: { partitions: 'x', users: '0' } });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(KbenchError);
    const e = caught as KbenchError;
    expect(e.code).toBe(ERROR_CODES.badOption);
    expect(e.exitCode).toBe(2);
    expect(e.problems).toHaveLength(2);
  });

  it('an unreachable cluster is KBENCH_UNREACHABLE, exit 1', async () => {
    const driver = await loadDriver('kafkajs', { brokers: ['127.0.0.1:1'], connectTimeoutMs: 300 });
    const e = await driver.admin().then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(KbenchError);
    expect((e as KbenchError).code).toBe(ERROR_CODES.unreachable);
    expect((e as KbenchError).exitCode).toBe(1);
  });
});

describe('workload files share the table', () => {
  it('a bad value names the file and field; unknown fields are all listed', async () => {
    const dir = tempDir();
    const file = join(dir, 'w.json');
    writeFileSync(file, JSON.stringify({ partitions: 0, 'grow-to': 'x', colour: 'blue', flavour: 1 }));
    const r = await kbench('run', file);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(2);
    expect(r.stderr).toContain('unknown field "colour"');
    expect(r.stderr).toContain('unknown field "flavour"');
    writeFileSync(file, JSON.stringify({ partitions: 0, 'grow-to': 'x' }));
    const values = await kbench('run', file);
    expect(lines(values.stderr)).toEqual([
      `kbench: ${file}: partitions must be from 1 to 10,000 (got "0")`,
      `kbench: ${file}: grow-to must be a whole number from 2 to 10,000, e.g. 12 or 10k (got "x")`,
    ]);
  });

  it('precedence: defaults < file < KBENCH_* < flags', async () => {
    const file = join(tempDir(), 'w.yaml');
    writeFileSync(file, 'partitions: 5\nusers: 50\nseed: 3\nduration: 1s\n');
    const r = await kbenchWithEnv({ KBENCH_USERS: '60', KBENCH_SEED: '4' }, 'run', file, '--seed', '9', '--out', '-');
    expect(JSON.parse(r.stdout).spec).toMatchObject({ partitions: 5, users: 60, seed: 9 });
  });
});

describe('kbench partition: keys verbatim', () => {
  it('keeps "-" and takes keys that look like flags after --', async () => {
    const r = await kbench('partition', 'a', '-', 'b', '--partitions', '12', '--json', '--', '-x', '--y');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { key: string }[]).map((x) => x.key)).toEqual(['a', '-', 'b', '-x', '--y']);
  });

  it('--keys-file adds every line as a key', async () => {
    const file = join(tempDir(), 'keys.txt');
    writeFileSync(file, 'foo\nbar\n-dash\n');
    const r = await kbench('partition', 'kafka', '--keys-file', file, '--partitions', '100', '--json');
    expect(JSON.parse(r.stdout)).toEqual([
      { key: 'kafka', client: 'java', partitions: 100, partition: 80 },
      { key: 'foo', client: 'java', partitions: 100, partition: 16 },
      { key: 'bar', client: 'java', partitions: 100, partition: 45 },
      { key: '-dash', client: 'java', partitions: 100, partition: expect.any(Number) },
    ]);
  });
});

describe('outputs', () => {
  it('--out - prints the report JSON on stdout and writes no file', async () => {
    const dir = tempDir();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await kbench('--duration', '1s', '--out', '-');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).schema).toBe('kbench.report/v1');
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('an unusable --out fails before the run, leaving nothing behind', async () => {
    const dir = tempDir();
    for (const out of [dir, join(dir, 'missing', 'r.json'), '/dev/full']) {
      const r = await kbench('--duration', '1s', '--out', out);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(lines(r.stderr)).toHaveLength(1);
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});

describe('help', () => {
  it('shows each option\'s range and default', async () => {
    const r = await kbench('--help');
    expect(r.stdout).toMatch(/--partitions\s+partition count of the topic \[1–10,000\]\s+\[string\] \[default: 12\]/);
    expect(r.stdout).toContain('KBENCH_<FLAG>');
  });
});

describe('review cases', () => {
  it('a switch given a value is read like KBENCH_*: --all-clients=1 is on, --json=maybe is one line', async () => {
    const on = await kbench('partition', 'kafka', '--partitions', '6', '--all-clients=1', '--json=yes');
    expect(on.code).toBe(0);
    expect(JSON.parse(on.stdout)).toHaveLength(7);
    const off = await kbench('partition', 'kafka', '--partitions', '6', '--all-clients=off', '--json=1');
    expect(JSON.parse(off.stdout)).toHaveLength(1);
    const bad = await kbench('partition', 'kafka', '--partitions', '6', '--json=maybe');
    expect(bad.stderr).toBe('kbench: --json must be true or false (got "maybe")\n');
    const other = await kbench('partition', 'kafka', '--partitions', '6', '--keep-topic=yes');
    expect(other.stderr).toBe('kbench: unknown option --keep-topic; see kbench --help\n');
  });

  it('--no-<option that takes a value> is one line, not "false"', async () => {
    const r = await kbench('--no-partitions', '--duration', '1s');
    expect(r.stderr).toBe('kbench: --no-partitions is not an option: --partitions takes a value; leave it out for its default\n');
  });

  it('list options given twice add up; every bad --fail-on rule is reported', async () => {
    const plan = await kbench('plan', '--key', 'country', '--key', 'none', '--partitions', '3', '--partitions', '6', '--simulate', '1s', '--json');
    const rows = JSON.parse(plan.stdout).rows as { key: string; partitions: number }[];
    expect(rows.map((r) => `${r.key}@${r.partitions}`)).toEqual(['country@3', 'country@6', 'none@3', 'none@6']);
    const rules = await kbench('compare', 'a.json', 'b.json', '--fail-on', 'bogus>1', '--fail-on', 'p99>x');
    expect(lines(rules.stderr)).toEqual([
      'kbench: --fail-on: unknown metric "bogus"; use p50|p90|p99|p999|max|mean (end-to-end, or produce.p99 …) or maxMeanRatio, cv, gini, hottestShare, emptyPartitions, achievedPerSec, consumedPerSec, violations, keysAffected, skipped, maxConsumerLag',
      'kbench: --fail-on rule "p99>x" is not <metric><op><threshold>, e.g. p99>+10% or maxMeanRatio>+0.2',
    ]);
    const empty = await kbench('compare', 'a.json', 'b.json', '--fail-on', ',');
    expect(empty.code).toBe(2);
  });

  it('a key that starts with - is named as typed, with the way out', async () => {
    const r = await kbench('partition', '-5', '--partitions', '3');
    expect(r.stderr).toBe('kbench: Unknown argument: -5; a key or value that starts with - goes after --; see kbench --help\n');
  });

  it('keys after -- are not read as numbers', async () => {
    const r = await kbench('partition', '--partitions', '3', '--json', '--', '1.50', '1e3', '0x10', '-0');
    expect((JSON.parse(r.stdout) as { key: string }[]).map((x) => x.key)).toEqual(['1.50', '1e3', '0x10', '-0']);
  });

  it('YAML values meet the same parsers as flags; YAML-only syntax is refused or read as written', async () => {
    const dir = tempDir();
    const run = async (yaml: string, ...flags: string[]) => {
      const file = join(dir, `w${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, yaml);
      return { file, r: await kbench('run', file, '--duration', '100ms', '--rate', '100', ...flags) };
    };
    const hex = await run('partitions: 0x10\n');
    expect(hex.r.stderr).toBe(`kbench: ${hex.file}: partitions must be a whole number from 1 to 10,000, e.g. 12 or 10k (got "0x10")\n`);
    const tilde = await run('seed: ~\n');
    expect(tilde.r.stderr).toMatch(/seed must be a whole number .*\(got "~"\)/);
    const empty = await run('seed:\n');
    expect(empty.r.stderr).toBe(`kbench: ${empty.file}: seed is empty; give a value or leave it out\n`);
    const twice = await run('partitions: 3\npartitions: 4\n');
    expect(twice.r.stderr).toMatch(/sets a field twice at line 2, column 1/);
    const tag = await run('partitions: !!binary MTI=\n');
    expect(tag.r.stderr).toMatch(/uses a YAML tag/);
    const comment = await run('# nothing here yet\n', '--out', '-');
    expect(comment.r.code).toBe(0);
    const anchor = await run('partitions: &n 6\ngrow-to: 12\nusers: *n\n', '--out', '-');
    expect(JSON.parse(anchor.r.stdout).spec).toMatchObject({ partitions: 6, growTo: 12, users: 6 });
  });
});
