// `kbench plan --key country,user_id,none --partitions 3,6,12,24,48 [--rate 50000] …`: one row per key
// × partition count, and a recommendation per key.
import type { Argv } from 'yargs';
import { DEFAULTS, resolveRunSpec } from '../../config/resolve.js';
import { parseCount, parseDuration } from '../../config/units.js';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import { planCapacity, type PlanResult } from '../../planning/capacity-plan.js';
import { compactTable } from '../../report/table-style.js';
import { createPayloads } from '../../workload/payload.js';
import type { CliIo } from '../io.js';

export function planOptions<T>(y: Argv<T>) {
  return y
    .option('key', { type: 'string', describe: 'keys to compare, comma-separated (same kinds as run)', default: 'user_id,country,none' })
    .option('partitions', { type: 'string', describe: 'partition counts to try, comma-separated', default: '3,6,12,24,48' })
    .option('rate', { type: 'string', describe: 'target records/s', default: String(DEFAULTS.rate) })
    .option('partition-capacity', { type: 'string', describe: 'what one partition can take: records/s, or a byte rate such as 5MB/s', default: String(DEFAULTS.partitionCapacity) })
    .option('consumer-rate', { type: 'string', describe: 'records/s one consumer can process', default: String(DEFAULTS.consumerRate) })
    .option('consumers', { type: 'string', describe: 'consumers in the group (default: one per partition)' })
    .option('headroom', { type: 'string', describe: 'capacity kept free, e.g. 20%', default: '20%' })
    .option('from', { type: 'string', describe: 'the current partition count: show what growing from it moves' })
    .option('simulate', { type: 'string', describe: 'virtual length of the simulated run behind each row', default: '10s' })
    .option('users', { type: 'string', describe: 'distinct users for user_id', defaultDescription: String(DEFAULTS.users) })
    .option('user-dist', { type: 'string', describe: 'user activity: zipf:<s> | uniform', defaultDescription: DEFAULTS.userDist })
    .option('client', { type: 'string', describe: 'client profile (partitioner)', default: 'java' })
    .option('assignor', { type: 'string', describe: 'range | roundrobin | cooperative-sticky | kafkajs', default: 'range' })
    .option('seed', { type: 'string', describe: 'random seed', default: '1' })
    .option('json', { type: 'boolean', default: false });
}

interface PlanArgs {
  key: string;
  partitions: string;
  rate: string;
  partitionCapacity: string;
  consumerRate: string;
  consumers?: string;
  headroom: string;
  from?: string;
  simulate: string;
  users?: string;
  userDist?: string;
  client: string;
  assignor: string;
  seed: string;
  json: boolean;
}

const list = (text: string, flag: string) => {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw usageError(`${flag} is empty`);
  return items;
};

/** "10000" records/s, or "5MB/s" / "5MiB/s" turned into records/s with the workload's average record size. */
function capacityInRecords(text: string, recordBytes: number): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(KB|KiB|MB|MiB|GB|GiB)\/s\s*$/.exec(text);
  if (!m) return parseCount(text, '--partition-capacity');
  const unit: Record<string, number> = { KB: 1e3, KiB: 1024, MB: 1e6, MiB: 1048576, GB: 1e9, GiB: 1073741824 };
  return (Number(m[1]) * unit[m[2]]) / recordBytes;
}

export async function planCommand(args: PlanArgs, io: CliIo): Promise<ExitCode> {
  const keys = list(args.key, '--key');
  const counts = list(args.partitions, '--partitions').map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1) throw usageError(`--partitions entry "${p}" is not an integer ≥ 1`);
    return n;
  }).sort((a, b) => a - b);
  const headroomMatch = /^(\d+(?:\.\d+)?)%$/.exec(args.headroom.trim());
  if (!headroomMatch || Number(headroomMatch[1]) >= 100) throw usageError(`--headroom must be a percentage below 100%, e.g. 20% (got ${args.headroom})`);
  const base = { users: args.users, userDist: args.userDist, client: args.client, assignor: args.assignor, seed: args.seed };
  // Validate every key (and the shared flags) before any work, so a typo fails at once.
  for (const key of keys) resolveRunSpec({ ...base, key, duration: '1s' });
  const rate = parseCount(args.rate, '--rate');
  const payloads = createPayloads(1, null);
  let bytes = 0;
  for (let n = 0; n < 512; n++) bytes += payloads.sizeOf(n);
  const recordBytes = bytes / 512 + 12; // value plus a typical key
  const from = args.from === undefined ? null : Number(args.from);
  if (from !== null && (!Number.isInteger(from) || from < 1)) throw usageError(`--from must be an integer ≥ 1 (got ${args.from})`);
  const result = await planCapacity({
    keys,
    partitionCounts: counts,
    rate,
    partitionCapacity: capacityInRecords(args.partitionCapacity, recordBytes),
    consumerRate: parseCount(args.consumerRate, '--consumer-rate'),
    consumers: args.consumers === undefined ? null : Number(args.consumers),
    headroom: Number(headroomMatch[1]) / 100,
    from,
    simulateMs: parseDuration(args.simulate, '--simulate'),
    base,
  });
  io.stdout(args.json ? JSON.stringify(result, null, 2) + '\n' : renderPlan(result));
  return EXIT.ok;
}

export function renderPlan(r: PlanResult): string {
  const o = r.options;
  const t = compactTable(['key', 'partitions', 'max/mean', 'hottest', 'hottest load/s', 'partition ok', 'consumers busy', 'busiest consumer/s', 'consumer ok', ...(o.from !== null ? [`moved from ${o.from}`] : []), 'sim e2e p99 ms', 'sim peak lag']);
  const yes = (over: boolean) => (over ? 'OVER' : 'ok');
  for (const row of r.rows) {
    t.push([row.key, row.partitions, row.maxMeanRatio, `p${row.hottestPartition} ${(row.hottestShare * 100).toFixed(1)}%`, row.hottestLoadPerSec.toLocaleString('en-US'),
      yes(row.partitionOverCapacity), `${row.consumersBusy}/${row.consumers}`, row.maxConsumerLoadPerSec.toLocaleString('en-US'), yes(row.consumerOverCapacity),
      ...(o.from !== null ? [row.movedFrom ? `${(row.movedFrom.fractionKeysMoved * 100).toFixed(0)}% keys, ${(row.movedFrom.fractionTrafficMoved * 100).toFixed(0)}% traffic` : '-'] : []),
      row.simulated.endToEndP99Ms, row.simulated.maxLag.toLocaleString('en-US')]);
  }
  return `Capacity plan: ${o.rate.toLocaleString('en-US')} records/s; a partition takes ${Math.round(o.partitionCapacity).toLocaleString('en-US')} records/s, a consumer ${o.consumerRate.toLocaleString('en-US')}; ${Math.round(o.headroom * 100)}% headroom\n` +
    t.toString() + '\n' + r.recommendations.map((x) => `  ${x.message}`).join('\n') + '\n';
}
