// Replayed key draws are the live draws, value for value, for every key kind; each replay starts over.
import { describe, expect, it } from 'vitest';
import { runSpecOf } from '../config/resolve.js';
import { keyBytes } from '../partitioners/profiles.js';
import { KeyBytesCache } from './key-bytes-cache.js';
import { createKeySource, type KeyDraw, type KeySource } from './key-sources.js';
import { RECORDED_DRAWS_LIMIT, RecordedDraws } from './recorded-draws.js';
import { createRng } from './rng.js';

const COUNT = 20_000;

function draws(source: KeySource, count: number): KeyDraw[] {
  const out: KeyDraw[] = [];
  for (let n = 0; n < count; n++) {
    const d: KeyDraw = { keyIndex: 0, entity: 0, seq: 0 };
    source.next(d);
    out.push(d);
  }
  return out;
}

describe('RecordedDraws', () => {
  for (const key of ['user_id', 'country', 'device_id', 'order_id', 'none', 'fixed:tenant-1']) {
    it(`${key}: every replay draws what a fresh source draws, and keeps the source's description`, () => {
      const spec = runSpecOf({ key, users: '5000', seed: '11' });
      const source = () => createKeySource(spec, createRng(spec.seed).fork('keys'));
      const live = draws(source(), COUNT);
      const recorded = RecordedDraws.record(source(), COUNT)!;
      expect(recorded).not.toBeNull();
      for (let replay = 0; replay < 2; replay++) {
        const keys = recorded.replay();
        expect(draws(keys, COUNT)).toEqual(live);
        const fresh = source();
        const described = (k: KeySource) => [k.label, k.cardinality, k.entityCardinality, k.nullKeys, k.entityLabel, k.keyText(3), k.probabilityOf?.(3) ?? null];
        expect(described(keys)).toEqual(described(fresh));
      }
      expect(recorded.keyIndices).toBe(Math.max(...live.map((d) => d.keyIndex)) + 1);
    });
  }

  it('a replay refuses to draw past what was recorded', () => {
    const spec = runSpecOf({ key: 'country' });
    const keys = RecordedDraws.record(createKeySource(spec, createRng(1)), 3)!.replay();
    draws(keys, 3);
    expect(() => draws(keys, 1)).toThrow(/more than the 3 recorded/);
  });

  it('more draws than the limit are not recorded', () => {
    const spec = runSpecOf({ key: 'country' });
    expect(RecordedDraws.record(createKeySource(spec, createRng(1)), RECORDED_DRAWS_LIMIT + 1)).toBeNull();
  });
});

describe('KeyBytesCache', () => {
  it('gives the UTF-8 bytes of the key text, the same array each time within its indices, fresh ones past them', () => {
    const spec = runSpecOf({ key: 'order_id' });
    const source = createKeySource(spec, createRng(1));
    const cache = new KeyBytesCache(source, 10);
    expect(cache.bytesOf(7)).toEqual(keyBytes(source.keyText(7)));
    expect(cache.bytesOf(7)).toBe(cache.bytesOf(7));
    expect(cache.bytesOf(12)).toEqual(keyBytes('order-12'));
    expect(cache.bytesOf(12)).not.toBe(cache.bytesOf(12));
  });
});
