// `kbench compare a.json b.json [more…]`: key metrics side by side, with changes from the first.
import type { Argv } from 'yargs';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import { compareReports, loadReport, renderComparison } from '../../report/compare.js';
import { checkRules, parseFailOn, renderChecks } from '../../report/thresholds.js';
import { renderHtml } from '../../report/html.js';
import { writeTextAtomic } from '../../report/write.js';
import type { CliIo } from '../io.js';

export function compareOptions<T>(y: Argv<T>) {
  return y
    .positional('reports', { type: 'string', array: true, describe: 'report files; the first is the baseline' })
    .option('fail-on', { type: 'string', describe: 'thresholds, e.g. "p99>+10%,maxMeanRatio>+0.2": exit 3 when one is crossed' })
    .option('html', { type: 'string', describe: 'also write the reports on shared charts to this HTML file (default reports/compare-<time>.html)' })
    .option('json', { type: 'boolean', default: false });
}

export async function compareCommand(args: { reports?: string[]; json: boolean; failOn?: string; html?: string }, io: CliIo): Promise<ExitCode> {
  const paths = (args.reports ?? []).map(String);
  if (paths.length < 2) throw usageError(`compare needs at least two reports (got ${paths.length}), e.g. kbench compare reports/a.json reports/b.json`);
  const rules = args.failOn === undefined ? [] : parseFailOn(args.failOn);
  const entries = paths.map((path) => ({ path, report: loadReport(path) }));
  const comparison = compareReports(entries);
  const checks = checkRules(rules, entries);
  const failed = checks.some((c) => c.failed);
  if (args.html !== undefined) {
    const htmlPath = args.html || `reports/compare-${new Date().toISOString().replace(/[:.]/g, '-')}.html`;
    writeTextAtomic(htmlPath, renderHtml(entries.map((e) => e.report), `kbench comparison of ${entries.length} reports`));
    io.stderr(`HTML comparison written to ${htmlPath}\n`);
  }
  if (args.json) io.stdout(JSON.stringify({ ...comparison, checks, regression: failed }, null, 2) + '\n');
  else io.stdout(renderComparison(comparison) + (checks.length ? `\nThresholds (--fail-on)\n${renderChecks(checks)}` : ''));
  if (failed) {
    io.stderr(`kbench: regression: ${checks.filter((c) => c.failed).map((c) => `${c.rule} [${c.phase}]`).join(', ')}\n`);
    return EXIT.regression;
  }
  return EXIT.ok;
}
