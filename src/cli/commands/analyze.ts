// `kbench analyze --keys-file keys.txt` or `kbench analyze --brokers … --topic t --sample 100000`:
// what your own keys would do (or already do) on partitions.
import type { Argv } from 'yargs';
import { analyzeKeys, type KeyAnalysis, type KeyObservation } from '../../analysis/key-report.js';
import { parseDuration } from '../../config/units.js';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import { sampleTopicKeys } from '../../engines/kafka/sample-topic.js';
import { CLIENT_NAMES, isClientName, keyBytes } from '../../partitioners/profiles.js';
import { readKeyLines } from '../../workload/key-sources.js';
import { compactTable } from '../../report/table-style.js';
import type { CliIo } from '../io.js';
import { brokerOptions, positiveInt, withCluster, type BrokerArgs } from './kafka-common.js';

export function analyzeOptions<T>(y: Argv<T>) {
  return brokerOptions(y)
    .option('keys-file', { type: 'string', describe: 'a file of keys, one per line (UTF-8), one line per record' })
    .option('topic', { type: 'string', describe: 'read keys from this existing topic (needs --brokers)' })
    .option('sample', { type: 'string', describe: 'records to read from the topic', default: '100000' })
    .option('timeout', { type: 'string', describe: 'give up reading the topic after this long', default: '60s' })
    .option('partitions', { type: 'string', describe: 'current partition count for a keys file (a topic has its own)', default: '12' })
    .option('counts', { type: 'string', describe: 'other partition counts to try', default: '3,6,12,24,48' })
    .option('client', { type: 'string', describe: 'client profile for the per-count tables', default: 'java' });
}

interface AnalyzeArgs extends BrokerArgs {
  keysFile?: string;
  topic?: string;
  sample: string;
  timeout: string;
  partitions: string;
  counts: string;
  client: string;
}

function fromFile(path: string): KeyObservation {
  const counts = new Map<string, number>();
  for (const line of readKeyLines(path, 'keys file')) counts.set(line, (counts.get(line) ?? 0) + 1);
  return { keys: [...counts].map(([t, n]) => ({ text: t, bytes: keyBytes(t), weight: n })), nullRecords: 0 };
}

export async function analyzeCommand(args: AnalyzeArgs, io: CliIo): Promise<ExitCode> {
  if (!isClientName(args.client)) throw usageError(`unknown client "${args.client}"; use one of ${CLIENT_NAMES.join(', ')}`);
  const counts = args.counts.split(',').map((c) => positiveInt(c.trim(), '--counts'));
  if (Boolean(args.keysFile) === Boolean(args.topic)) throw usageError('give either --keys-file <file> or --topic <name> (with --brokers)');
  let analysis: KeyAnalysis;
  let source: string;
  if (args.keysFile) {
    source = `keys file ${args.keysFile}`;
    analysis = analyzeKeys(fromFile(args.keysFile), positiveInt(args.partitions, '--partitions'), counts, args.client);
  } else {
    const sample = positiveInt(args.sample, '--sample');
    const s = await withCluster(args, ({ kafka, admin }) => sampleTopicKeys(kafka, admin, args.topic!, sample, parseDuration(args.timeout, '--timeout')));
    source = `topic ${args.topic} (${s.records} records read from the beginning, nothing committed)`;
    const obs: KeyObservation = {
      keys: [...s.keys].map(([t, parts]) => ({ text: t, bytes: keyBytes(t), weight: [...parts.values()].reduce((a, b) => a + b, 0) })),
      nullRecords: s.nullRecords,
      observedPartitions: s.keys,
    };
    if (s.records === 0) throw usageError(`topic ${args.topic} has no records to analyze`);
    analysis = analyzeKeys(obs, s.partitions, counts, args.client);
  }
  io.stdout(args.json ? JSON.stringify({ source, ...analysis }, null, 2) + '\n' : renderAnalysis(source, analysis));
  return EXIT.ok;
}

function renderAnalysis(source: string, a: KeyAnalysis): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const out: string[] = [`Keys from ${source}: ${a.records} records, ${a.distinctKeys} distinct keys, ${a.nullRecords} with a null key`];
  const top = compactTable(['top key', 'records', 'share']);
  for (const k of a.topKeys) top.push([k.key, k.records, pct(k.share)]);
  out.push(top.toString());
  const clients = compactTable([`client (at ${a.currentPartitions} partitions)`, 'max/mean', 'CV', 'hottest', 'empty']);
  for (const c of a.byClient) clients.push([c.client, c.maxMeanRatio, c.cv, `p${c.hottestPartition} ${pct(c.hottestShare)}`, c.emptyPartitions]);
  out.push(clients.toString());
  const counts = compactTable([`partitions (${a.client})`, 'max/mean', 'CV', 'hottest', 'empty']);
  for (const c of a.byPartitionCount) counts.push([c.partitions === a.currentPartitions ? `${c.partitions} (current)` : c.partitions, c.maxMeanRatio, c.cv, `p${c.hottestPartition} ${pct(c.hottestShare)}`, c.emptyPartitions]);
  out.push(counts.toString());
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
