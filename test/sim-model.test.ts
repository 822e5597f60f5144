// The simulator's time model: the model file (kbench.model/v1) and how the simulated producers,
// partitions and cluster respond to it (latency spread, batching, ceilings), deterministically.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kbench, refused, simReport, tempDir } from './helpers.js';
import { defaultModel, defaultModelPath, readModelFile, validateModel } from '../src/engines/sim/model.js';

const shipped = () => JSON.parse(readFileSync(defaultModelPath(), 'utf8')) as Record<string, any>;

/** The one-line usage error `fn` throws (test/helpers.ts checks it is one line, exit 2). */
const oneLine = (fn: () => unknown): string => refused(fn).message;

describe('model file', () => {
  it('the shipped model validates and says where it was measured', () => {
    const m = defaultModel();
    expect(m.format).toBe('kbench.model/v1');
    expect(m.cluster.bootstrap.length).toBeGreaterThan(0);
    expect(m.command).toMatch(/^kbench calibrate /);
    expect(m.produceLatency.points.length).toBeGreaterThanOrEqual(2);
  });

  it('each kind of bad file is one line naming the problem', () => {
    const dir = tempDir();
    const write = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
    expect(oneLine(() => readModelFile(join(dir, 'missing.json')))).toMatch(/cannot read model file/);
    expect(oneLine(() => readModelFile(write('a.json', '{ not json')))).toMatch(/is not JSON/);
    expect(oneLine(() => readModelFile(write('b.json', '[]')))).toMatch(/not a JSON object/);
    expect(oneLine(() => readModelFile(write('c.json', JSON.stringify({ ...shipped(), format: 'kbench.model/v0' }))))).toMatch(/format is .*kbench\.model\/v1/);
    const noCeilings = shipped(); delete noCeilings.ceilings;
    expect(oneLine(() => readModelFile(write('d.json', JSON.stringify(noCeilings))))).toMatch(/ceilings must be an object/);
    const zero = shipped(); zero.ceilings.cluster.recordsPerSec = 0;
    expect(oneLine(() => readModelFile(write('e.json', JSON.stringify(zero))))).toMatch(/ceilings\.cluster\.recordsPerSec must be a number above 0/);
    const unordered = shipped(); unordered.produceLatency.points[0].ms = [5, 4, 3, 2, 1, 1, 1, 1, 1, 1];
    expect(oneLine(() => readModelFile(write('f.json', JSON.stringify(unordered))))).toMatch(/points\[0\]\.ms must be non-decreasing/);
    expect(oneLine(() => validateModel({ ...shipped(), notes: 'x' }, 'g.json'))).toMatch(/notes must be a list/);
  });

  it('--model with a bad file: exit 2, one line', async () => {
    const p = join(tempDir(), 'bad.json');
    writeFileSync(p, '{}');
    const r = await kbench('--model', p, '--duration', '1s', '--quiet', '--out', '-');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('time model', () => {
  it('the same seed gives the same latencies; produce latency has a spread', async () => {
    const args = ['--key', 'country', '--partitions', '12', '--duration', '5s'];
    const [a, b] = [await simReport(...args), await simReport(...args)];
    expect(a.phases[0].latency).toEqual(b.phases[0].latency);
    const p = a.phases[0].latency.produce;
    expect(p.p50).toBeLessThan(p.p99);
    expect(p.p99).toBeLessThan(p.max + 1e-9);
  });

  it('a longer linger adds produce latency at low load', async () => {
    const low = ['--key', 'user_id', '--rate', '200', '--duration', '5s', '--consumers', '0'];
    const short = (await simReport(...low, '--linger', '0ms')).phases[0].latency.produce.p50;
    const long = (await simReport(...low, '--linger', '50ms')).phases[0].latency.produce.p50;
    expect(long).toBeGreaterThan(short + 20);
  });

  it('the cluster-wide ceiling caps throughput: beyond it produce latency grows with the run', async () => {
    const m = shipped();
    m.ceilings.cluster.recordsPerSec = 2000;
    const p = join(tempDir(), 'slow.json');
    writeFileSync(p, JSON.stringify(m));
    const args = ['--key', 'user_id', '--rate', '4000', '--duration', '2s', '--consumers', '0', '--partitions', '12'];
    const capped = (await simReport(...args, '--model', p)).phases[0].latency.produce;
    const free = (await simReport(...args)).phases[0].latency.produce;
    // 8000 records at 2000/s take 4 s: the last waits about 2 s.
    expect(capped.max).toBeGreaterThan(1500);
    expect(free.max).toBeLessThan(1000);
  });

  const withModel = (edit: (m: Record<string, any>) => void): string => {
    const m = shipped();
    edit(m);
    const p = join(tempDir(), 'edited.json');
    writeFileSync(p, JSON.stringify(m));
    return p;
  };

  it('the rebalance round and the metadata propagation time come from the model unless given', async () => {
    const slow = withModel((m) => { m.rebalanceMs = 2500; m.metadataPropagationMs = 3000; });
    const grow = ['--key', 'user_id', '--partitions', '3', '--grow-to', '6', '--grow-at', '2s', '--duration', '8s', '--metadata-refresh', '100ms', '--consumers', '2'];
    const r = await simReport(...grow, '--model', slow);
    expect(r.model.parameters.rebalanceMs).toBe(2500);
    const growth = r.model.parameters.growth as { producerRefreshAtMs: number[]; groupRebalanceAtMs: number };
    // Nobody sees the new partitions before the cluster shows them, 3 s after the change at 2 s.
    for (const at of [...growth.producerRefreshAtMs, growth.groupRebalanceAtMs]) expect(at).toBeGreaterThanOrEqual(5000);
    expect((await simReport(...grow, '--model', slow, '--rebalance-time', '300ms')).model.parameters.rebalanceMs).toBe(300);
    expect((await simReport(...grow)).model.parameters.rebalanceMs).toBe(defaultModel().rebalanceMs);
  });

  it('consumers read no faster than the model\'s fetch ceiling, and get records the model\'s fetch delay after the ack', async () => {
    const args = ['--key', 'user_id', '--partitions', '6', '--rate', '3000', '--duration', '3s', '--consumers', '1', '--consumer-rate', '1000000'];
    const slowFetch = withModel((m) => { m.consumer.fetchRecordsPerSec = 1500; m.consumer.afterAckMs = 20; });
    const slow = (await simReport(...args, '--model', slowFetch)).phases[0];
    const fast = (await simReport(...args)).phases[0];
    // 3,000 records/s into a consumer that fetches 1,500/s: half of each second's records are still waiting.
    expect(Math.max(...slow.partitionMaxLag) * 6).toBeGreaterThan(3000);
    expect(Math.max(...fast.partitionMaxLag)).toBeLessThan(50);
    const noLag = withModel((m) => { m.consumer.afterAckMs = 20; });
    const leg = (await simReport(...args, '--model', noLag)).phases[0].latency;
    expect(leg.endToEnd.p50 - leg.produce.p50).toBeGreaterThan(19.9);
    expect(fast.latency.endToEnd.p50 - fast.latency.produce.p50).toBeLessThan(5);
  });

  it('the report names the model and where it came from', async () => {
    const r = await simReport('--duration', '1s');
    const notes = r.model.notes.join('\n');
    expect(notes).toMatch(/Time model: the default model shipped with kbench/);
    expect(r.model.parameters.model).toMatchObject({ source: 'default (shipped with kbench)' });
  });
});
