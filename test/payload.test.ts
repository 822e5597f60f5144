import { Faker, base, en } from '@faker-js/faker';
import { faker } from '@faker-js/faker/locale/en';
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

// createPayloads uses the English faker the package prebuilds (its root entry, with every locale, is
// slow to load) and seeds it each time: the same as a fresh Faker over [en, base], whatever came before.
describe('payload pool', () => {
  const calls = (f: Faker) => Array.from({ length: 200 }, () => [f.helpers.arrayElement(['a', 'b', 'c']), f.location.countryCode(),
    f.internet.url({ appendSlash: false }), f.word.noun(), f.number.float({ min: 1, max: 500, fractionDigits: 2 })]);

  it('the prebuilt English faker, seeded, draws what a fresh Faker over [en, base] draws', () => {
    for (const seed of [1, 7, 123456]) {
      const fresh = new Faker({ locale: [en, base] });
      fresh.seed(seed);
      faker.seed(seed);
      expect(calls(faker)).toEqual(calls(fresh));
    }
  });

  it('a pool depends on its seed only, not on pools made before', () => {
    const values = (p: ReturnType<typeof createPayloads>) => Array.from({ length: 512 }, (_, n) => Buffer.from(p.valueOf(n, 'k', 1, 2, 0)).toString());
    const first = values(createPayloads(7, null));
    createPayloads(8, null);
    expect(values(createPayloads(7, null))).toEqual(first);
  });
});
