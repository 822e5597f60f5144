// Exact delivery accounting for engines that can lose or redeliver records (at-least-once): which
// records were acked, consumed (at least once) and skipped, a bit each per planned record. Counts
// are of distinct records, so a redelivery is a duplicate, never new consumption, and a record that
// was consumed but never acked (its producer gave up after the broker wrote it) never hides one that
// was acked and never consumed.

class Bits {
  private bytes = new Uint8Array(1 << 13);

  has(n: number): boolean {
    const byte = n >>> 3;
    return byte < this.bytes.length && (this.bytes[byte] & (1 << (n & 7))) !== 0;
  }

  /** Sets bit n; true when it was clear. */
  add(n: number): boolean {
    const byte = n >>> 3;
    if (byte >= this.bytes.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bytes.length * 2));
      grown.set(this.bytes);
      this.bytes = grown;
    }
    const bit = 1 << (n & 7);
    if (this.bytes[byte] & bit) return false;
    this.bytes[byte] |= bit;
    return true;
  }
}

export class DeliveryLedger {
  private readonly ackedBits = new Bits();
  private readonly consumedBits = new Bits();
  private readonly skippedBits = new Bits();
  /** Distinct records acked, consumed at least once, skipped. */
  acked = 0;
  consumed = 0;
  skipped = 0;
  /** Consumptions of a record already consumed. */
  duplicates = 0;
  /** Acked records neither consumed nor skipped (yet): what a drain waits for, and at the end, lost. */
  outstanding = 0;

  private settled(n: number): boolean {
    return this.consumedBits.has(n) || this.skippedBits.has(n);
  }

  /** Records an ack of record n; false if it was already acked. */
  ack(n: number): boolean {
    if (!this.ackedBits.add(n)) return false;
    this.acked++;
    if (!this.settled(n)) this.outstanding++;
    return true;
  }

  /** Records a consumption of record n; true the first time, false for a redelivery (a duplicate). */
  consume(n: number): boolean {
    const wasSettled = this.settled(n);
    if (!this.consumedBits.add(n)) {
      this.duplicates++;
      return false;
    }
    this.consumed++;
    if (this.ackedBits.has(n) && !wasSettled) this.outstanding--;
    return true;
  }

  /** Records that record n will never be read (e.g. skipped by an offset reset); false if already known. */
  skip(n: number): boolean {
    const wasSettled = this.settled(n);
    if (!this.skippedBits.add(n)) return false;
    this.skipped++;
    if (this.ackedBits.has(n) && !wasSettled) this.outstanding--;
    return true;
  }
}
