import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { ERROR_CODES, EXIT, KbenchError } from '../src/errors.js';
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

/** Runs `fn`, which must refuse its input file: one KbenchError line, KBENCH_BAD_INPUT, exit 2. */
export function refusedInput(fn: () => unknown, what: string): KbenchError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KbenchError);
    const k = e as KbenchError;
    expect(k.code).toBe(ERROR_CODES.badInput);
    expect(k.exitCode).toBe(EXIT.usage);
    expect(k.problems).toHaveLength(1);
    expect(k.message).not.toMatch(/[\n\r]/);
    return k;
  }
  throw new Error(`${what} accepted its input`);
}
