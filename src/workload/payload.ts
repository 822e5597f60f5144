// Record values: realistic events made with @faker-js/faker. A seeded pool of events is made once
// per run; each record takes the next template and stamps its own key, sequence and time into it,
// so an hour of traffic costs no faker calls per record.
// The English faker alone: the package's root entry loads every locale (about 0.3 s at each start of
// kbench, and of each worker thread that simulates). It is `new Faker({ locale: [en, base] })`, made
// once; createPayloads seeds it before each use, so a pool depends on its seed only.
import { faker } from '@faker-js/faker/locale/en';

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
  /** The value bytes of record n (what the live engine sends), in a buffer reused by the next call:
   * copy them to keep them. */
  valueOf(n: number, key: string | null, entity: number, seq: number, atMs: number): Uint8Array;
}

const EVENT_TYPES = ['page_view', 'click', 'add_to_cart', 'checkout', 'payment', 'login', 'search'];
const POOL = 512;

export function createPayloads(seed: number, recordSize: number | null): Payloads {
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
  // The live engine renders a value per record, at up to hundreds of thousands a second: the same
  // JSON as render(), assembled from each template's pre-serialised tail and a timestamp string
  // reused within its millisecond, encoded into one reused buffer.
  const tails = pool.map((t) => JSON.stringify(t).slice(1));
  let scratch = new Uint8Array(4096);
  let isoMs = NaN;
  let iso = '';
  const text = (n: number, key: string | null, entity: number, seq: number, atMs: number) => {
    const ms = Math.floor(atMs);
    if (ms !== isoMs) {
      isoMs = ms;
      iso = new Date(ms).toISOString();
    }
    return `{"key":${key === null ? 'null' : JSON.stringify(key)},"entity":${entity},"seq":${seq},"ts":"${iso}",${tails[n % POOL]}`;
  };
  return {
    sizeOf: recordSize === null ? (n) => sizes[n % POOL] : () => recordSize,
    valueOf(n, key, entity, seq, atMs) {
      const json = text(n, key, entity, seq, atMs);
      if (json.length * 3 > scratch.length) scratch = new Uint8Array(json.length * 3);
      const written = encoder.encodeInto(json, scratch).written;
      if (recordSize === null || written === recordSize) return scratch.subarray(0, written);
      // --record-size pads with spaces (still valid JSON) or cuts (no longer valid JSON, said in the README).
      if (recordSize > scratch.length) scratch = new Uint8Array(recordSize);
      if (written < recordSize) scratch.fill(0x20, written, recordSize);
      return scratch.subarray(0, recordSize);
    },
  };
}
