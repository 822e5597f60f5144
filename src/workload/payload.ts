// Record values: realistic events made with @faker-js/faker. A seeded pool of events is made once
// per run; each record takes the next template and stamps its own key, sequence and time into it,
// so an hour of traffic costs no faker calls per record.
import { Faker, base, en } from '@faker-js/faker';

export interface EventTemplate {
  event: string;
  country: string;
  device: string;
  page: string;
  amount: number;
}

export interface Payloads {
  /** Value size in bytes of record number n (what the simulator counts). */
  sizeOf(n: number): number;
  /** The value bytes of record n (what the live engine sends). */
  valueOf(n: number, key: string | null, entity: number, seq: number, atMs: number): Uint8Array;
}

const EVENT_TYPES = ['page_view', 'click', 'add_to_cart', 'checkout', 'payment', 'login', 'search'];
const POOL = 512;

export function createPayloads(seed: number, recordSize: number | null): Payloads {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);
  const pool: EventTemplate[] = Array.from({ length: POOL }, () => ({
    event: faker.helpers.arrayElement(EVENT_TYPES),
    country: faker.location.countryCode(),
    device: faker.helpers.arrayElement(['ios', 'android', 'web', 'desktop']),
    page: faker.internet.url({ appendSlash: false }) + '/' + faker.word.noun(),
    amount: faker.number.float({ min: 1, max: 500, fractionDigits: 2 }),
  }));
  const encoder = new TextEncoder();
  const render = (n: number, key: string | null, entity: number, seq: number, atMs: number) =>
    JSON.stringify({ key, entity, seq, ts: new Date(atMs).toISOString(), ...pool[n % POOL] });
  // Typical sizes, measured on the templates once, so the simulator never serialises anything.
  const sizes = pool.map((_, n) => encoder.encode(render(n, 'user-1234567', 1234567, 42, 1_700_000_000_000)).length);
  return {
    sizeOf: recordSize === null ? (n) => sizes[n % POOL] : () => recordSize,
    valueOf(n, key, entity, seq, atMs) {
      const bytes = encoder.encode(render(n, key, entity, seq, atMs));
      if (recordSize === null || bytes.length === recordSize) return bytes;
      // --record-size pads with spaces (still valid JSON) or cuts (no longer valid JSON, said in the README).
      const out = new Uint8Array(recordSize).fill(0x20);
      out.set(bytes.subarray(0, recordSize));
      return out;
    },
  };
}
