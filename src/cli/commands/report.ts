// `kbench report <run.json> [--html [file]] [--json]`: show a saved report again, as tables, JSON or HTML.
import type { Argv } from 'yargs';
import { EXIT, type ExitCode } from '../../errors.js';
import { loadReport } from '../../report/compare.js';
import { renderHtml } from '../../report/html.js';
import { renderReport } from '../../report/table.js';
import { htmlPathFor, writeTextAtomic } from '../../report/write.js';
import type { CliIo } from '../io.js';

export function reportOptions<T>(y: Argv<T>) {
  return y
    .positional('file', { type: 'string', describe: 'a report written by kbench', demandOption: true })
    .option('html', { type: 'string', describe: 'write a self-contained HTML report (default: next to the JSON)' })
    .option('json', { type: 'boolean', default: false });
}

export async function reportCommand(args: { file: string; html?: string; json: boolean }, io: CliIo): Promise<ExitCode> {
  const report = loadReport(args.file);
  if (args.html !== undefined) {
    const path = args.html || htmlPathFor(args.file);
    writeTextAtomic(path, renderHtml([report]));
    io.stderr(`HTML report written to ${path}\n`);
    return EXIT.ok;
  }
  io.stdout(args.json ? JSON.stringify(report, null, 2) + '\n' : renderReport(report));
  return EXIT.ok;
}
