// `kbench report <run.json> [--html [file]] [--json]`: show a saved report again, as tables, JSON or HTML.
import { describedAs, option } from '../../config/option.js';
import { OPTIONS } from '../../config/options.js';
import { nonBlank } from '../../config/units.js';
import { EXIT } from '../../errors.js';
import { loadReport } from '../../report/compare.js';
import { renderHtml } from '../../report/html.js';
import { renderReport } from '../../report/table.js';
import { checkOutputTarget, htmlPathFor, writeTextAtomic } from '../../report/write.js';
import { defineCommand } from '../command.js';

export const reportCommand = defineCommand({
  name: 'report',
  describe: 'show a saved report again: tables, --json or --html',
  options: {
    file: option('string', 'a report file', nonBlank, { describe: 'a report written by kbench', positional: 'one', required: true }),
    html: describedAs(OPTIONS.html, 'write a self-contained HTML report (default: next to the JSON)'),
    json: OPTIONS.json,
  },
  async handler({ values: a }, io) {
    const htmlPath = a.html === undefined ? undefined : a.html || htmlPathFor(a.file);
    if (htmlPath !== undefined) checkOutputTarget(htmlPath, '--html');
    const report = loadReport(a.file);
    if (htmlPath !== undefined) {
      writeTextAtomic(htmlPath, renderHtml([report]));
      io.stderr(`HTML report written to ${htmlPath}\n`);
      return EXIT.ok;
    }
    io.stdout(a.json ? JSON.stringify(report, null, 2) + '\n' : renderReport(report));
    return EXIT.ok;
  },
});
