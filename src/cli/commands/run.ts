// `kbench [run] [workload]`: the main job. Resolves the spec, checks every output before the run,
// runs it on an engine, then prints the report and writes it.
import { join } from 'node:path';
import { resolveRunSpec } from '../../config/resolve.js';
import { RUN_OPTIONS } from '../../config/options.js';
import { option } from '../../config/option.js';
import { nonBlank } from '../../config/units.js';
import { createEngine } from '../../engines/create-engine.js';
import { EXIT, KbenchError, type ExitCode } from '../../errors.js';
import { buildReport } from '../../report/build.js';
import { renderHtml } from '../../report/html.js';
import { predictionOf } from '../../report/prediction.js';
import type { RunReport } from '../../report/schema.js';
import { renderReport } from '../../report/table.js';
import { checkOutputTarget, defaultReportPath, htmlPathFor, writeJsonAtomic, writeTextAtomic } from '../../report/write.js';
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
    // Where the report goes is settled before the run: a run must never be lost to a bad path.
    const toStdout = a.out === '-';
    if (a.out !== undefined && !toStdout) checkOutputTarget(a.out, '--out');
    // The default file is new (it is named by the run's time); its folder is created if missing.
    else if (!toStdout) checkOutputTarget(join('reports', `.kbench-${process.pid}.json`), 'the report', { createDir: true });
    const htmlPath = a.html === undefined ? undefined : a.html || (a.out && !toStdout ? htmlPathFor(a.out) : undefined);
    if (htmlPath !== undefined) checkOutputTarget(htmlPath, '--html');

    const engine = createEngine(spec);
    const progress = createProgressLine(io, !a.json && !a.quiet && !toStdout);
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
    // stdout first: if a file write fails, the report is still on the terminal.
    io.stdout(a.json || toStdout ? JSON.stringify(report, null, 2) + '\n' : renderReport(report));
    const writeFailure = writeOutputs(report, toStdout ? undefined : a.out ?? defaultReportPath(report), a.html === undefined ? undefined : htmlPath ?? '', io);
    return runExitCode(result.failure, result.error, writeFailure, io);
  },
});

/** Writes the JSON (unless it went to stdout) and the HTML; a failed write is returned, not thrown,
 * so the other output is still attempted. */
function writeOutputs(report: RunReport, jsonPath: string | undefined, html: string | undefined, io: CliIo): KbenchError | null {
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
  if (jsonPath !== undefined) attempt(() => {
    writeJsonAtomic(jsonPath, report);
    io.stderr(`Report written to ${jsonPath}\n`);
  });
  if (html !== undefined) {
    const htmlPath = html || (jsonPath ? htmlPathFor(jsonPath) : htmlPathFor(defaultReportPath(report)));
    attempt(() => {
      writeTextAtomic(htmlPath, renderHtml([report]));
      io.stderr(`HTML report written to ${htmlPath}\n`);
    });
  }
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
