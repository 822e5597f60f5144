import { describe, expect, it } from 'vitest';
import { Recorder } from './recorder.js';
import type { PlannedRecord } from '../engines/types.js';

const rec = (n: number, entity: number, seq: number, intendedUs = n * 1000): PlannedRecord => ({
  n, producer: 0, keyIndex: entity, key: new Uint8Array([entity]), entity, seq, intendedUs, sizeBytes: 100, partition: -1, offset: -1, atUs: 0, flags: 0,
});

function recorder(grow = false) {
  return new Recorder({
    phases: grow
      ? [{ name: 'before', startUs: 0, endUs: 5000, partitions: 2 }, { name: 'after', startUs: 5000, endUs: 10_000, partitions: 4 }]
      : [{ name: 'all', startUs: 0, endUs: 10_000, partitions: 2 }],
    maxPartitions: grow ? 4 : 2,
    consumers: 2,
    keyCardinality: 10,
    entityCardinality: 10,
  });
}

describe('Recorder ordering', () => {
  it('an injected reorder is counted once', () => {
    const r = recorder();
    const records = [rec(0, 1, 0), rec(1, 1, 1), rec(2, 1, 2), rec(3, 1, 3)];
    // Consumed order: 0, 2, 1, 3 → record seq 1 arrives after seq 2: one violation.
    const order = [0, 2, 1, 3];
    order.forEach((i, k) => r.consumed(records[i], 0, 0, i, 10_000 + k * 100));
    const ph = r.phases[0];
    expect(ph.violations).toBe(1);
    expect(ph.keysAffected).toBe(1);
    expect(ph.worstSeqGap).toBe(1);
    expect(ph.worstLatenessUs).toBe(100);
  });
  it('in-order consumption and other keys interleaved: no violation', () => {
    const r = recorder();
    [rec(0, 1, 0), rec(1, 2, 0), rec(2, 1, 1), rec(3, 2, 1)].forEach((x, k) => r.consumed(x, k % 2, 0, k, 20_000 + k));
    expect(r.phases[0].violations).toBe(0);
  });
  it('three records late behind one early arrival: three violations, one key, gap = max distance', () => {
    const r = recorder();
    const rs = [0, 1, 2, 3].map((s) => rec(s, 3, s));
    [3, 0, 1, 2].forEach((i, k) => r.consumed(rs[i], 0, 0, i, 30_000 + k));
    expect(r.phases[0].violations).toBe(3);
    expect(r.phases[0].keysAffected).toBe(1);
    expect(r.phases[0].worstSeqGap).toBe(3);
  });
  it('violations count in the phase in which the late record was consumed', () => {
    const r = recorder(true);
    const early = rec(0, 4, 0, 1000);
    const late = rec(1, 4, 1, 6000);
    r.consumed(late, 1, 3, 0, 7000);
    r.consumed(early, 0, 1, 0, 8000);
    expect(r.phases[0].violations).toBe(0);
    expect(r.phases[1].violations).toBe(1);
  });
});

describe('Recorder counts and lag', () => {
  it('per-partition counts, keys seen on several partitions, lag peak', () => {
    const r = recorder();
    r.assigned(0, Int32Array.from([0, 1]), 'initial');
    const a = rec(0, 1, 0), b = rec(1, 1, 1), c = rec(2, 2, 0);
    for (const x of [a, b, c]) r.sent(x);
    r.acked(a, 0, 0, 2000);
    r.acked(b, 1, 0, 3000);
    r.acked(c, 1, 1, 3000);
    const ph = r.phases[0];
    expect(Array.from(ph.perPartition)).toEqual([1, 2]);
    expect(ph.keyPartition.get(1)).toBe(-2);
    expect(ph.keyPartition.get(2)).toBe(1);
    // Nothing consumed yet: lag at the end of the first second is 1 on p0 and 2 on p1.
    const lag = r.peakLag(0, Infinity);
    expect(lag.perPartition).toEqual([1, 2]);
    expect(lag.perConsumer).toEqual([1, 2]);
    r.consumed(a, 0, 0, 0, 4000);
    expect(r.peakLag(0, Infinity).perPartition).toEqual([0, 2]);
  });
});

describe('Recorder ordering over the whole run', () => {
  it('a key out of order in both phases is one key affected overall, one in each phase', () => {
    const r = recorder(true);
    // Key 4: seq 1 consumed before seq 0 (phase "before"), then seq 3 before seq 2 (phase "after").
    const k4 = [0, 1, 2, 3].map((s) => rec(s, 4, s, s < 2 ? 1000 + s : 6000 + s));
    r.consumed(k4[1], 0, 0, 0, 2000);
    r.consumed(k4[0], 0, 0, 1, 2100);
    r.consumed(k4[3], 1, 3, 0, 7000);
    r.consumed(k4[2], 0, 1, 0, 7100);
    // Key 5: out of order in the "after" phase only.
    const k5 = [rec(4, 5, 0, 6500), rec(5, 5, 1, 6600)];
    r.consumed(k5[1], 1, 2, 0, 7200);
    r.consumed(k5[0], 0, 0, 2, 7300);
    expect(r.phases.map((p) => p.violations)).toEqual([1, 2]);
    expect(r.phases.map((p) => p.keysAffected)).toEqual([1, 2]);
    expect(r.totalViolations).toBe(3);
    expect(r.keysAffected).toBe(2);
  });
});

describe('Recorder delivery accounting', () => {
  const tracked = () => new Recorder({
    trackDuplicates: true,
    phases: [{ name: 'all', startUs: 0, endUs: 10_000, partitions: 2 }],
    maxPartitions: 2, consumers: 2, keyCardinality: 10, entityCardinality: 10,
  });

  it('lost is exactly the acked records never consumed, even when an unacked record was consumed', () => {
    const r = tracked();
    const rs = [0, 1, 2, 3, 4, 5].map((n) => rec(n, n % 3, Math.floor(n / 3)));
    rs.forEach((x) => r.sent(x));
    for (const n of [0, 1, 2, 3, 4]) r.acked(rs[n], 0, n, 1000 + n);
    // Record 5's ack never came (its producer gave up), but the broker had written it: it is consumed.
    for (const n of [1, 2, 2, 3, 5, 1]) r.consumed(rs[n], 0, 0, n, 2000 + n);
    expect(r.totalDuplicated).toBe(2);
    expect(r.totalConsumed).toBe(4);
    // Records 0 and 4 were acked and never consumed: 2 lost (acked − consumed would say 1).
    expect(r.lost).toBe(2);
  });

  it('consumption before the ack is matched once the ack arrives; skipped records are not lost', () => {
    const r = tracked();
    const a = rec(0, 1, 0), b = rec(1, 1, 1), c = rec(2, 2, 0);
    r.consumed(a, 0, 0, 0, 500);
    r.acked(a, 0, 0, 600);
    r.acked(b, 1, 0, 600);
    r.acked(c, 1, 1, 600);
    expect(r.lost).toBe(2);
    r.skipped(b, 1, 0, 700);
    r.consumed(b, 0, 1, 0, 800); // read after all (another member reset to earliest): not a second settlement
    expect(r.lost).toBe(1);
    r.consumed(c, 0, 1, 1, 900);
    expect(r.lost).toBe(0);
  });

  it('more consumed than acked, where records are not tracked, is an error, not a zero', () => {
    const r = recorder();
    const a = rec(0, 1, 0), b = rec(1, 1, 1);
    r.acked(a, 0, 0, 100);
    r.consumed(a, 0, 0, 0, 200);
    r.consumed(b, 0, 0, 1, 300);
    expect(() => r.lost).toThrow(/delivery accounting is inconsistent: 2 consumed \+ 0 skipped > 1 acked/);
  });
});
