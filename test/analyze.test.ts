// kbench analyze on key files (closed-form checks) and on a real topic (which partitioner wrote it).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyAnalysis } from '../src/analysis/key-report.js';
import type { AnalysisCapacity } from '../src/cli/commands/analyze.js';
import { kbench, tempDir } from './helpers.js';
import { defaultModelPath } from '../src/engines/sim/model.js';
import { brokers, uniqueName } from './kafka/helpers.js';

async function analyze(...args: string[]): Promise<KeyAnalysis & { source: string; capacity: AnalysisCapacity }> {
  const r = await kbench('analyze', '--json', ...args);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

function keysFile(lines: string[]): string {
  const path = join(tempDir(), 'keys.txt');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('kbench analyze --keys-file', () => {
  it('counts records and keys exactly and ranks the top keys', async () => {
    const lines = [...Array(60).fill('hot'), ...Array.from({ length: 40 }, (_, i) => `k${i}`)];
    const a = await analyze('--keys-file', keysFile(lines));
    expect(a).toMatchObject({ records: 100, keyedRecords: 100, nullRecords: 0, distinctKeys: 41, currentPartitions: 12 });
    expect(a.topKeys[0]).toEqual({ key: 'hot', records: 60, share: 0.6 });
    // The hot key's partition holds at least its 60%.
    expect(a.byPartitionCount.find((c) => c.partitions === 12)!.hottestShare).toBeGreaterThanOrEqual(0.6);
  });

  it('uniform keys: growth moves what hash % n predicts; Java-compatible clients agree', async () => {
    const a = await analyze('--keys-file', keysFile(Array.from({ length: 20_000 }, (_, i) => `user-${i}`)), '--partitions', '8', '--counts', '16,24');
    const g16 = a.growth.find((g) => g.to === 16)!;
    const g24 = a.growth.find((g) => g.to === 24)!;
    expect(g16.expectedFractionUniform).toBe(0.5);
    expect(Math.abs(g16.fractionKeysMoved - 0.5)).toBeLessThan(0.02);
    expect(g24.expectedFractionUniform).toBeCloseTo(1 - 8 / 24, 4);
    expect(Math.abs(g24.fractionKeysMoved - (1 - 8 / 24))).toBeLessThan(0.02);
    const by = Object.fromEntries(a.byClient.map((c) => [c.client, c.maxMeanRatio]));
    expect(by.kafkajs).toBe(by.java);
    expect(by['franz-go']).toBe(by.java);
    expect(by.platformatic).toBe(by.java); // 8 is a power of two: unsigned and masked murmur2 agree
  });

  it('--model: each partition count\'s highest rate is the model\'s partition ceiling over the hottest share, capped by the cluster\'s', async () => {
    const model = JSON.parse(readFileSync(defaultModelPath(), 'utf8'));
    model.ceilings.partition.recordsPerSec = 1000;
    model.ceilings.cluster.recordsPerSec = 5000;
    const path = join(tempDir(), 'model.json');
    writeFileSync(path, JSON.stringify(model));
    // 60% of the records carry one key: its partition reaches 1,000/s when the topic takes 1,667/s, whatever the count.
    const lines = [...Array(60).fill('hot'), ...Array.from({ length: 40 }, (_, i) => `k${i}`)];
    const a = await analyze('--keys-file', keysFile(lines), '--partitions', '3', '--counts', '12', '--model', path);
    for (const c of a.capacity.byPartitionCount) {
      const share = a.byPartitionCount.find((x) => x.partitions === c.partitions)!.hottestShare;
      expect(c).toEqual({ partitions: c.partitions, maxRecordsPerSec: Math.round(1000 / share), limitedBy: 'hottest partition' });
    }
    // Uniform keys over 12 partitions: a partition reaches 1,000/s at about 12,000/s, above the cluster's 5,000.
    const even = await analyze('--keys-file', keysFile(Array.from({ length: 12_000 }, (_, i) => `user-${i}`)), '--partitions', '12', '--model', path);
    expect(even.capacity.byPartitionCount.find((c) => c.partitions === 12)).toEqual({ partitions: 12, maxRecordsPerSec: 5000, limitedBy: 'cluster' });
  });

  it('a missing file and a missing source are usage errors', async () => {
    expect((await kbench('analyze', '--keys-file', '/no/keys.txt')).stderr).toMatch(/^kbench: cannot read keys file "\/no\/keys\.txt": ENOENT/);
    const none = await kbench('analyze');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give either --keys-file <file> or --topic <name>/);
  });
});

describe.skipIf(!brokers)('kbench analyze --topic on a real broker', () => {
  const B = ['--brokers', brokers];

  it('tells which partitioner wrote a topic, and leaves its groups alone', async () => {
    const single = uniqueName('kbench-analyze');
    const mixed = uniqueName('kbench-analyze');
    try {
      for (const t of [single, mixed]) expect((await kbench('topic', 'create', t, '--partitions', '6', ...B)).code).toBe(0);
      expect((await kbench('produce', '--topic', single, '--messages', '300', '--client', 'librdkafka', ...B)).code).toBe(0);
      expect((await kbench('produce', '--topic', mixed, '--messages', '300', '--client', 'java', ...B)).code).toBe(0);
      expect((await kbench('produce', '--topic', mixed, '--messages', '300', '--client', 'sarama', '--seed', '2', ...B)).code).toBe(0);
      const groupsBefore = JSON.parse((await kbench('group', 'list', '--json', ...B)).stdout);

      const a = await analyze('--topic', single, '--sample', '1000', ...B);
      expect(a.records).toBe(300);
      expect(a.currentPartitions).toBe(6);
      expect(a.observed!.likelyClients).toEqual(['librdkafka']);
      expect(a.observed!.matchByClient.find((m) => m.client === 'librdkafka')!.fraction).toBe(1);
      expect(a.observed!.perPartition.reduce((s, n) => s + n, 0)).toBe(300);

      const m = await analyze('--topic', mixed, '--sample', '1000', ...B);
      expect(m.records).toBe(600);
      expect(m.observed!.likelyClients).toEqual([]);
      const sampled = await analyze('--topic', mixed, '--sample', '100', ...B);
      expect(sampled.records).toBe(100);

      const groupsAfter = JSON.parse((await kbench('group', 'list', '--json', ...B)).stdout);
      expect(groupsAfter).toEqual(groupsBefore);
    } finally {
      for (const t of [single, mixed]) await kbench('topic', 'delete', t, ...B);
    }
  }, 60_000);
});
