import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { EXIT, KbenchError, type ErrorCode, type ExitCode } from '../src/errors.js';
import type { RunReport } from '../src/report/schema.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams and an empty environment. */
export async function kbench(...argv: string[]): Promise<CliOutcome> {
  return kbenchWithEnv({}, ...argv);
}

export async function kbenchWithEnv(env: Record<string, string>, ...argv: string[]): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    env,
    stderrIsTTY: false,
    stopRequested: () => false,
  });
  return { code, stdout, stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kbench-test-'));
}

/** Runs a simulated benchmark and returns its JSON report (written to a temp file, printed with --json). */
export async function simReport(...argv: string[]): Promise<RunReport> {
  const out = join(tempDir(), 'report.json');
  const r = await kbench(...argv, '--json', '--out', out);
  if (r.code !== 0) throw new Error(`kbench ${argv.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as RunReport;
}

/** The KbenchError `fn` throws: one line, and the given code and exit code (usage) when given.
 * Fails the test when `fn` throws something else or nothing. */
export function refused(fn: () => unknown, code?: ErrorCode, exitCode: ExitCode = EXIT.usage): KbenchError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KbenchError);
    const k = e as KbenchError;
    expect(k.problems).toHaveLength(1);
    expect(k.message).not.toMatch(/[\n\r]/);
    if (code !== undefined) {
      expect(k.code).toBe(code);
      expect(k.exitCode).toBe(exitCode);
    }
    return k;
  }
  throw new Error('expected a KbenchError, nothing was thrown');
}
