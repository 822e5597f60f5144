// `kbench compare a.json b.json [more…]`: key metrics side by side, with changes from the first.
import { join } from 'node:path';
import { describedAs, option, variadic } from '../../config/option.js';
import { OPTIONS } from '../../config/options.js';
import { nonBlank } from '../../config/units.js';
import { ERROR_CODES, EXIT, usageError } from '../../errors.js';
import { compareReports, loadReport, renderComparison } from '../../report/compare.js';
import { renderHtml } from '../../report/html.js';
import { checkRules, parseFailOn, renderChecks } from '../../report/thresholds.js';
import { checkOutputFolder, checkOutputsDistinct, checkOutputTarget, writeTextAtomic } from '../../report/write.js';
import { defineCommand } from '../command.js';

/** Where the HTML comparison goes when --html has no file name. */
const REPORTS_DIR = 'reports';

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
    // The HTML file is checked before any report is read: writable (for the default name, the reports
    // folder), and none of the reports compared.
    if (a.html === '-') throw usageError('the HTML comparison cannot go to standard output; give --html <file>', ERROR_CODES.badOutput);
    const htmlPath = a.html === undefined ? undefined : a.html || join(REPORTS_DIR, `compare-${new Date().toISOString().replace(/[:.]/g, '-')}.html`);
    if (a.html === '') checkOutputFolder(REPORTS_DIR, 'the HTML comparison');
    else if (htmlPath !== undefined) checkOutputTarget(htmlPath, 'the HTML comparison');
    if (htmlPath !== undefined) {
      checkOutputsDistinct([{ path: htmlPath, what: 'the HTML comparison' }], paths.map((path, i) => ({ path, what: `report ${i + 1} of the comparison` })));
    }
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
