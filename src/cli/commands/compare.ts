// `kbench compare a.json b.json [more…]`: key metrics side by side, with changes from the first.
import type { Argv } from 'yargs';
import { EXIT, usageError, type ExitCode } from '../../errors.js';
import { compareReports, loadReport, renderComparison } from '../../report/compare.js';
import type { CliIo } from '../io.js';

export function compareOptions<T>(y: Argv<T>) {
  return y
    .positional('reports', { type: 'string', array: true, describe: 'report files; the first is the baseline' })
    .option('json', { type: 'boolean', default: false });
}

export async function compareCommand(args: { reports?: string[]; json: boolean }, io: CliIo): Promise<ExitCode> {
  const paths = (args.reports ?? []).map(String);
  if (paths.length < 2) throw usageError(`compare needs at least two reports (got ${paths.length}), e.g. kbench compare reports/a.json reports/b.json`);
  const comparison = compareReports(paths.map((path) => ({ path, report: loadReport(path) })));
  io.stdout(args.json ? JSON.stringify(comparison, null, 2) + '\n' : renderComparison(comparison));
  return EXIT.ok;
}
