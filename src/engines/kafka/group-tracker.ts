// What the live consumer group looks like from its members' reports: who owns which partition
// after each join, and whether every owner has fetched since its last join. The engine waits for a
// settled group before the run starts, and turns each join during the run into an assignment event.
export class GroupTracker {
  private readonly assignments = new Map<number, number[]>();
  private readonly fetchedSinceJoin = new Set<number>();
  private readonly lastCommit = new Map<number, number>();
  /** Partitions the group has seen (grows when members are handed partitions added by growth). */
  partitionCount: number;

  constructor(private readonly topic: string, private readonly members: number, partitions: number) {
    this.partitionCount = partitions;
  }

  /** Member `consumer` joined with this assignment (eager: it replaces what any member held of those partitions). */
  joined(consumer: number, assignment: Record<string, number[]>): number[] {
    this.fetchedSinceJoin.delete(consumer);
    const parts = [...(assignment[this.topic] ?? [])].sort((a, b) => a - b);
    for (const [c, held] of this.assignments) if (c !== consumer) this.assignments.set(c, held.filter((p) => !parts.includes(p)));
    this.assignments.set(consumer, parts);
    this.partitionCount = Math.max(this.partitionCount, ...parts.map((p) => p + 1));
    return parts;
  }

  /** Member `consumer` left the group or crashed: it consumes nothing from now on. */
  gone(consumer: number): void {
    this.assignments.set(consumer, []);
  }

  /** The partitions member `consumer` owns. */
  partitionsOf(consumer: number): number[] {
    return this.assignments.get(consumer) ?? [];
  }

  fetched(consumer: number): void {
    this.fetchedSinceJoin.add(consumer);
  }

  /** Member `consumer` committed its offsets at `atEpochMs`. */
  committed(consumer: number, atEpochMs: number): void {
    this.lastCommit.set(consumer, atEpochMs);
  }

  /** When member `consumer` last committed (ms since the epoch), or undefined if it never has. */
  lastCommitAt(consumer: number): number | undefined {
    return this.lastCommit.get(consumer);
  }

  /** Owner member index per partition, -1 = nobody. */
  owners(): Int32Array {
    const owners = new Int32Array(this.partitionCount).fill(-1);
    for (const [c, parts] of this.assignments) for (const p of parts) if (p < owners.length) owners[p] = c;
    return owners;
  }

  /** Every member has joined, every partition has an owner, and every owner has fetched since its join
   * (so its positions are fixed) and committed them (see LiveSlice). */
  settled(): boolean {
    const fetched = [...this.assignments].every(([c, parts]) => parts.length === 0 || this.fetchedSinceJoin.has(c));
    return this.assignments.size === this.members && this.owners().every((o) => o >= 0) && fetched;
  }
}
