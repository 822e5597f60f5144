// Key sources: where each record's Kafka key (and its ordering entity) comes from.
// A source draws into a reusable KeyDraw to avoid an allocation per record in hour-long simulations.
import { ERROR_CODES, shown, usageError } from '../errors.js';
import { INPUT_LIMITS, readInputText } from '../config/input-files.js';
import type { RunSpec } from '../config/run-spec.js';
import { createAliasSampler, uniformWeights, zipfWeights, type Sampler } from './alias-sampler.js';
import type { Rng } from './rng.js';
import countryTable from './countries.json' with { type: 'json' };

export interface KeyDraw {
  /** Index of the Kafka key, or -1 for a null key. */
  keyIndex: number;
  /** The entity whose order matters: the key itself, or for null keys the user behind the event. */
  entity: number;
  /** Position of this record in its entity's sequence (0, 1, 2, …). */
  seq: number;
}

export interface KeySource {
  /** Short description for reports: "user_id (zipf s=0.99 over 100000 users)". */
  label: string;
  /** Distinct keys, or Infinity when keys keep coming (order_id). */
  cardinality: number;
  /** Distinct ordering entities, or Infinity. */
  entityCardinality: number;
  /** True when every record is sent with a null key. */
  nullKeys: boolean;
  /** What an entity is, for reports ("key", or "user_id carried in the value"). */
  entityLabel: string;
  next(out: KeyDraw): void;
  /** The key's text (UTF-8 is what clients hash). */
  keyText(keyIndex: number): string;
  /** Probability of each key when known in closed form (for planning); null otherwise. */
  probabilityOf: ((keyIndex: number) => number) | null;
}

export const COUNTRIES: { code: string; name: string; users: number }[] = countryTable.countries;
export const COUNTRY_SOURCE: string = countryTable.source;

/** A fixed bijection on [0, n) so that popular ranks are spread over the id space. */
function scrambler(n: number): (rank: number) => number {
  const a = 2654435761 % n || 1;
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  const mult = gcd(a, n) === 1 ? a : 1;
  return (rank) => (rank * mult) % n;
}

function userSampler(spec: RunSpec): Sampler {
  return createAliasSampler(spec.userDist.kind === 'zipf' ? zipfWeights(spec.users, spec.userDist.s) : uniformWeights(spec.users));
}

function userDistLabel(spec: RunSpec): string {
  return spec.userDist.kind === 'zipf' ? `zipf s=${spec.userDist.s}` : 'uniform';
}

/** A finite key space drawn from a sampler; each key is its own ordering entity. */
function sampledKeys(label: string, sampler: Sampler, rng: Rng, text: (i: number) => string): KeySource {
  const seqs = new Uint32Array(sampler.size);
  return {
    label,
    cardinality: sampler.size,
    entityCardinality: sampler.size,
    nullKeys: false,
    entityLabel: 'key',
    next(out) {
      const i = sampler.draw(rng);
      out.keyIndex = i;
      out.entity = i;
      out.seq = seqs[i]++;
    },
    keyText: text,
    probabilityOf: (i) => sampler.probabilityOf(i),
  };
}

/** The lines of a key file (one key per line, UTF-8); `what` names it in errors ("key file", "keys file"). */
export function readKeyLines(path: string, what: string): string[] {
  // Bounded: /dev/zero or a huge file is one error line, not a process that grows until it dies.
  const text = readInputText(path, what, INPUT_LIMITS.keysFile);
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw usageError(`${what} ${shown(path)} has no keys (one key per line, UTF-8)`, ERROR_CODES.badInput);
  return lines;
}

function fileKeys(path: string, order: 'replay' | 'sample', rng: Rng): KeySource {
  const lines = readKeyLines(path, 'key file');
  const indexOf = new Map<string, number>();
  const distinct: string[] = [];
  const stream = new Int32Array(lines.length);
  lines.forEach((line, n) => {
    let i = indexOf.get(line);
    if (i === undefined) {
      i = distinct.length;
      distinct.push(line);
      indexOf.set(line, i);
    }
    stream[n] = i;
  });
  const counts = new Float64Array(distinct.length);
  for (const i of stream) counts[i]++;
  const seqs = new Uint32Array(distinct.length);
  let cursor = 0;
  return {
    label: `file ${path} (${lines.length} lines, ${distinct.length} distinct keys, ${order})`,
    cardinality: distinct.length,
    entityCardinality: distinct.length,
    nullKeys: false,
    entityLabel: 'key',
    next(out) {
      const i = order === 'replay' ? stream[cursor++ % stream.length] : stream[rng.int(stream.length)];
      out.keyIndex = i;
      out.entity = i;
      out.seq = seqs[i]++;
    },
    keyText: (i) => distinct[i],
    probabilityOf: (i) => counts[i] / lines.length,
  };
}

/** Orders live for a few events (created → paid → shipped → delivered); a pool of 1000 is open at once. */
function orderKeys(rng: Rng): KeySource {
  const POOL = 1000;
  const open = new Float64Array(POOL); // order number
  const left = new Uint8Array(POOL); // events still to come
  const done = new Uint8Array(POOL); // events already sent
  let nextOrder = 0;
  const openOrder = (slot: number) => {
    open[slot] = nextOrder++;
    left[slot] = 1 + rng.int(4);
    done[slot] = 0;
  };
  for (let s = 0; s < POOL; s++) openOrder(s);
  return {
    label: `order_id (${POOL} open orders, 1-4 events each)`,
    cardinality: Infinity,
    entityCardinality: Infinity,
    nullKeys: false,
    entityLabel: 'key',
    next(out) {
      const slot = rng.int(POOL);
      out.keyIndex = open[slot];
      out.entity = open[slot];
      out.seq = done[slot]++;
      if (--left[slot] === 0) openOrder(slot);
    },
    keyText: (i) => `order-${i}`,
    probabilityOf: null,
  };
}

export function createKeySource(spec: RunSpec, rng: Rng): KeySource {
  const k = spec.keySpec;
  switch (k.kind) {
    case 'user_id': {
      const id = scrambler(spec.users);
      return sampledKeys(`user_id (${userDistLabel(spec)} over ${spec.users} users)`, userSampler(spec), rng, (i) => `user-${id(i)}`);
    }
    case 'country': {
      const weights = spec.countryDist === 'uniform' ? uniformWeights(COUNTRIES.length) : COUNTRIES.map((c) => c.users);
      return sampledKeys(`country (${spec.countryDist} over ${COUNTRIES.length} countries)`, createAliasSampler(weights), rng, (i) => COUNTRIES[i].code);
    }
    case 'device_id': {
      const id = scrambler(spec.devices);
      return sampledKeys(`device_id (uniform over ${spec.devices} devices)`, createAliasSampler(uniformWeights(spec.devices)), rng,
        (i) => `device-${(0x10000000 + id(i)).toString(16)}`);
    }
    case 'fixed':
      return sampledKeys(`fixed key "${k.value}"`, createAliasSampler([1]), rng, () => k.value!);
    case 'file':
      return fileKeys(k.path!, spec.fileOrder, rng);
    case 'order_id':
      return orderKeys(rng);
    case 'none': {
      // The record has no key, but it still belongs to a user: ordering is judged per user.
      const users = sampledKeys('', userSampler(spec), rng, () => '');
      return {
        label: `none (null key; events of ${spec.users} users, ${userDistLabel(spec)})`,
        cardinality: 0,
        entityCardinality: spec.users,
        nullKeys: true,
        entityLabel: 'user_id carried in the value',
        next(out) {
          users.next(out);
          out.keyIndex = -1;
        },
        keyText: () => '',
        probabilityOf: null,
      };
    }
  }
}
