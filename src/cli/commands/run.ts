// `kbench [run]`: the main job. Resolves the spec, runs it on an engine, writes and prints the report.
import type { Argv } from 'yargs';
import { DEFAULTS, resolveRunSpec, type RawRunOptions } from '../../config/resolve.js';
import { createEngine } from '../../engines/create-engine.js';
import { predictionOf } from '../../report/prediction.js';
import { EXIT, type ExitCode } from '../../errors.js';
import { buildReport } from '../../report/build.js';
import { renderReport } from '../../report/table.js';
import { defaultReportPath, writeJsonAtomic } from '../../report/write.js';
import { runWorkload } from '../../runner/run-workload.js';
import { createRng } from '../../workload/rng.js';
import type { CliIo } from '../io.js';
import { kbenchVersion } from '../version.js';

export function runOptions<T>(y: Argv<T>) {
  return y
    .option('key', { type: 'string', describe: 'user_id | country | none | device_id | order_id | fixed:<value> | file:<path>', default: DEFAULTS.key })
    .option('partitions', { type: 'string', describe: 'partition count of the topic', default: String(DEFAULTS.partitions) })
    .option('partition', { type: 'string', describe: 'send every record to this one partition' })
    .option('users', { type: 'string', describe: 'distinct users for user_id and null-key entities', default: String(DEFAULTS.users) })
    .option('user-dist', { type: 'string', describe: 'user activity: zipf:<s> | uniform', default: DEFAULTS.userDist })
    .option('country-dist', { type: 'string', describe: 'weighted (traffic share table) | uniform', default: DEFAULTS.countryDist })
    .option('devices', { type: 'string', describe: 'distinct devices for device_id', default: String(DEFAULTS.devices) })
    .option('file-order', { type: 'string', describe: 'key file: replay (in order) | sample (at random)', default: DEFAULTS.fileOrder })
    .option('rate', { type: 'string', describe: 'records/s offered, all producers together', default: String(DEFAULTS.rate) })
    .option('duration', { type: 'string', describe: 'run length, e.g. 60s, 5m, 1h', default: DEFAULTS.duration })
    .option('messages', { type: 'string', describe: 'records to send (instead of, or capped by, --duration)' })
    .option('producers', { type: 'string', describe: 'producer count, or a client mix such as java:2,librdkafka:1', default: String(DEFAULTS.producers) })
    .option('client', { type: 'string', describe: 'java | kafkajs | kafkajs-legacy | librdkafka | sarama | franz-go | platformatic', default: DEFAULTS.client })
    .option('record-size', { type: 'string', describe: 'value size in bytes (default: the natural size of each event)' })
    .option('seed', { type: 'string', describe: 'random seed: the same seed gives the same report', default: String(DEFAULTS.seed) })
    .option('consumers', { type: 'string', describe: 'consumers in the group', default: String(DEFAULTS.consumers) })
    .option('assignor', { type: 'string', describe: 'range | roundrobin | cooperative-sticky | kafkajs', default: DEFAULTS.assignor })
    .option('consumer-rate', { type: 'string', describe: 'records/s one consumer can process', default: String(DEFAULTS.consumerRate) })
    .option('partition-capacity', { type: 'string', describe: 'simulator: records/s one partition can append', default: String(DEFAULTS.partitionCapacity) })
    .option('produce-latency', { type: 'string', describe: 'simulator: ack latency of an idle partition', default: DEFAULTS.produceLatency })
    .option('rebalance-time', { type: 'string', describe: 'simulator: how long one rebalance round stops consumers', default: DEFAULTS.rebalanceTime })
    .option('grow-to', { type: 'string', describe: 'raise the partition count to this mid-run' })
    .option('grow-at', { type: 'string', describe: 'when to grow: a percentage of the run or a time, e.g. 50% or 30s', default: DEFAULTS.growAt })
    .option('metadata-refresh', { type: 'string', describe: 'metadata max age of producers and consumers (default: each client\'s own)' })
    .option('auto-offset-reset', { type: 'string', describe: 'where a consumer starts on a partition without committed offsets: latest | earliest', default: DEFAULTS.autoOffsetReset })
    .option('brokers', { type: 'string', describe: 'run live against this Kafka cluster (host:port,…) instead of the simulator' })
    .option('connect-timeout', { type: 'string', describe: 'live: give up reaching the brokers after this long', default: DEFAULTS.connectTimeout })
    .option('keep-topic', { type: 'boolean', describe: 'live: keep the run\'s topic instead of deleting it at the end', default: false })
    .option('replication-factor', { type: 'string', describe: 'live: replication factor of the run\'s topic', default: String(DEFAULTS.replicationFactor) })
    .option('drain-timeout', { type: 'string', describe: 'live: stop waiting for consumers after this long without progress', default: DEFAULTS.drainTimeout })
    .option('out', { type: 'string', describe: 'report file (default reports/<time>-<key>-p<N>.json)' })
    .option('json', { type: 'boolean', describe: 'print the report as JSON instead of tables', default: false });
}

export interface RunArgs extends RawRunOptions {
  brokers?: string;
  out?: string;
  json: boolean;
}

export async function runCommand(args: RunArgs, io: CliIo): Promise<ExitCode> {
  const spec = resolveRunSpec(args);
  const engine = createEngine(spec);
  const result = await runWorkload(spec, engine, createRng(spec.seed), { shouldStop: io.stopRequested });
  const report = buildReport(result, kbenchVersion());
  if (!report.simulated) {
    // The same workload through the simulator, for the report's "predicted vs measured".
    const simSpec = { ...spec, brokers: null, maxRate: false, rate: spec.maxRate ? Math.max(1, Math.round(report.phases[0].throughput.achievedPerSec)) : spec.rate };
    if (spec.maxRate) simSpec.messages = Math.max(1, report.delivery.produced);
    const simulated = buildReport(await runWorkload(simSpec, createEngine(simSpec), createRng(spec.seed)), kbenchVersion());
    report.prediction = predictionOf(simulated);
  }
  const path = args.out ?? defaultReportPath(report);
  writeJsonAtomic(path, report);
  io.stdout(args.json ? JSON.stringify(report, null, 2) + '\n' : renderReport(report));
  io.stderr(`Report written to ${path}\n`);
  if (result.error) {
    io.stderr(`kbench: the run failed: ${result.error}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
