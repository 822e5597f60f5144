// Producer settings from the user's side: the named options (flags, KBENCH_* variables, workload
// fields), Kafka's own property syntax (--producer-props, --producer-config), which wins, and the
// contradictions refused with one line and exit 2 before anything connects (no broker here: every
// run names an unreachable one, so a run that got as far as connecting would exit 1 instead).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRODUCER_PROPERTIES } from '../src/config/producer-settings.js';
import { parsePropertiesText } from '../src/config/properties.js';
import { RUN_OPTIONS } from '../src/config/options.js';
import type { RunReport } from '../src/report/schema.js';
import { KbenchError } from '../src/errors.js';
import { kbench, kbenchWithEnv, simReport, tempDir } from './helpers.js';

const UNREACHABLE = ['--brokers', '127.0.0.1:1', '--connect-timeout', '300ms'];
const specOf = async (...argv: string[]) => (await simReport('--duration', '200ms', ...argv)).spec;

/** Refused before connecting: exit 2, exactly the given lines, nothing on stdout. */
async function refusedRun(env: Record<string, string>, argv: string[], ...expected: (string | RegExp)[]) {
  const r = await kbenchWithEnv(env, ...UNREACHABLE, '--duration', '1s', '--out', '-', ...argv);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(expected.length);
  expected.forEach((e, i) => (typeof e === 'string' ? expect(lines[i]).toBe(e) : expect(lines[i]).toMatch(e)));
  expect(r.code).toBe(2);
}

describe('producer settings', () => {
  it('default to an idempotent producer with acks=all, one send in flight, the engine\'s 5 ms linger, no compression', async () => {
    expect(await specOf()).toMatchObject({ acks: 'all', idempotent: true, maxInFlight: 1, lingerMs: 5, batchBytes: 16 * 1024, compression: 'none' });
  });

  it('come from flags, KBENCH_* variables and workload fields alike, into the spec and the summary table', async () => {
    const flags = await specOf('--acks', '1', '--no-idempotent', '--max-in-flight', '5', '--linger', '20ms', '--batch-size', '16KiB', '--compression', 'zstd');
    expect(flags).toMatchObject({ acks: '1', idempotent: false, maxInFlight: 5, lingerMs: 20, batchBytes: 16384, compression: 'zstd' });
    const env = await kbenchWithEnv({ KBENCH_ACKS: '0', KBENCH_IDEMPOTENT: 'off', KBENCH_COMPRESSION: 'lz4', KBENCH_BATCH_SIZE: '0' }, '--duration', '200ms', '--out', '-');
    expect(JSON.parse(env.stdout).spec).toMatchObject({ acks: '0', idempotent: false, compression: 'lz4', batchBytes: 0 });
    const dir = tempDir();
    const file = join(dir, 'w.yaml');
    writeFileSync(file, 'acks: all\nidempotent: "true"\nlinger: 1s\nbatch-size: 1MiB\ncompression: snappy\nduration: 200ms\n');
    const fromFile = await kbench('run', file, '--out', '-');
    expect(JSON.parse(fromFile.stdout).spec).toMatchObject({ acks: 'all', idempotent: true, lingerMs: 1000, batchBytes: 1048576, compression: 'snappy' });
    const table = await kbench('--acks', '1', '--compression', 'gzip', '--duration', '200ms', '--out', join(dir, 'r.json'));
    expect(table.stdout).toMatch(/producer settings +│ acks=1, enable\.idempotence=false, max\.in\.flight=1, linger=5ms,/);
    expect(table.stdout).toMatch(/compression=gzip \(not modelled by/);
  });

  it('acks 0 or 1 with idempotence at its default turns idempotence off, as Kafka\'s Java client does', async () => {
    expect(await specOf('--acks', '0')).toMatchObject({ acks: '0', idempotent: false });
    expect(await specOf('--acks', 'all')).toMatchObject({ acks: 'all', idempotent: true });
  });

  it('refuse contradictions and unknown values, one line each, before anything connects', async () => {
    await refusedRun({}, ['--acks', '1', '--idempotent'],
      'kbench: --acks 1 contradicts --idempotent: an idempotent producer needs acks=all; use --acks all, or --no-idempotent');
    await refusedRun({ KBENCH_IDEMPOTENT: 'yes' }, ['--acks', '0'], /^kbench: --acks 0 contradicts KBENCH_IDEMPOTENT: /);
    await refusedRun({}, ['--max-in-flight', '6'],
      'kbench: --max-in-flight 6 is more than an idempotent producer may have in flight (Kafka allows 5); use --max-in-flight 5 or less, or --no-idempotent');
    // Kafka allows 5, the kafkajs driver keeps only 1 safe: refused when the driver is chosen, still before connecting.
    await refusedRun({}, ['--max-in-flight', '5'],
      'kbench: --max-in-flight 5 with idempotence is more than the kafkajs driver keeps safe (1); use --max-in-flight 1, or --no-idempotent');
    await refusedRun({}, ['--compression', 'brotli'], 'kbench: unknown --compression "brotli"; use one of none, gzip, snappy, lz4, zstd');
    await refusedRun({}, ['--acks', '2', '--max-in-flight', '33', '--linger', '2m'],
      /^kbench: unknown --acks "2"; use one of 0, 1, all$/, /^kbench: --max-in-flight must be from 1 to 32/, /^kbench: --linger must be from 0ms to 1m/);
  });
});

describe('Kafka producer properties', () => {
  it('map every supported property onto the same settings as the flags', async () => {
    const spec = await specOf('--producer-props', 'acks=1,enable.idempotence=false,linger.ms=7,batch.size=16384,compression.type=lz4,max.in.flight.requests.per.connection=3,metadata.max.age.ms=2000');
    expect(spec).toMatchObject({ acks: '1', idempotent: false, lingerMs: 7, batchBytes: 16384, compression: 'lz4', maxInFlight: 3, metadataRefreshMs: 2000 });
    expect((await specOf('--producer-props', 'acks=-1')).acks).toBe('all');
    // Every mapped property names a run option that exists (the mapping is one table).
    for (const { option } of Object.values(PRODUCER_PROPERTIES)) expect(Object.keys(RUN_OPTIONS)).toContain(option);
  });

  it('read a .properties file: comments, key=value and key: value, trimmed; --producer-props and named options win', async () => {
    const dir = tempDir();
    const file = join(dir, 'producer.properties');
    writeFileSync(file, '# perf test settings\n! another comment\n\n  acks = 1 \nenable.idempotence: false\nlinger.ms=50\ncompression.type=gzip\nbatch.size=65536\n');
    expect(await specOf('--producer-config', file)).toMatchObject({ acks: '1', idempotent: false, lingerMs: 50, compression: 'gzip', batchBytes: 65536 });
    // --producer-props over --producer-config; a named option (flag or variable) over both.
    const spec = await specOf('--producer-config', file, '--producer-props', 'linger.ms=9,compression.type=snappy', '--compression', 'zstd');
    expect(spec).toMatchObject({ acks: '1', lingerMs: 9, compression: 'zstd', batchBytes: 65536 });
    const env = await kbenchWithEnv({ KBENCH_LINGER: '3ms', KBENCH_PRODUCER_CONFIG: file }, '--duration', '200ms', '--out', '-');
    expect(JSON.parse(env.stdout).spec).toMatchObject({ lingerMs: 3, compression: 'gzip' });
    // Named in a workload file, the properties file is found next to it; the file's own fields win over it.
    writeFileSync(join(dir, 'w.yaml'), 'producer-config: producer.properties\nlinger: 2ms\nduration: 200ms\n');
    const wl = await kbench('run', join(dir, 'w.yaml'), '--out', '-');
    expect(JSON.parse(wl.stdout).spec).toMatchObject({ acks: '1', lingerMs: 2, compression: 'gzip' });
  });

  it('bootstrap.servers names the cluster, as --brokers would (a list with commas inside --producer-props too)', async () => {
    const r = await kbench('--producer-props', 'bootstrap.servers=127.0.0.1:1,127.0.0.1:2,acks=all', '--connect-timeout', '300ms', '--duration', '1s', '--out', join(tempDir(), 'r.json'));
    expect(r.stderr).toMatch(/cannot reach Kafka at 127\.0\.0\.1:1,127\.0\.0\.1:2/);
    expect(r.code).toBe(1);
  });

  it('refuse an unknown or unsupported property, a bad value, a syntax error and an unreadable file, one line each', async () => {
    const mapped = Object.keys(PRODUCER_PROPERTIES).join(', ');
    await refusedRun({}, ['--producer-props', 'acks=1,retries=3'], `kbench: --producer-props: unsupported producer property "retries"; kbench maps ${mapped}`);
    await refusedRun({}, ['--producer-props', 'linger.ms=soon'], /^kbench: --producer-props linger\.ms is not a duration \(got "soonms"\)|^kbench: --producer-props linger\.ms is not a duration/);
    await refusedRun({}, ['--producer-props', 'acks'], 'kbench: --producer-props entry "acks" is not key=value; e.g. acks=1,linger.ms=5');
    await refusedRun({}, ['--producer-props', 'enable.idempotence=true,acks=1'], /^kbench: --producer-props acks 1 contradicts --producer-props enable\.idempotence: /);
    const dir = tempDir();
    const file = join(dir, 'p.properties');
    writeFileSync(file, 'acks=all\nlinger.ms 5\n');
    await refusedRun({}, ['--producer-config', file], `kbench: properties file "${file}" line 2 is not key=value`);
    writeFileSync(file, 'acks=all\n\nbuffer.memory=1000\n');
    await refusedRun({}, ['--producer-config', file], `kbench: properties file "${file}" line 3: unsupported producer property "buffer.memory"; kbench maps ${mapped}`);
    await refusedRun({}, ['--producer-config', join(dir, 'missing.properties')], /^kbench: cannot read --producer-config properties file ".*missing\.properties": ENOENT$/);
    await refusedRun({}, ['--producer-config', '-'], 'kbench: --producer-config reads a .properties file, not standard input; give its path');
    await refusedRun({}, ['--producer-config', dir], /^kbench: --producer-config properties file ".*" is a directory; give a file$/);
    writeFileSync(file, `# ${'x'.repeat(70 * 1024)}\n`);
    await refusedRun({}, ['--producer-config', file], /is larger than the 64 KiB kbench reads$/);
  });

  it('parse the Java properties subset exactly', () => {
    const text = ' acks = 1\r\nlinger.ms:2\n#x=y\n  !z\n\nbootstrap.servers: h:9092\ncompression.type=';
    const anyKey = () => undefined;
    expect(parsePropertiesText(text, 'f', anyKey).map(({ key, value, label }) => [key, value, label])).toEqual([
      ['acks', '1', '"f":1 acks'], ['linger.ms', '2', '"f":2 linger.ms'], ['bootstrap.servers', 'h:9092', '"f":6 bootstrap.servers'], ['compression.type', '', '"f":7 compression.type'],
    ]);
    // A malformed line is named by its number, never quoted (client properties hold passwords).
    expect(() => parsePropertiesText('acks=1\nsecret-without-separator', 'f', anyKey)).toThrow(/^properties file "f" line 2 is not key=value$/);
    expect(() => parsePropertiesText('acks=1\\\n  all', 'f', anyKey)).toThrow(KbenchError);
    expect(() => parsePropertiesText('acks=1\\\n  all', 'f', anyKey)).toThrow('properties file "f" line 1 continues on the next line (\\); write each property on one line');
  });
});

describe('--consumers 0 (simulated)', () => {
  it('is a produce-only run: no group, produce latency only, and nothing unread counted as lost', async () => {
    const r: RunReport = await simReport('--consumers', '0', '--duration', '2s', '--rate', '1000');
    expect(r.spec.consumers).toBe(0);
    expect(r.delivery).toEqual({ produced: 2000, acked: 2000, consumed: 0, lost: 0, duplicated: 0, skipped: 0, misplaced: null, unconsumed: null });
    expect(r.phases[0].consumers).toEqual([]);
    expect(r.phases[0].latency.produce.count).toBe(2000);
    expect(r.phases[0].latency.endToEnd.count).toBe(0);
    expect(r.model.notes.join(' ')).toMatch(/Produce-only run \(--consumers 0\): no consumer group; latency is produce latency only/);
    expect(r.advice.map((a) => a.code)).not.toContain('ordering-kept');
    const text = await kbench('--consumers', '0', '--duration', '1s', '--out', join(tempDir(), 'r.json'));
    expect(text.stdout).toMatch(/consumer group +│ none: produce-only run \(--consumers 0\); latency is produce latency/);
    expect(text.stdout).toMatch(/Latency \(produce only: no consumers\)/);
    expect(text.stdout).toMatch(/end-to-end +│ all +│ none /);
    expect(text.stdout).toMatch(/Delivery \(produce-only run: ordering, loss and duplicates are judged on consumption, so not measured\)/);
    expect(text.stdout).not.toMatch(/Consumers \[all\]/);
  });

  it('with partition growth: producers still move to the new partitions, and nothing is skipped', async () => {
    const r = await simReport('--consumers', '0', '--partitions', '3', '--grow-to', '6', '--duration', '4s', '--rate', '1000', '--metadata-refresh', '500ms');
    expect(r.phases[1].perPartition.slice(3).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(r.delivery).toMatchObject({ produced: 4000, acked: 4000, consumed: 0, lost: 0, skipped: 0 });
  });
});
