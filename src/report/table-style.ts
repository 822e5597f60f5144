/** cli-table3 border characters without a rule between rows: tables stay as tall as their data. */
export const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
