// How a live record carries what kbench needs to match its consumption to the plan: one binary
// header, `kb`, of fixed layout. Six decimal-string headers (what kbench sent before) halved what a
// kafkajs producer could send; one 43-byte header costs about as much as a short key.
//
//   byte 0       layout version (1)
//   bytes 1–2    producer index, uint16 big-endian
//   bytes 3–42   record number, key index, entity, sequence, intended send time (µs from the run's
//                start), each a float64 big-endian (integers are exact up to 2^53)
import type { PlannedRecord } from '../types.js';

export const TRACKING_HEADER = 'kb';
export const TRACKING_BYTES = 43;
const VERSION = 1;

/** The fields of a planned record that travel with it. */
export type TrackedFields = Pick<PlannedRecord, 'n' | 'producer' | 'keyIndex' | 'entity' | 'seq' | 'intendedUs'>;

/** Writes a record's tracking header into `out` at `at` (TRACKING_BYTES bytes). */
export function writeTracking(rec: TrackedFields, out: Buffer, at: number): void {
  out[at] = VERSION;
  out.writeUInt16BE(rec.producer, at + 1);
  out.writeDoubleBE(rec.n, at + 3);
  out.writeDoubleBE(rec.keyIndex, at + 11);
  out.writeDoubleBE(rec.entity, at + 19);
  out.writeDoubleBE(rec.seq, at + 27);
  out.writeDoubleBE(Math.round(rec.intendedUs), at + 35);
}

export function encodeTracking(rec: TrackedFields): Buffer {
  const out = Buffer.allocUnsafe(TRACKING_BYTES);
  writeTracking(rec, out, 0);
  return out;
}

/** Reads a tracking header into `into`; false when the bytes are not a kbench header (a foreign
 * record on the topic, or another layout version). */
export function readTracking(bytes: Buffer | undefined, into: TrackedFields): boolean {
  if (!bytes || bytes.length !== TRACKING_BYTES || bytes[0] !== VERSION) return false;
  into.producer = bytes.readUInt16BE(1);
  into.n = bytes.readDoubleBE(3);
  into.keyIndex = bytes.readDoubleBE(11);
  into.entity = bytes.readDoubleBE(19);
  into.seq = bytes.readDoubleBE(27);
  into.intendedUs = bytes.readDoubleBE(35);
  return Number.isInteger(into.n) && into.n >= 0;
}
