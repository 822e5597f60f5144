// What a live run's consumer-group changes (--scale-consumers, --kill-consumer) did, from what the
// members reported: the same rows the simulator predicts (GroupChangeRow), filled from events
// instead of a plan. One change is followed at a time, until the next one is made:
// - its rebalance began when the first member was told to rejoin (a heartbeat answered
//   REBALANCE_IN_PROGRESS: kafkajs's REBALANCING event); after a crash that is the session timeout later;
// - the group settled when every member still in it had joined again (kafkajs's GROUP_JOIN), the
//   last join's time; further rounds before the next change move it on and count as rounds;
// - a partition stood still from when its owner stopped consuming it (left, crashed, or stopped to
//   rejoin) until its next owner's join;
// - records read again after a crash are the consumptions the delivery ledger found to be
//   duplicates, on partitions the crashed member owned, after it crashed.
import type { MemberChange } from '../../config/run-spec.js';
import type { GroupChangeRow } from '../../report/schema.js';

interface Followed {
  row: GroupChangeRow;
  atUs: number;
  /** Owner per partition when the change was made, before it. */
  ownersBefore: Int32Array;
  /** The members in the group after the change. */
  alive: Set<number>;
  /** Partitions not consumed since the given time, until their next owner joins. */
  stoppedSince: Map<number, number>;
  stoppedUs: number;
  /** Joins per member since the change. */
  joins: Map<number, number>;
  /** When the first member was told to rejoin; null until then. */
  rebalanceUs: number | null;
}

const ms = (us: number) => Math.round(us) / 1000;

export class LiveGroupChanges {
  readonly rows: GroupChangeRow[] = [];
  private current: Followed | null = null;
  private readonly alive: Set<number>;
  /** Each member's last join, µs of the run (members of the initial group joined before it: 0). */
  private readonly lastJoinUs = new Map<number, number>();
  /** Crashes, for the records read again: the partitions the member owned and since when. */
  private readonly crashes: { atUs: number; partitions: Set<number>; row: GroupChangeRow }[] = [];

  constructor(consumers: number, private readonly idOf: (slot: number) => string) {
    this.alive = new Set(Array.from({ length: consumers }, (_, i) => i));
  }

  /** The change `m` was made at `atUs`; `owners` is the group's owner per partition just before it;
   * `lastCommitUs(slot)`: when a member last committed (µs of the run), if it did. */
  begin(m: MemberChange, atUs: number, owners: Int32Array, lastCommitUs: (slot: number) => number | undefined): GroupChangeRow {
    const ids = m.slots.map(this.idOf);
    const verb = m.kind === 'join' ? 'joined' : m.kind === 'leave' ? 'left' : 'crashed';
    const row: GroupChangeRow = { change: `${ids.join(', ')} ${verb}`, kind: m.kind, members: ids, atMs: ms(atUs), rebalanceAtMs: ms(atUs), settledAtMs: ms(atUs), rounds: 0, partitionsMoved: 0, stoppedPartitionSeconds: 0 };
    for (const s of m.slots) {
      if (m.kind === 'join') this.alive.add(s);
      else this.alive.delete(s);
    }
    const f: Followed = { row, atUs, ownersBefore: Int32Array.from(owners), alive: new Set(this.alive), stoppedSince: new Map(), stoppedUs: 0, joins: new Map(), rebalanceUs: null };
    // A member that leaves or crashes stops consuming its partitions at once.
    if (m.kind !== 'join') owners.forEach((o, p) => { if (m.slots.includes(o)) f.stoppedSince.set(p, atUs); });
    if (m.kind === 'crash') {
      const slot = m.slots[0];
      row.redelivered = 0;
      row.lastCommitMs = ms(Math.max(0, lastCommitUs(slot) ?? this.lastJoinUs.get(slot) ?? 0));
      this.crashes.push({ atUs, partitions: new Set([...f.stoppedSince.keys()]), row });
    }
    this.rows.push(row);
    this.current = f;
    return row;
  }

  /** Member `slot` stopped consuming `owned` at `atUs` to rejoin a rebalancing group. */
  rebalancing(slot: number, owned: number[], atUs: number): void {
    const f = this.current;
    if (!f || atUs < f.atUs) return;
    if (f.rebalanceUs === null) {
      f.rebalanceUs = atUs;
      f.row.rebalanceAtMs = ms(atUs);
    }
    if (!f.alive.has(slot)) return;
    for (const p of owned) if (!f.stoppedSince.has(p)) f.stoppedSince.set(p, atUs);
  }

  /** Member `slot` joined with `partitions` at `atUs`; `owners` is the group's owner per partition after it. */
  joined(slot: number, partitions: number[], atUs: number, owners: Int32Array): void {
    this.lastJoinUs.set(slot, atUs);
    const f = this.current;
    if (!f || atUs < f.atUs || !f.alive.has(slot)) return;
    f.joins.set(slot, (f.joins.get(slot) ?? 0) + 1);
    for (const p of partitions) {
      const since = f.stoppedSince.get(p);
      if (since === undefined) continue;
      f.stoppedUs += atUs - since;
      f.stoppedSince.delete(p);
    }
    if (![...f.alive].every((m) => f.joins.has(m))) return;
    // Every member is in the new generation: the group has settled (again, after a further round).
    // (A group whose members all joined anew reports no REBALANCING: its rebalance began with the change.)
    const row = f.row;
    row.settledAtMs = ms(atUs);
    row.rounds = Math.max(...f.joins.values());
    row.partitionsMoved = f.ownersBefore.reduce((n, o, p) => n + (owners[p] !== o ? 1 : 0), 0);
    row.stoppedPartitionSeconds = Math.round(f.stoppedUs / 1e4) / 100;
    row.owned = Object.fromEntries([...f.alive].sort((a, b) => a - b).map((m) => [this.idOf(m), owners.reduce<number[]>((ps, o, p) => (o === m ? [...ps, p] : ps), [])]));
  }

  /** A record consumed again (a duplicate) from `partition` at `atUs`: read again after the latest crash
   * of a member that owned the partition, if any. */
  duplicate(partition: number, atUs: number): void {
    for (let i = this.crashes.length - 1; i >= 0; i--) {
      const c = this.crashes[i];
      if (c.atUs <= atUs && c.partitions.has(partition)) {
        c.row.redelivered!++;
        return;
      }
    }
  }
}
