// `kbench [run] [workload]`: the main job. Resolves the spec, checks every output before the run,
// runs it on an engine, then prints the report and writes it.
import { securityOf } from '../../config/connection.js';
import { resolveRunSpec } from '../../config/resolve.js';
import type { RunSpec } from '../../config/run-spec.js';
import { RUN_OPTIONS } from '../../config/options.js';
import { option } from '../../config/option.js';
import { nonBlank } from '../../config/units.js';
import { createEngine } from '../../engines/create-engine.js';
import { ERROR_CODES, EXIT, KbenchError, usageError, type ExitCode } from '../../errors.js';
import { buildReport } from '../../report/build.js';
import { renderHtml } from '../../report/html.js';
import { compareWithPrediction, predictionOf } from '../../report/prediction.js';
import type { RunReport } from '../../report/schema.js';
import { renderReport } from '../../report/table.js';
import { checkOutputFolder, checkOutputsDistinct, checkOutputTarget, defaultReportPath, htmlPathFor, writeJsonAtomic, writeTextAtomic, type NamedFile } from '../../report/write.js';
import { runWorkload } from '../../runner/run-workload.js';
import { createRng } from '../../workload/rng.js';
import { defineCommand } from '../command.js';
import type { CliIo } from '../io.js';
import { createProgressLine } from '../progress.js';
import { kbenchVersion } from '../version.js';

export const runCommand = defineCommand({
  name: 'run',
  describe: 'run a benchmark, optionally from a workload file (YAML or JSON); KBENCH_* variables and flags override it',
  options: {
    ...RUN_OPTIONS,
    workload: option('string', 'a YAML or JSON file', nonBlank, { describe: 'a workload file with the same fields as the flags', positional: 'one' }),
  },
  workloadFrom: 'workload',
  async handler(options, io) {
    const a = options.values;
    // defaults < workload file < KBENCH_* < flags: resolveOptions has already layered them.
    const spec = resolveRunSpec(options);
    // Where the reports go is settled and checked before the run: a run must never be lost to a bad path.
    const plan = planOutputs(a, spec);
    const toStdout = plan.json === '-';

    // Security settings are checked (and certificate files read) before anything connects; they stay
    // out of the spec, which the report carries.
    const checked = securityOf(a, options.sources);
    const security = spec.brokers ? checked : null;
    const engine = createEngine(spec, security);
    const progress = createProgressLine(io, !a.json && !a.quiet && !toStdout);
    const result = await runWorkload(spec, engine, createRng(spec.seed), { shouldStop: io.stopRequested, onProgress: (p) => progress.update(p) });
    progress.done();
    const report = buildReport(result, kbenchVersion());
    if (!report.simulated) {
      // The same workload through the simulator, for the report's "predicted vs measured".
      // Live consumers without --consumer-rate read as fast as they can: their only limit is the fetch path.
      const simSpec = { ...spec, brokers: null, maxRate: false, rate: spec.maxRate ? Math.max(1, Math.round(report.phases[0].throughput.achievedPerSec)) : spec.rate,
        consumerRate: spec.consumerPaced ? spec.consumerRate : spec.model.model.consumer.fetchRecordsPerSec };
      if (spec.maxRate) simSpec.messages = Math.max(1, report.delivery.produced);
      const predicted = await runWorkload(simSpec, createEngine(simSpec), createRng(spec.seed));
      // A prediction the simulator could not finish (its backlog bound) is left out, not shown half-made.
      if (predicted.failure === null) {
        report.prediction = predictionOf(buildReport(predicted, kbenchVersion()));
        report.prediction.comparison = compareWithPrediction(report);
      } else if (predicted.failure instanceof KbenchError) io.stderr(`kbench: no prediction in this report: ${predicted.failure.message}\n`);
      else throw predicted.failure;
    }
    // stdout first: if a file write fails, the report is still on the terminal.
    io.stdout(a.json || toStdout ? JSON.stringify(report, null, 2) + '\n' : renderReport(report));
    const writeFailure = writeOutputs(report, outputPaths(plan, report), io);
    return runExitCode(result.failure, result.error, writeFailure, io);
  },
});

/** The default folder of a run's reports (and of `--html` without a file when the JSON has none). */
const REPORTS_DIR = 'reports';

/**
 * Where a run's reports go, worked out once, before the run. `null` is a default name in reports/,
 * known only once the run is done (it is named after the run's time, key and partitions).
 */
interface OutputPlan {
  /** The JSON report: a file, "-" for standard output, or null for reports/<time>-<key>-p<N>.json. */
  json: string | null;
  /** The HTML report: a file (--html <file>, or next to the --out file), null for the default name
   * next to the default JSON name, or undefined for none. */
  html: string | null | undefined;
}

/**
 * Works out and checks both outputs before anything runs: each can be written (a file target, or the
 * reports folder for a default name), and neither is the other nor one of the run's input files (its
 * workload file, its key file, its producer properties file). Throws a one-line usage error (KBENCH_BAD_OUTPUT) otherwise.
 */
function planOutputs(a: { out?: string; html?: string; workload?: string; producerConfig?: { path: string } }, spec: RunSpec): OutputPlan {
  const json = a.out ?? null;
  if (a.html === '-') throw usageError('the HTML report cannot go to standard output; give --html <file>', ERROR_CODES.badOutput);
  const html = a.html === undefined ? undefined : a.html !== '' ? a.html : json !== null && json !== '-' ? htmlPathFor(json) : null;

  if (json === null) checkOutputFolder(REPORTS_DIR, 'the report');
  else checkOutputTarget(json, 'the --out report', { hint: 'use --out - to print the report on stdout' });
  if (html === null) {
    if (json !== null) checkOutputFolder(REPORTS_DIR, 'the HTML report');
  } else if (html !== undefined) checkOutputTarget(html, 'the HTML report');

  const outputs: NamedFile[] = [];
  if (json !== null && json !== '-') outputs.push({ path: json, what: 'the --out report' });
  if (html) outputs.push({ path: html, what: 'the HTML report' });
  const inputs: NamedFile[] = [];
  if (a.workload !== undefined) inputs.push({ path: a.workload, what: 'the workload file' });
  if (spec.keySpec.kind === 'file' && spec.keySpec.path !== undefined) inputs.push({ path: spec.keySpec.path, what: 'the key file' });
  if (a.producerConfig !== undefined) inputs.push({ path: a.producerConfig.path, what: 'the producer properties file' });
  checkOutputsDistinct(outputs, inputs);
  return { json, html };
}

/** The plan's files once the report exists: default names filled in; `json` undefined for stdout. */
function outputPaths(plan: OutputPlan, report: RunReport): { json: string | undefined; html: string | undefined } {
  const defaultJson = defaultReportPath(report, REPORTS_DIR);
  return {
    json: plan.json === '-' ? undefined : plan.json ?? defaultJson,
    html: plan.html === undefined ? undefined : plan.html ?? htmlPathFor(defaultJson),
  };
}

/** Writes the JSON (unless it went to stdout) and the HTML; a failed write is returned, not thrown,
 * so the other output is still attempted. */
function writeOutputs(report: RunReport, paths: { json: string | undefined; html: string | undefined }, io: CliIo): KbenchError | null {
  let failure: KbenchError | null = null;
  const attempt = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof KbenchError)) throw e;
      failure ??= e;
      io.stderr(`kbench: ${e.message}\n`);
    }
  };
  const { json, html } = paths;
  if (json !== undefined) attempt(() => {
    writeJsonAtomic(json, report);
    io.stderr(`Report written to ${json}\n`);
  });
  if (html !== undefined) attempt(() => {
    writeTextAtomic(html, renderHtml([report]));
    io.stderr(`HTML report written to ${html}\n`);
  });
  return failure;
}

/** The run's exit once its report is out: a bug keeps the bug path (rethrown to the CLI boundary:
 * stack, "this is a bug"); a KbenchError keeps its exit code (a usage error found mid-run is still 2). */
export function runExitCode(failure: unknown, error: string | null, writeFailure: KbenchError | null, io: CliIo): ExitCode {
  if (failure !== null && failure !== undefined) {
    if (!(failure instanceof KbenchError)) throw failure;
    io.stderr(`kbench: the run failed: ${failure.message}\n`);
    return failure.exitCode;
  }
  if (error !== null) {
    io.stderr(`kbench: the run failed: ${error}\n`);
    return EXIT.failed;
  }
  return writeFailure ? writeFailure.exitCode : EXIT.ok;
}
