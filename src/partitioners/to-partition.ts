// The only places where a hash becomes a partition number. Clients differ exactly here
// (mask vs unsigned vs abs), so each reduction is named after the client that uses it.

/** Java `Utils.toPositive(h) % n`: clears the sign bit (it is not Math.abs). */
export function maskedModulo(hash: number, partitions: number): number {
  return (hash & 0x7fffffff) % partitions;
}

/** Unsigned modulo: librdkafka CRC32 (`uint32 % cnt`) and platformatic's default `(h >>> 0) % n`. */
export function unsignedModulo(hash: number, partitions: number): number {
  return (hash >>> 0) % partitions;
}

/** Sarama `NewHashPartitioner`: `p = int32(h) % n; if p < 0 { p = -p }` (Go truncating modulo, like JS %). */
export function absModulo(hash: number, partitions: number): number {
  const p = (hash | 0) % partitions;
  return p < 0 ? -p : p | 0; // `| 0` turns JS's -0 (from a negative multiple of n) into 0
}
