// One error type for everything the user can fix. The CLI boundary prints `kbench: <message>`
// and exits with `exitCode`; anything else is a bug and gets a stack trace.

export const EXIT = { ok: 0, failed: 1, usage: 2, regression: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class KbenchError extends Error {
  constructor(message: string, readonly exitCode: ExitCode = EXIT.usage, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KbenchError';
  }
}

/** Bad flag, file or value: exit 2. The message names the value and the fix. */
export const usageError = (message: string) => new KbenchError(message, EXIT.usage);
/** The run itself failed (engine, broker, I/O): exit 1. */
export const runError = (message: string, cause?: unknown) => new KbenchError(message, EXIT.failed, { cause });
