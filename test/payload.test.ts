import { describe, expect, it } from 'vitest';
import { createPayloads } from '../src/workload/payload.js';

// The live engine's values are assembled from pre-serialised parts for speed; they must be exactly
// the JSON of the event (checked here against JSON.parse, the independent side).
describe('payload values', () => {
  const keys = [null, 'user-1', 'DE', 'ключ-é', 'quote"and\\backslash', '😀 emoji', ''];
  it('are the JSON event with its key, entity, sequence and time, whatever the key', () => {
    const p = createPayloads(7, null);
    for (let n = 0; n < 600; n++) {
      const key = keys[n % keys.length];
      const atMs = 1_700_000_000_000 + n * 0.37;
      const event = JSON.parse(new TextDecoder().decode(p.valueOf(n, key, n * 3, n, atMs)));
      expect(event).toMatchObject({ key, entity: n * 3, seq: n, ts: new Date(Math.floor(atMs)).toISOString() });
      expect(Object.keys(event)).toEqual(['key', 'entity', 'seq', 'ts', 'event', 'country', 'device', 'page', 'amount']);
    }
  });

  it('--record-size pads with spaces or cuts, to exactly that many bytes', () => {
    const natural = createPayloads(7, null);
    const full = Buffer.from(natural.valueOf(3, 'user-1', 1, 2, 0));
    const padded = createPayloads(7, full.length + 50).valueOf(3, 'user-1', 1, 2, 0);
    expect(padded.length).toBe(full.length + 50);
    expect(Buffer.from(padded).toString().trimEnd()).toBe(full.toString());
    const cut = createPayloads(7, 20).valueOf(3, 'user-1', 1, 2, 0);
    expect(Buffer.from(cut)).toEqual(full.subarray(0, 20));
    expect(createPayloads(7, 20).sizeOf(99)).toBe(20);
  });
});
