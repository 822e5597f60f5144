// `kbench analyze --keys-file keys.txt` or `kbench analyze --brokers … --topic t --sample 100000`:
// what your own keys would do (or already do) on partitions.
import { analyzeKeys, type KeyAnalysis, type KeyObservation } from '../../analysis/key-report.js';
import { describedAs, option } from '../../config/option.js';
import { BROKER_OPTIONS, OPTIONS } from '../../config/options.js';
import { nonBlank } from '../../config/units.js';
import { ERROR_CODES, EXIT, usageError } from '../../errors.js';
import { sampleTopicKeys } from '../../engines/kafka/sample-topic.js';
import { keyBytes } from '../../partitioners/profiles.js';
import { readKeyLines } from '../../workload/key-sources.js';
import { compactTable } from '../../report/table-style.js';
import { defaultModel, describeModel, type ModelRef } from '../../engines/sim/model.js';
import { defineCommand } from '../command.js';
import { topicOption, withCluster } from './kafka-common.js';

function fromFile(path: string): KeyObservation {
  const counts = new Map<string, number>();
  for (const line of readKeyLines(path, 'keys file')) counts.set(line, (counts.get(line) ?? 0) + 1);
  return { keys: [...counts].map(([t, n]) => ({ text: t, bytes: keyBytes(t), weight: n })), nullRecords: 0 };
}

export const analyzeCommand = defineCommand({
  name: 'analyze',
  describe: 'analyze real keys (a keys file, or a sample of an existing topic): spread, clients, growth',
  options: {
    ...BROKER_OPTIONS,
    keysFile: option('string', 'a file of keys, one per line (UTF-8), one line per record; - for stdin', nonBlank, { describe: 'the keys to analyze' }),
    topic: topicOption({ describe: 'read keys from this existing topic (needs --brokers)' }),
    sample: OPTIONS.sample,
    timeout: OPTIONS.timeout,
    partitions: describedAs(OPTIONS.partitions, 'current partition count for a keys file (a topic has its own)'),
    counts: describedAs(OPTIONS.partitionCounts, 'other partition counts to try'),
    client: describedAs(OPTIONS.client, 'client profile for the per-count tables'),
    model: describedAs(OPTIONS.model, 'the cluster model whose ceilings give each partition count\'s highest sustainable rate (default: the model shipped with kbench)'),
  },
  async handler(options, io) {
    const args = options.values;
    if ((args.keysFile === undefined) === (args.topic === undefined)) throw usageError('give either --keys-file <file> or --topic <name> (with --brokers)', ERROR_CODES.usage);
    let analysis: KeyAnalysis;
    let source: string;
    if (args.keysFile !== undefined) {
      source = `keys file ${args.keysFile}`;
      analysis = analyzeKeys(fromFile(args.keysFile), args.partitions, args.counts, args.client);
    } else {
      const topic = args.topic!;
      const s = await withCluster(options, ({ driver, admin }) => sampleTopicKeys(driver, admin, topic, args.sample, args.timeout));
      source = `topic ${topic} (${s.records} records read from the beginning, nothing committed)`;
      const obs: KeyObservation = {
        keys: [...s.keys].map(([t, parts]) => ({ text: t, bytes: keyBytes(t), weight: [...parts.values()].reduce((a, b) => a + b, 0) })),
        nullRecords: s.nullRecords,
        observedPartitions: s.keys,
      };
      if (s.records === 0) throw usageError(`topic ${topic} has no records to analyze`, ERROR_CODES.badInput);
      analysis = analyzeKeys(obs, s.partitions, args.counts, args.client);
    }
    const model = args.model ?? { path: null, model: defaultModel() };
    const capacity = capacityOf(analysis, model);
    io.stdout(args.json ? JSON.stringify({ source, ...analysis, capacity }, null, 2) + '\n' : renderAnalysis(source, analysis, capacity));
    return EXIT.ok;
  },
});

/** Per partition count, the highest rate these keys can be produced at before one partition reaches the
 * model's per-partition ceiling (the hottest partition takes its share of every record), and the
 * cluster's ceiling: what the simulator would show as growing produce latency beyond it. */
export interface AnalysisCapacity {
  model: { name: string; source: string; described: string };
  byPartitionCount: { partitions: number; maxRecordsPerSec: number; limitedBy: 'hottest partition' | 'cluster' }[];
}

function capacityOf(a: KeyAnalysis, ref: ModelRef): AnalysisCapacity {
  const m = ref.model;
  return {
    model: { name: m.name, source: ref.path ?? 'default (shipped with kbench)', described: describeModel(ref) },
    byPartitionCount: a.byPartitionCount.map((c) => {
      const partitionBound = c.hottestShare > 0 ? m.ceilings.partition.recordsPerSec / c.hottestShare : Infinity;
      const hottest = partitionBound < m.ceilings.cluster.recordsPerSec;
      return { partitions: c.partitions, maxRecordsPerSec: Math.round(hottest ? partitionBound : m.ceilings.cluster.recordsPerSec), limitedBy: hottest ? 'hottest partition' : 'cluster' };
    }),
  };
}

function renderAnalysis(source: string, a: KeyAnalysis, capacity: AnalysisCapacity): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const out: string[] = [`Keys from ${source}: ${a.records} records, ${a.distinctKeys} distinct keys, ${a.nullRecords} with a null key`];
  const top = compactTable(['top key', 'records', 'share']);
  for (const k of a.topKeys) top.push([k.key, k.records, pct(k.share)]);
  out.push(top.toString());
  const clients = compactTable([`client (at ${a.currentPartitions} partitions)`, 'max/mean', 'CV', 'hottest', 'empty']);
  for (const c of a.byClient) clients.push([c.client, c.maxMeanRatio, c.cv, `p${c.hottestPartition} ${pct(c.hottestShare)}`, c.emptyPartitions]);
  out.push(clients.toString());
  const counts = compactTable([`partitions (${a.client})`, 'max/mean', 'CV', 'hottest', 'empty', 'max records/s (limited by)']);
  a.byPartitionCount.forEach((c, i) => {
    const cap = capacity.byPartitionCount[i];
    counts.push([c.partitions === a.currentPartitions ? `${c.partitions} (current)` : c.partitions, c.maxMeanRatio, c.cv, `p${c.hottestPartition} ${pct(c.hottestShare)}`, c.emptyPartitions,
      `${cap.maxRecordsPerSec.toLocaleString('en-US')} (${cap.limitedBy})`]);
  });
  out.push(counts.toString());
  out.push(`Max records/s: the rate at which the hottest partition reaches the per-partition ceiling, or the cluster's ceiling if lower, of ${capacity.model.described}.`);
  if (a.growth.length) {
    const g = compactTable(['growth', 'keys moved', 'traffic moved', 'hash % n predicts']);
    for (const x of a.growth) g.push([`${x.from} → ${x.to}`, pct(x.fractionKeysMoved), pct(x.fractionTrafficMoved), pct(x.expectedFractionUniform)]);
    out.push(g.toString());
  }
  if (a.observed) {
    const o = compactTable(['client profile', 'records on the partition it predicts']);
    for (const m of a.observed.matchByClient) o.push([m.client, pct(m.fraction)]);
    out.push(o.toString());
    out.push(a.observed.likelyClients.length
      ? `The records sit where ${a.observed.likelyClients.join(' / ')} would put them.`
      : 'No single client profile explains where the records sit: producers with different partitioners (or explicit partitions) wrote this topic.');
  }
  return out.join('\n') + '\n';
}
