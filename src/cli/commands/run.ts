// `kbench [run]`: the main job. Resolves the spec, runs it on an engine, writes and prints the report.
import type { Argv } from 'yargs';
import { DEFAULTS, resolveRunSpec, type RawRunOptions } from '../../config/resolve.js';
import { loadWorkloadFile } from '../../config/workload-file.js';
import { createEngine } from '../../engines/create-engine.js';
import { predictionOf } from '../../report/prediction.js';
import { EXIT, type ExitCode } from '../../errors.js';
import { buildReport } from '../../report/build.js';
import { renderReport } from '../../report/table.js';
import { defaultReportPath, htmlPathFor, writeJsonAtomic, writeTextAtomic } from '../../report/write.js';
import { renderHtml } from '../../report/html.js';
import { runWorkload } from '../../runner/run-workload.js';
import { createRng } from '../../workload/rng.js';
import type { CliIo } from '../io.js';
import { createProgressLine } from '../progress.js';
import { kbenchVersion } from '../version.js';

/** Run flags. None has a yargs default: a value here means the user gave it (flag or KBENCH_*), so a
 * workload file can sit between kbench's defaults and the command line. */
export function runOptions<T>(y: Argv<T>) {
  return y
    .option('key', { type: 'string', describe: 'user_id | country | none | device_id | order_id | fixed:<value> | file:<path>', defaultDescription: String(DEFAULTS.key) })
    .option('partitions', { type: 'string', describe: 'partition count of the topic', defaultDescription: String(DEFAULTS.partitions) })
    .option('partition', { type: 'string', describe: 'send every record to this one partition' })
    .option('users', { type: 'string', describe: 'distinct users for user_id and null-key entities', defaultDescription: String(DEFAULTS.users) })
    .option('user-dist', { type: 'string', describe: 'user activity: zipf:<s> | uniform', defaultDescription: String(DEFAULTS.userDist) })
    .option('country-dist', { type: 'string', describe: 'weighted (traffic share table) | uniform', defaultDescription: String(DEFAULTS.countryDist) })
    .option('devices', { type: 'string', describe: 'distinct devices for device_id', defaultDescription: String(DEFAULTS.devices) })
    .option('file-order', { type: 'string', describe: 'key file: replay (in order) | sample (at random)', defaultDescription: String(DEFAULTS.fileOrder) })
    .option('rate', { type: 'string', describe: 'records/s offered, all producers together', defaultDescription: String(DEFAULTS.rate) })
    .option('duration', { type: 'string', describe: 'run length, e.g. 60s, 5m, 1h', defaultDescription: String(DEFAULTS.duration) })
    .option('messages', { type: 'string', describe: 'records to send (instead of, or capped by, --duration)' })
    .option('producers', { type: 'string', describe: 'producer count, or a client mix such as java:2,librdkafka:1', defaultDescription: String(DEFAULTS.producers) })
    .option('client', { type: 'string', describe: 'java | kafkajs | kafkajs-legacy | librdkafka | sarama | franz-go | platformatic', defaultDescription: String(DEFAULTS.client) })
    .option('record-size', { type: 'string', describe: 'value size in bytes (default: the natural size of each event)' })
    .option('seed', { type: 'string', describe: 'random seed: the same seed gives the same report', defaultDescription: String(DEFAULTS.seed) })
    .option('consumers', { type: 'string', describe: 'consumers in the group', defaultDescription: String(DEFAULTS.consumers) })
    .option('assignor', { type: 'string', describe: 'range | roundrobin | cooperative-sticky | kafkajs', defaultDescription: String(DEFAULTS.assignor) })
    .option('consumer-rate', { type: 'string', describe: 'records/s one consumer can process', defaultDescription: String(DEFAULTS.consumerRate) })
    .option('partition-capacity', { type: 'string', describe: 'simulator: records/s one partition can append', defaultDescription: String(DEFAULTS.partitionCapacity) })
    .option('produce-latency', { type: 'string', describe: 'simulator: ack latency of an idle partition', defaultDescription: String(DEFAULTS.produceLatency) })
    .option('rebalance-time', { type: 'string', describe: 'simulator: how long one rebalance round stops consumers', defaultDescription: String(DEFAULTS.rebalanceTime) })
    .option('grow-to', { type: 'string', describe: 'raise the partition count to this mid-run' })
    .option('grow-at', { type: 'string', describe: 'when to grow: a percentage of the run or a time, e.g. 50% or 30s', defaultDescription: String(DEFAULTS.growAt) })
    .option('metadata-refresh', { type: 'string', describe: 'metadata max age of producers and consumers (default: each client\'s own)' })
    .option('auto-offset-reset', { type: 'string', describe: 'where a consumer starts on a partition without committed offsets: latest | earliest', defaultDescription: String(DEFAULTS.autoOffsetReset) })
    .option('brokers', { type: 'string', describe: 'run live against this Kafka cluster (host:port,…) instead of the simulator' })
    .option('connect-timeout', { type: 'string', describe: 'live: give up reaching the brokers after this long', defaultDescription: String(DEFAULTS.connectTimeout) })
    .option('keep-topic', { type: 'boolean', describe: 'live: keep the run\'s topic instead of deleting it at the end' })
    .option('replication-factor', { type: 'string', describe: 'live: replication factor of the run\'s topic', defaultDescription: String(DEFAULTS.replicationFactor) })
    .option('drain-timeout', { type: 'string', describe: 'live: stop waiting for consumers after this long without progress', defaultDescription: String(DEFAULTS.drainTimeout) })
    .option('quiet', { type: 'boolean', describe: 'no progress line' })
    .option('html', { type: 'string', describe: 'also write a self-contained HTML report (default: next to the JSON)' })
    .option('out', { type: 'string', describe: 'report file (default reports/<time>-<key>-p<N>.json)' })
    .option('json', { type: 'boolean', describe: 'print the report as JSON instead of tables' });
}

/** `kbench run [workload]`: the run flags plus the workload file. */
export function runWithWorkloadOptions<T>(y: Argv<T>) {
  return runOptions(y).positional('workload', { type: 'string', describe: 'a workload file (YAML or JSON) with the same fields as the flags' });
}

export interface RunArgs extends RawRunOptions {
  workload?: string;
  brokers?: string;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  html?: string;
}

export async function runCommand(args: RunArgs, io: CliIo): Promise<ExitCode> {
  // defaults < workload file < KBENCH_* < flags (yargs has already put KBENCH_* under the flags).
  const given = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
  const spec = resolveRunSpec(args.workload ? { ...loadWorkloadFile(args.workload), ...given } : args);
  const engine = createEngine(spec);
  const progress = createProgressLine(io, !args.json && !args.quiet);
  const result = await runWorkload(spec, engine, createRng(spec.seed), { shouldStop: io.stopRequested, onProgress: (p) => progress.update(p) });
  progress.done();
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
  if (args.html !== undefined) {
    const htmlPath = args.html || htmlPathFor(path);
    writeTextAtomic(htmlPath, renderHtml([report]));
    io.stderr(`HTML report written to ${htmlPath}\n`);
  }
  if (result.error) {
    io.stderr(`kbench: the run failed: ${result.error}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
