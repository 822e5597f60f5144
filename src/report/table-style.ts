import Table from 'cli-table3';

/** cli-table3 border characters without a rule between rows: tables stay as tall as their data. */
export const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** The one table style of kbench's terminal output: no colours, no rules between rows. */
export function compactTable(head: string[], options: Partial<Table.TableConstructorOptions> = {}): Table.Table {
  return new Table({ head, style: { head: [], border: [] }, chars: COMPACT, ...options });
}
