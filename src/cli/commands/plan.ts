// `kbench plan --key country,user_id,none --partitions 3,6,12,24,48 [--rate 50000] …`: one row per key
// × partition count, and a recommendation per key.
import { describedAs, option, Problems } from '../../config/option.js';
import { duration, integer, LIMITS, OPTIONS, parseKeySpec, rate, SHARED_DEFAULTS } from '../../config/options.js';
import { parseCount, parseList } from '../../config/units.js';
import { ERROR_CODES, EXIT, shown, usageError } from '../../errors.js';
import { planCapacity, planSpec, type PlanResult } from '../../planning/capacity-plan.js';
import { compactTable } from '../../report/table-style.js';
import { createPayloads } from '../../workload/payload.js';
import { defineCommand } from '../command.js';

/** What one partition can take: records/s, or a byte rate (turned into records/s with the workload's record size). */
type Capacity = { recordsPerSec: number } | { bytesPerSec: number };

function parseCapacity(raw: string, label: string): Capacity {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(KB|KiB|MB|MiB|GB|GiB)\/s\s*$/.exec(raw);
  if (!m) return { recordsPerSec: parseCount(raw, label, { min: 0, aboveMin: true, max: LIMITS.rate }) };
  const unit: Record<string, number> = { KB: 1e3, KiB: 1024, MB: 1e6, MiB: 1048576, GB: 1e9, GiB: 1073741824 };
  const bytesPerSec = Number(m[1]) * unit[m[2]];
  if (!(bytesPerSec > 0)) throw usageError(`${label} must be above 0 (got ${shown(raw)})`, ERROR_CODES.badOption);
  return { bytesPerSec };
}

export const planCommand = defineCommand({
  name: 'plan',
  describe: 'capacity planning: each key × partition count against your target rate and capacities',
  options: {
    key: option('string', `up to ${LIMITS.listEntries} of the run's key kinds`, (raw, label) => parseList(raw, label, LIMITS.listEntries, parseKeySpec),
      { describe: 'keys to compare, comma-separated', default: 'user_id,country,none', list: true }),
    partitions: OPTIONS.partitionCounts,
    rate: rate({ describe: 'target records/s', default: SHARED_DEFAULTS.rate }),
    partitionCapacity: option('string', 'records/s, or a byte rate such as 5MB/s', parseCapacity,
      { describe: 'what one partition can take', default: SHARED_DEFAULTS.partitionCapacity }),
    consumerRate: OPTIONS.consumerRate,
    consumers: integer(1, LIMITS.consumers, { describe: 'consumers in the group (default: one per partition)' }),
    headroom: OPTIONS.headroom,
    from: integer(1, LIMITS.partitions, { describe: 'the current partition count: show what growing from it moves' }),
    simulate: duration(100, 3_600_000, { describe: 'virtual length of the simulated run behind each row', default: '10s' }),
    users: OPTIONS.users,
    userDist: OPTIONS.userDist,
    client: describedAs(OPTIONS.client, 'client profile (partitioner)'),
    assignor: OPTIONS.assignor,
    seed: OPTIONS.seed,
    json: OPTIONS.json,
  },
  async handler({ values: a }, io) {
    const payloads = createPayloads(1, null);
    let bytes = 0;
    for (let n = 0; n < 512; n++) bytes += payloads.sizeOf(n);
    const recordBytes = bytes / 512 + 12; // value plus a typical key
    const options = {
      keys: a.key,
      partitionCounts: a.partitions,
      rate: a.rate,
      partitionCapacity: 'recordsPerSec' in a.partitionCapacity ? a.partitionCapacity.recordsPerSec : a.partitionCapacity.bytesPerSec / recordBytes,
      consumerRate: a.consumerRate,
      consumers: a.consumers ?? null,
      headroom: a.headroom,
      from: a.from ?? null,
      simulateMs: a.simulate,
      base: { users: a.users, userDist: a.userDist, client: a.client, assignor: a.assignor, seed: a.seed },
    };
    // The whole plan's size first, then every row's simulated run, before any work: a bad combination fails at once.
    const simulated = options.keys.length * options.partitionCounts.length * options.rate * (options.simulateMs / 1000);
    if (simulated > LIMITS.messages) {
      throw usageError(`the plan would simulate ${Math.round(simulated).toLocaleString('en-US')} records (keys × partition counts × --rate × --simulate); at most ${LIMITS.messages.toLocaleString('en-US')}: shorten --simulate`, ERROR_CODES.badOption);
    }
    const problems = new Problems();
    for (const key of options.keys) for (const n of options.partitionCounts) problems.try(() => planSpec(options, key, n));
    problems.throwIfAny();
    const result = await planCapacity(options);
    io.stdout(a.json ? JSON.stringify(result, null, 2) + '\n' : renderPlan(result));
    return EXIT.ok;
  },
});

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
