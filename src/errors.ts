// One error type for everything the user can fix. The CLI boundary prints one `kbench: <problem>`
// line per problem and exits with `exitCode`; anything else is a bug and gets a stack trace.
// Every KbenchError carries a stable `code` (like kafkajs's and platformatic's errors) so tests and
// programs tell failures apart without matching text, and the `cause` it came from.

export const EXIT = { ok: 0, failed: 1, usage: 2, regression: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Stable error codes. Usage codes exit 2, run codes exit 1. */
export const ERROR_CODES = {
  /** A flag, KBENCH_* variable or workload-file field has a bad value (or several do). */
  badOption: 'KBENCH_BAD_OPTION',
  /** Bad command-line usage that is not one option's value: unknown command, missing argument. */
  usage: 'KBENCH_USAGE',
  /** An input file (workload, keys, report) is missing, unreadable, too large or malformed. */
  badInput: 'KBENCH_BAD_INPUT',
  /** An output target (--out, --html, the reports folder) cannot be written. */
  badOutput: 'KBENCH_BAD_OUTPUT',
  /** kbench refuses to touch a topic it did not create (needs --force). */
  notOwned: 'KBENCH_NOT_OWNED',
  /** The cluster could not be reached within --connect-timeout. */
  unreachable: 'KBENCH_UNREACHABLE',
  /** The run (or a broker command) failed after it started. */
  runFailed: 'KBENCH_RUN_FAILED',
  /** Writing an output failed part-way (disk full, I/O error). */
  writeFailed: 'KBENCH_WRITE_FAILED',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface KbenchErrorOptions {
  exitCode?: ExitCode;
  code?: ErrorCode;
  cause?: unknown;
  /** More problems of the same input, each its own output line (the message is the first). */
  problems?: string[];
}

export class KbenchError extends Error {
  readonly exitCode: ExitCode;
  readonly code: ErrorCode;
  /** Every problem found, one line each; `message` is their join. */
  readonly problems: readonly string[];

  constructor(message: string, options: KbenchErrorOptions = {}) {
    const problems = (options.problems?.length ? options.problems : [message]).map(oneLine);
    super(problems.join('; '), { cause: options.cause });
    this.name = 'KbenchError';
    this.exitCode = options.exitCode ?? EXIT.usage;
    this.code = options.code ?? (this.exitCode === EXIT.usage ? ERROR_CODES.usage : ERROR_CODES.runFailed);
    this.problems = problems;
  }
}

/** Whatever a user typed, shown so that a message stays on one line: control characters escaped. */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

/** The errno code of a failed file-system call ("ENOENT"), or the error as text. */
export const errnoOf = (e: unknown): string => (e as NodeJS.ErrnoException)?.code ?? String(e);

/** A problem line never spans lines: a newline in a value (or in a library's message) is escaped. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** Bad flag, file or value: exit 2. The message names the value and the fix. */
export const usageError = (message: string, code: ErrorCode = ERROR_CODES.usage, cause?: unknown) =>
  new KbenchError(message, { exitCode: EXIT.usage, code, cause });
/** The run itself failed (engine, broker, I/O): exit 1. */
export const runError = (message: string, cause?: unknown, code: ErrorCode = ERROR_CODES.runFailed) =>
  new KbenchError(message, { exitCode: EXIT.failed, code, cause });

export const isKbenchError = (e: unknown): e is KbenchError => e instanceof KbenchError;
