// The CLI in-process: exit codes, what goes to stdout and stderr, one clear line for bad input.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kbench, kbenchWithEnv, tempDir } from './helpers.js';

describe('kbench run (simulator)', () => {
  it('prints tables to stdout, says it was simulated, writes the report file', async () => {
    const out = join(tempDir(), 'r.json');
    const r = await kbench('--key', 'country', '--partitions', '12', '--duration', '5s', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('SIMULATED');
    expect(r.stdout).toMatch(/Partitions \[all\] max\/mean/);
    expect(r.stdout).toContain('Advice');
    expect(r.stderr).toBe(`Report written to ${out}\n`);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.schema).toBe('kbench.report/v1');
    expect(report.engine).toBe('sim');
    expect(report.spec).toMatchObject({ key: 'country', partitions: 12, client: 'java', rate: 10000, durationMs: 5000, producers: 1, consumers: 3, assignor: 'range', growTo: null, seed: 1 });
  });

  it('--json prints exactly the document it writes', async () => {
    const out = join(tempDir(), 'r.json');
    const r = await kbench('--key', 'user_id', '--duration', '2s', '--json', '--out', out);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(out, 'utf8')));
  });

  it('writes reports/<time>-<key>-p<N>.json by default', async () => {
    const dir = tempDir();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await kbench('--key', 'fixed:tenant/1', '--partitions', '6', '--duration', '1s');
      expect(r.code).toBe(0);
      const path = /Report written to (.*)\n/.exec(r.stderr)![1];
      expect(path).toMatch(/^reports\/\d{4}-\d\d-\d\dT[\d-]+Z-fixed-tenant-1-p6\.json$/);
      expect(existsSync(join(dir, path))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a flag given twice keeps its last value', async () => {
    const r = await kbench('--partitions', '3', '--partitions', '5', '--duration', '1s', '--json', '--out', join(tempDir(), 'r.json'));
    expect(JSON.parse(r.stdout).spec.partitions).toBe(5);
  });

  it('KBENCH_* variables fill flags, and flags win', async () => {
    const out = join(tempDir(), 'r.json');
    const env = { KBENCH_PARTITIONS: '7', KBENCH_KEY: 'country' };
    const fromEnv = await kbenchWithEnv(env, '--duration', '1s', '--json', '--out', out);
    expect(JSON.parse(fromEnv.stdout).spec).toMatchObject({ partitions: 7, key: 'country' });
    const flagWins = await kbenchWithEnv(env, '--partitions', '5', '--duration', '1s', '--json', '--out', out);
    expect(JSON.parse(flagWins.stdout).spec.partitions).toBe(5);
    // Variables that are not flags of the command (KBENCH_BROKERS for partition, KBENCH_DEBUG) are left alone.
    const other = await kbenchWithEnv({ KBENCH_BROKERS: '127.0.0.1:1', KBENCH_DEBUG: '1' }, 'partition', 'k', '--partitions', '3', '--json');
    expect(other.code).toBe(0);
  });

  it('--help goes to stdout with exit 0', async () => {
    const r = await kbench('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--grow-to');
    expect(r.stderr).toBe('');
  });
});

describe('growth in the tables', () => {
  it('shows the run-wide ordering over distinct keys and when each producer used the new partitions', async () => {
    const base = ['--key', 'user_id', '--partitions', '3', '--grow-to', '12', '--duration', '10s'];
    // Producers that refresh metadata every second move keys (and break their order) after growth.
    const quick = [...base, '--metadata-refresh', '1s', '--producers', '2'];
    const report = JSON.parse((await kbench(...quick, '--out', '-')).stdout);
    expect(report.ordering.violations).toBeGreaterThan(0);
    const tables = (await kbench(...quick, '--out', join(tempDir(), 'r.json'))).stdout;
    expect(tables).toContain(`run total: ${report.ordering.violations.toLocaleString('en-US')} violations over ${report.ordering.keysAffected.toLocaleString('en-US')} distinct keys`);
    expect(tables).toMatch(/Growth 3 → 12 partitions: when producers used the new ones/);
    expect(tables).toMatch(/│ 2\s+│ java\s+│ [\d,]+\s+│ [1-9][\d,]*\s+│ [\d,]+\s+│ \+[\d,.]+ ms/);
    // With the client's own 5-minute refresh, a 10 s run never uses them.
    const late = await kbench(...base, '--out', join(tempDir(), 'r.json'));
    expect(late.stdout).toMatch(/│ 1\s+│ java\s+│ [\d,]+\s+│ 0\s+│ [\d,]+\s+│ never/);
  });
});

describe('bad input: one line on stderr, exit 2, no stack', () => {
  const cases: [string[], RegExp][] = [
    [['--key', 'planet'], /unknown --key "planet"; use one of user_id/],
    [['--partitions', '0'], /--partitions must be from 1 to 10,000 \(got "0"\)/],
    [['--partitions', 'abc'], /--partitions must be a whole number from 1 to 10,000/],
    [['--grow-to', '3', '--partitions', '6'], /--grow-to 3 must be above --partitions 6/],
    [['--key', 'file:/no/such/keys.txt'], /key file not found: "\/no\/such\/keys.txt"/],
    [['--rate=-5'], /--rate must be above 0 up to 10,000,000 \(got "-5"\)/],
    [['--client', 'rust-kafka'], /unknown --client "rust-kafka"/],
    [['--assignor', 'sticky-ish'], /unknown --assignor "sticky-ish"/],
    [['--producers', 'java:2,go:1'], /unknown --producers client "go"/],
    [['--duration', 'forever'], /--duration is not a duration \(got "forever"\)/],
    [['--partition', '12', '--partitions', '12'], /--partition 12 does not exist/],
    [['--grow-to', '12', '--partitions', '3', '--grow-at', '150%'], /--grow-at percentage/],
    [['--no-such-flag'], /Unknown argument/],
    [['--rate', 'max'], /--rate max needs a live broker/],
    [['--seed', '-1'], /--seed must be from 0 to 4,294,967,295 \(got "-1"\)/],
    [['--duration', '0s'], /--duration must be from 1ms to 24h/],
    [['--duration', '1ms', '--rate', '1'], /the run would send no records/],
  ];
  it.each(cases)('%j', async (argv, message) => {
    const r = await kbench(...argv, '--out', join(tempDir(), 'x.json'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^kbench: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a multi-line yargs message still becomes one line', async () => {
    const r = await kbench('report');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kbench: Not enough non-option arguments/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unreadable key file', async () => {
    const dir = tempDir();
    const r = await kbench('--key', `file:${dir}`, '--duration', '1s');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/key file is not a regular file/);
  });
});

describe('kbench partition', () => {
  it('--json gives {key, client, partitions, partition} rows (Sarama-published Java vectors)', async () => {
    const r = await kbench('partition', 'foo', 'bar', 'kafka', '--partitions', '100', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { key: 'foo', client: 'java', partitions: 100, partition: 16 },
      { key: 'bar', client: 'java', partitions: 100, partition: 45 },
      { key: 'kafka', client: 'java', partitions: 100, partition: 80 },
    ]);
  });
  it('--all-clients shows every profile side by side (reference §8.4)', async () => {
    const r = await kbench('partition', 'kafka', '--partitions', '6', '--all-clients', '--json');
    const rows = JSON.parse(r.stdout) as { client: string; partition: number }[];
    const at = Object.fromEntries(rows.map((x) => [x.client, x.partition]));
    expect(at).toEqual({ java: 4, kafkajs: 4, 'kafkajs-legacy': 1, librdkafka: 5, sarama: 5, 'franz-go': 4, platformatic: 0 });
    const table = await kbench('partition', 'kafka', '--partitions', '6', '--all-clients');
    expect(table.stdout).toMatch(/kafka\s*│\s*4\s*│\s*4\s*│\s*1\s*│\s*5\s*│\s*5\s*│\s*4\s*│\s*0/);
  });
  it('rejects a bad partition count', async () => {
    const r = await kbench('partition', 'k', '--partitions', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kbench: --partitions must be from 1 to 10,000 \(got "0"\)/);
  });
});

describe('kbench compare', () => {
  it('shows both reports side by side with deltas', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    expect((await kbench('--key', 'user_id', '--duration', '2s', '--out', a)).code).toBe(0);
    expect((await kbench('--key', 'country', '--duration', '2s', '--out', b)).code).toBe(0);
    const r = await kbench('compare', a, b);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/maxMeanRatio\s*│\s*all/);
    expect(r.stdout).toMatch(/worse/);
    const json = JSON.parse((await kbench('compare', a, b, '--json')).stdout);
    const mm = json.metrics.find((m: { metric: string }) => m.metric === 'maxMeanRatio');
    expect(mm.values[1]).toBeGreaterThan(mm.values[0]);
    expect(mm.ratios[0]).toBe(1);
  });
  it('a file that is not a report: exit 2, one line', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    const r = await kbench('compare', bad, bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kbench: .*bad\.json" is not a kbench\.report\/v1 report/);
  });
  it('a missing file', async () => {
    const r = await kbench('compare', '/no/a.json', '/no/b.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read report "\/no\/a\.json": ENOENT/);
  });
});

describe('kbench compare --fail-on', () => {
  async function pair(a: string[], b: string[]) {
    const dir = tempDir();
    const pa = join(dir, 'a.json');
    const pb = join(dir, 'b.json');
    expect((await kbench(...a, '--duration', '5s', '--out', pa)).code).toBe(0);
    expect((await kbench(...b, '--duration', '5s', '--out', pb)).code).toBe(0);
    return [pa, pb];
  }

  it('exits 3 when a threshold is crossed, 0 when none is', async () => {
    const [a, b] = await pair(['--key', 'user_id'], ['--key', 'country']);
    const fail = await kbench('compare', a, b, '--fail-on', 'maxMeanRatio>+0.2');
    expect(fail.code).toBe(3);
    expect(fail.stdout).toMatch(/FAIL maxMeanRatio>\+0\.2 \[all\]/);
    expect(fail.stderr).toMatch(/^kbench: regression: maxMeanRatio>\+0\.2 \[all\]/);
    const pass = await kbench('compare', a, b, '--fail-on', 'maxMeanRatio>+100,violations>+0');
    expect(pass.code).toBe(0);
    expect(pass.stdout).toMatch(/ok {3}maxMeanRatio>\+100/);
  });

  it('latency rules look at the distributions: a real slowdown fails', async () => {
    // Consumers at 3400/s cannot keep up with the hottest users: end-to-end latency grows for real.
    const [a, b] = await pair(['--key', 'user_id'], ['--key', 'user_id', '--consumer-rate', '3400']);
    const r = await kbench('compare', a, b, '--fail-on', 'p99>+10%', '--json');
    expect(r.code).toBe(3);
    const check = JSON.parse(r.stdout).checks[0];
    expect(check.failed).toBe(true);
    expect(check.distribution.differ).toBe(true);
  });

  it('a percentile that moved while the distribution did not is not a regression', async () => {
    const [a] = await pair(['--key', 'user_id'], ['--key', 'user_id']);
    const doctored = JSON.parse(readFileSync(a, 'utf8'));
    doctored.phases[0].latency.endToEnd.p99 *= 3; // the summary number says worse; the histogram is unchanged
    const b = join(tempDir(), 'b.json');
    writeFileSync(b, JSON.stringify(doctored));
    const r = await kbench('compare', a, b, '--fail-on', 'p99>+10%', '--json');
    expect(r.code).toBe(0);
    const check = JSON.parse(r.stdout).checks[0];
    expect(check.change).toBeCloseTo(2, 5);
    expect(check.distribution.differ).toBe(false);
  });

  it('a malformed rule is a usage error', async () => {
    const [a, b] = await pair(['--key', 'user_id'], ['--key', 'user_id']);
    const r = await kbench('compare', a, b, '--fail-on', 'p99 is worse');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--fail-on rule "p99 is worse" is not <metric><op><threshold>/);
    const unknown = await kbench('compare', a, b, '--fail-on', 'p98>+1%');
    expect(unknown.stderr).toMatch(/unknown metric "p98"/);
  });
});
