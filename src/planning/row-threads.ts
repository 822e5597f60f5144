// The rows' simulated runs are independent (each is its own seeded run), so a plan can spread them over
// worker threads: each thread keeps its own shared parts per key kind (row-runs.ts) and takes the next
// row when it is done with one. The figures are those of the same runs in one thread.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RowSimulator, type RowRunOptions, type SimulatedFigures } from './row-runs.js';

/** A row's simulated run, for a thread: key = index into the options' keys. */
export interface RowJob {
  id: number;
  key: number;
  partitions: number;
}

export type RowOutcome = { id: number; figures: SimulatedFigures } | { id: number; error: string };

/** Below this many simulated records in all, rows run in this thread: a worker thread takes a few
 * tenths of a second to load the simulator, about what 300,000 simulated records take. */
export const THREADED_MIN_RECORDS = 1_000_000;

/** Threads for a plan's rows when the user did not say: one per core, once the plan is big enough to pay for them. */
export function defaultRowThreads(rows: number, recordsPerRow: number): number {
  return rows * recordsPerRow >= THREADED_MIN_RECORDS ? Math.min(availableParallelism(), rows) : 1;
}

/** Where the worker's code is: the compiled .js next to this file, or from TypeScript sources (tests,
 * `tsx`) through the bootstrap the live engine's threads use, which registers tsx in the thread first. */
function workerEntry(): { url: URL; data: Record<string, unknown> } {
  const self = new URL(import.meta.url);
  if (!self.pathname.endsWith('.ts')) return { url: new URL('./row-worker.js', self), data: {} };
  return { url: new URL('../engines/kafka/ts-worker-boot.mjs', self), data: { entry: new URL('./row-worker.ts', self).href } };
}

/**
 * The simulated figures of `jobs`, in their order. `threads` ≤ 1 runs them here, on `local` (whose
 * shared parts the caller may use too); otherwise on that many worker threads (at most one per job).
 */
export async function simulateRows(o: RowRunOptions, jobs: Omit<RowJob, 'id'>[], threads: number, local: RowSimulator): Promise<SimulatedFigures[]> {
  if (threads <= 1 || jobs.length <= 1) {
    const out: SimulatedFigures[] = [];
    for (const job of jobs) out.push(await local.run(job.key, job.partitions));
    return out;
  }
  const { url, data } = workerEntry();
  const workers = Array.from({ length: Math.min(threads, jobs.length) }, () => new Worker(url, { workerData: { ...data, options: o } }));
  const figures: SimulatedFigures[] = new Array(jobs.length);
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      const give = (w: Worker) => {
        if (next < jobs.length) w.postMessage({ id: next, ...jobs[next++] } satisfies RowJob);
      };
      for (const w of workers) {
        w.on('message', (m: RowOutcome) => {
          if ('error' in m) {
            reject(new Error(`plan: the simulated run of row ${m.id + 1} failed in a worker thread: ${m.error}`));
            return;
          }
          figures[m.id] = m.figures;
          if (++done === jobs.length) resolve();
          else give(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => { if (done < jobs.length) reject(new Error(`plan: a worker thread exited (code ${code}) before the rows were done`)); });
        give(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return figures;
}
