import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { DRIVER_NAMES, type DriverName } from '../../src/config/driver-names.js';
import { bindingBuilt as rdkafkaBindingBuilt } from '../../src/drivers/rdkafka/binding.js';
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
 * `kafkajs` for a quick run). A driver that cannot be loaded fails its scenarios, never skips them,
 * except the optional native one (rdkafka) on a machine where it is not built and nobody said it
 * should be (KBENCH_NATIVE=1, as .ci/run does): it is then left out, visibly. */
const NATIVE_EXPECTED = process.env.KBENCH_NATIVE === '1';
const requested: readonly DriverName[] = process.env.KBENCH_TEST_DRIVERS
  ? process.env.KBENCH_TEST_DRIVERS.split(',').map((d) => d.trim()).filter((d): d is DriverName => (DRIVER_NAMES as readonly string[]).includes(d))
  : DRIVER_NAMES;
export const LIVE_DRIVERS: readonly DriverName[] = requested.filter((d) => {
  if (d !== 'rdkafka' || NATIVE_EXPECTED || rdkafkaBindingBuilt()) return true;
  process.stderr.write('\n*** live scenarios on the rdkafka driver left out: its native binding is not built (npm run build:native) ***\n\n');
  return false;
});

/** kbench's entry points bound to one driver (KBENCH_DRIVER in their environment): in-process
 * commands, a live run's JSON report, and kbench as a child process (worker processes too). The
 * driver a report names is checked, so a scenario cannot pass on another driver than its own. */
export function onDriver(driver: DriverName) {
  const env = { KBENCH_DRIVER: driver };
  const kbench = (...argv: string[]): Promise<CliOutcome> => kbenchWithEnv(env, ...argv);
  const withEnv = (more: Record<string, string>, ...argv: string[]): Promise<CliOutcome> => kbenchWithEnv({ ...more, ...env }, ...argv);
  const report = async (...argv: string[]): Promise<RunReport> => {
    const r = await kbench(...argv, '--json', '--out', join(tempDir(), 'report.json'));
    if (r.code !== 0) throw new Error(`kbench ${argv.join(' ')} (driver ${driver}) exited ${r.code}: ${r.stderr}`);
    const parsed = JSON.parse(r.stdout) as RunReport;
    if (parsed.model.parameters.driver !== driver) throw new Error(`the run used driver ${String(parsed.model.parameters.driver)}, not ${driver}`);
    return parsed;
  };
  const child = (args: string[], onStart?: Parameters<typeof kbenchChild>[1], more: NodeJS.ProcessEnv = {}) => kbenchChild(args, onStart, { ...more, ...env });
  return { kbench, kbenchWithEnv: withEnv, report, kbenchChild: child };
}
