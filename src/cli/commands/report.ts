// `kbench report <run.json> [--html [file]] [--json]`: show a saved report again, as tables, JSON or HTML.
import { describedAs, option } from '../../config/option.js';
import { OPTIONS } from '../../config/options.js';
import { nonBlank } from '../../config/units.js';
import { ERROR_CODES, EXIT, usageError } from '../../errors.js';
import { loadReport } from '../../report/compare.js';
import { renderHtml } from '../../report/html.js';
import { renderReport } from '../../report/table.js';
import { checkOutputsDistinct, checkOutputTarget, htmlPathFor, writeTextAtomic } from '../../report/write.js';
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
    // The HTML file is checked before the report is read: it must be writable and not the report itself.
    if (a.html === '-') throw usageError('the HTML report cannot go to standard output; give --html <file>', ERROR_CODES.badOutput);
    if (a.html === '' && a.file === '-') {
      throw usageError('the report comes from standard input, so there is no file to put the HTML report next to; give --html <file>', ERROR_CODES.badOutput);
    }
    const htmlPath = a.html === undefined ? undefined : a.html || htmlPathFor(a.file);
    if (htmlPath !== undefined) {
      checkOutputTarget(htmlPath, 'the HTML report');
      checkOutputsDistinct([{ path: htmlPath, what: 'the HTML report' }], [{ path: a.file, what: 'the input report' }]);
    }
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
