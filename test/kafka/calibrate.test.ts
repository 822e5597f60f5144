// `kbench calibrate` against the real broker: a short measurement writes a model file that validates,
// with positive, plausible figures, and leaves no topic behind.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFile } from '../../src/engines/sim/model.js';
import { kbench, simReport, tempDir } from '../helpers.js';
import { brokers } from './helpers.js';

describe('kbench calibrate', () => {
  it('measures the broker briefly and writes a model the simulator reads', async () => {
    const out = join(tempDir(), 'model.json');
    const r = await kbench('calibrate', '--brokers', brokers, '--duration', '5s', '--out', out, '--name', 'test-broker');
    expect(r.code, r.stderr).toBe(0);
    const m = readModelFile(out);
    expect(m.name).toBe('test-broker');
    expect(m.cluster.bootstrap).toEqual(brokers.split(','));
    expect(m.cluster.brokers).toBeGreaterThanOrEqual(1);
    expect(m.command).toMatch(/^kbench calibrate --brokers /);
    expect(Date.now() - Date.parse(m.measuredAt)).toBeLessThan(120_000);
    expect(m.produceLatency.points).toHaveLength(6);
    for (const p of m.produceLatency.points) {
      expect(p.requests).toBeGreaterThan(0);
      expect(p.ms[0]).toBeGreaterThan(0);
      expect(p.ms[p.ms.length - 1]).toBeLessThan(30_000);
    }
    expect(m.ceilings.partition.recordsPerSec).toBeGreaterThan(100);
    expect(m.ceilings.cluster.recordsPerSec).toBeGreaterThanOrEqual(m.ceilings.partition.recordsPerSec);
    expect(m.ceilings.cluster.bytesPerSec).toBeGreaterThan(10_000);
    expect(m.consumer.fetchRecordsPerSec).toBeGreaterThan(100);
    expect(m.consumer.afterAckMs).toBeGreaterThanOrEqual(0); // measured: a waiting consumer's fetch delay after the ack
    expect(m.rebalanceMs).toBeGreaterThan(0);
    expect(m.rebalanceMs).toBeLessThan(30_000);
    expect(m.metadataPropagationMs).toBeGreaterThanOrEqual(0);
    // Its own topic is gone.
    const topic = /topic (kbench-calibrate-[0-9a-f]+)/.exec(r.stderr)![1];
    const list = await kbench('topic', 'list', '--brokers', brokers, '--json');
    expect(list.stdout).not.toContain(topic);
    // And the simulator runs with it, naming it.
    const report = await simReport('--model', out, '--duration', '1s');
    expect(report.model.notes.join('\n')).toContain(`model file ${out}: "test-broker"`);
    expect(readFileSync(out, 'utf8')).toContain('kbench.model/v1');
  }, 60_000);
});
