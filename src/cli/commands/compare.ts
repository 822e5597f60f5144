// `kbench compare a.json b.json [more…]`: key metrics side by side, with changes from the first.
import { describedAs, option, variadic } from '../../config/option.js';
import { OPTIONS } from '../../config/options.js';
import { nonBlank } from '../../config/units.js';
import { ERROR_CODES, EXIT, usageError } from '../../errors.js';
import { compareReports, loadReport, renderComparison } from '../../report/compare.js';
import { renderHtml } from '../../report/html.js';
import { checkRules, parseFailOn, renderChecks } from '../../report/thresholds.js';
import { checkOutputTarget, writeTextAtomic } from '../../report/write.js';
import { defineCommand } from '../command.js';

export const compareCommand = defineCommand({
  name: 'compare',
  describe: 'compare two or more reports side by side',
  options: {
    reports: variadic('report files', nonBlank, { describe: 'report files; the first is the baseline', positional: 'many', required: true }),
    failOn: option('string', 'rules such as p99>+10%,maxMeanRatio>+0.2', (raw, label) => parseFailOn(nonBlank(raw, label), label),
      { describe: 'thresholds: exit 3 when one is crossed', list: true }),
    html: describedAs(OPTIONS.html, 'also write the reports on shared charts to this HTML file (default reports/compare-<time>.html)'),
    json: OPTIONS.json,
  },
  async handler({ values: a }, io) {
    const paths = a.reports;
    if (paths.length < 2) throw usageError(`compare needs at least two reports (got ${paths.length}), e.g. kbench compare reports/a.json reports/b.json`, ERROR_CODES.usage);
    const rules = a.failOn ?? [];
    const htmlPath = a.html === undefined ? undefined : a.html || `reports/compare-${new Date().toISOString().replace(/[:.]/g, '-')}.html`;
    if (htmlPath !== undefined) checkOutputTarget(htmlPath, '--html', { createDir: !a.html });
    const entries = paths.map((path) => ({ path, report: loadReport(path) }));
    const comparison = compareReports(entries);
    const checks = checkRules(rules, entries);
    const failed = checks.some((c) => c.failed);
    if (a.json) io.stdout(JSON.stringify({ ...comparison, checks, regression: failed }, null, 2) + '\n');
    else io.stdout(renderComparison(comparison) + (checks.length ? `\nThresholds (--fail-on)\n${renderChecks(checks)}` : ''));
    if (htmlPath !== undefined) {
      writeTextAtomic(htmlPath, renderHtml(entries.map((e) => e.report), `kbench comparison of ${entries.length} reports`));
      io.stderr(`HTML comparison written to ${htmlPath}\n`);
    }
    if (failed) {
      io.stderr(`kbench: regression: ${checks.filter((c) => c.failed).map((c) => `${c.rule} [${c.phase}]`).join(', ')}\n`);
      return EXIT.regression;
    }
    return EXIT.ok;
  },
});
