// What the CLI may touch of the outside world, passed in so tests can run it in-process.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Progress lines only make sense on a terminal. */
  stderrIsTTY: boolean;
  /** Becomes true when the user asks to stop (Ctrl-C). */
  stopRequested(): boolean;
}
