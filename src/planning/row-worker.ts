// A worker thread of kbench plan: simulates the rows it is sent, one at a time, and posts back each
// row's figures (or what stopped it). See row-threads.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { RowSimulator, type RowRunOptions } from './row-runs.js';
import type { RowJob, RowOutcome } from './row-threads.js';

const port = parentPort!;
const simulator = new RowSimulator((workerData as { options: RowRunOptions }).options);
port.on('message', (job: RowJob) => {
  const post = (m: RowOutcome) => port.postMessage(m);
  simulator.run(job.key, job.partitions).then(
    (figures) => post({ id: job.id, figures }),
    (e: unknown) => post({ id: job.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
