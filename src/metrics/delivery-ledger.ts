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

  /** Clears bit n; true when it was set. */
  delete(n: number): boolean {
    if (!this.has(n)) return false;
    this.bytes[n >>> 3] &= ~(1 << (n & 7));
    return true;
  }
}

/** The partition each record was first acked on or consumed from, stored as partition + 1 (0 = not
 * seen), in pages so a run pays two bytes per record it actually sends. */
class RecordPartitions {
  private readonly pages: Uint16Array[] = [];
  private static readonly PAGE = 1 << 16;

  set(n: number, partition: number): void {
    const page = (this.pages[Math.floor(n / RecordPartitions.PAGE)] ??= new Uint16Array(RecordPartitions.PAGE));
    page[n % RecordPartitions.PAGE] = partition + 1;
  }

  /** The acked partition of record n, or -1 when unknown. */
  get(n: number): number {
    const page = this.pages[Math.floor(n / RecordPartitions.PAGE)];
    return page ? page[n % RecordPartitions.PAGE] - 1 : -1;
  }
}

export class DeliveryLedger {
  private readonly partitionOf = new RecordPartitions();
  private readonly misplacedBits = new Bits();
  /** Distinct records seen on more than one partition (acked on one, consumed from another): 0 unless
   * a client or broker misroutes records, so the per-partition figures are the broker's, checked. */
  misplaced = 0;

  /** Notes that record n was seen on `partition` (acked or consumed). Acks and consumption arrive in
   * either order (threads report separately), so the first partition seen is the reference, and a
   * record seen on two partitions counts once, whichever came first. */
  private place(n: number, partition: number): void {
    const known = this.partitionOf.get(n);
    if (known < 0) this.partitionOf.set(n, partition);
    else if (known !== partition && this.misplacedBits.add(n)) this.misplaced++;
  }
  private readonly ackedBits = new Bits();
  private readonly consumedBits = new Bits();
  private readonly skippedBits = new Bits();
  private readonly unreadBits = new Bits();
  /** Acked records still in the log at the end that no consumer read (checked against the log end). */
  unconsumed = 0;
  /** Distinct records acked, consumed at least once, skipped. */
  acked = 0;
  consumed = 0;
  skipped = 0;
  /** Consumptions of a record already consumed. */
  duplicates = 0;
  /** Acked records neither consumed nor skipped (yet): what a drain waits for, and at the end, lost. */
  outstanding = 0;

  private settled(n: number): boolean {
    return this.consumedBits.has(n) || this.skippedBits.has(n) || this.unreadBits.has(n);
  }

  /** Acked and neither consumed nor skipped nor found unread (yet). */
  isOutstanding(n: number): boolean {
    return this.ackedBits.has(n) && !this.settled(n);
  }

  /** Records an ack of record n on `partition`; false if it was already acked. */
  ack(n: number, partition: number): boolean {
    if (!this.ackedBits.add(n)) return false;
    this.place(n, partition);
    this.acked++;
    if (!this.settled(n)) this.outstanding++;
    return true;
  }

  /** Records a consumption of record n from `partition` (as the broker served it); true the first
   * time, false for a redelivery (a duplicate). */
  consume(n: number, partition: number): boolean {
    this.place(n, partition);
    const wasSettled = this.settled(n);
    if (!this.consumedBits.add(n)) {
      this.duplicates++;
      return false;
    }
    this.consumed++;
    if (this.ackedBits.has(n) && !wasSettled) this.outstanding--;
    // Found unread at the end, and read after all (its consumption was still on its way): consumed.
    if (this.unreadBits.delete(n)) this.unconsumed--;
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

  /** Records that acked record n, never consumed, is still in the broker's log (below its partition's
   * end offset) when the run ends: unconsumed, not lost. False if it was consumed or settled already. */
  unread(n: number): boolean {
    if (!this.ackedBits.has(n) || this.settled(n) || !this.unreadBits.add(n)) return false;
    this.unconsumed++;
    this.outstanding--;
    return true;
  }
}
