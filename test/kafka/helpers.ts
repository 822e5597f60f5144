import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { DRIVER_NAMES, type DriverName } from '../../src/config/driver-names.js';
import type { RunReport } from '../../src/report/schema.js';
import { kbenchWithEnv, tempDir, type CliOutcome } from '../helpers.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const brokers = inject('brokers');

export const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Runs one of Kafka's own command-line tools from the same jars as the broker. */
export function kafkaTool(mainClass: string, ...args: string[]): string {
  const r = spawnSync('bash', [join(ROOT, 'scripts/kafka.sh'), 'tool', mainClass, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${mainClass} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** kbench as a separate process (for signals and dying brokers), straight from the TypeScript source. */
export function kbenchChild(args: string[], onStart?: (child: ReturnType<typeof spawn>) => void, env: NodeJS.ProcessEnv = {}): Promise<ChildOutcome> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  onStart?.(child);
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started })));
}

/** Polls until `check` returns true (no fixed sleeps in tests). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The drivers every live scenario runs on: all of kbench's (KBENCH_TEST_DRIVERS narrows them, e.g.
 * `kafkajs` for a quick run). A driver that cannot be loaded fails its scenarios, never skips them. */
export const LIVE_DRIVERS: readonly DriverName[] = process.env.KBENCH_TEST_DRIVERS
  ? (process.env.KBENCH_TEST_DRIVERS.split(',').map((d) => d.trim()).filter((d): d is DriverName => (DRIVER_NAMES as readonly string[]).includes(d)))
  : DRIVER_NAMES;

/** kbench on one driver: KBENCH_DRIVER in the environment of every call, in-process (test/helpers.ts)
 * or as a child process (`kbench worker` reads it too). A describe run once per LIVE_DRIVERS entry
 * binds these in place of the plain helpers, so its calls stay as they are. */
export function onDriver(driver: DriverName) {
  const withEnv = (env: Record<string, string>, ...argv: string[]): Promise<CliOutcome> => kbenchWithEnv({ ...env, KBENCH_DRIVER: driver }, ...argv);
  return {
    kbench: (...argv: string[]) => withEnv({}, ...argv),
    kbenchWithEnv: withEnv,
    /** The run's JSON report (as simReport in test/helpers.ts, here on this driver). */
    report: async (...argv: string[]): Promise<RunReport> => {
      const r = await withEnv({}, ...argv, '--json', '--out', join(tempDir(), 'report.json'));
      if (r.code !== 0) throw new Error(`kbench ${argv.join(' ')} (driver ${driver}) exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as RunReport;
    },
    kbenchChild: (args: string[], onStart?: (child: ReturnType<typeof spawn>) => void, env: NodeJS.ProcessEnv = {}) =>
      kbenchChild(args, onStart, { ...env, KBENCH_DRIVER: driver }),
  };
}
