// Entry point of a live-engine worker thread: one LiveSlice, driven by the coordinator's messages.
// Its drivers are loaded by the slice (each driver puts its own patches in place as it loads).
import { parentPort, workerData } from 'node:worker_threads';
import { LiveSlice } from './live-slice.js';
import type { FromSlice, SliceSetup, ToSlice } from './slice-protocol.js';

const port = parentPort!;
const post = (m: FromSlice, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
const slice = new LiveSlice(workerData as SliceSetup, post);

try {
  await slice.start();
  post({ t: 'started', details: slice.details });
} catch (e) {
  const code = (e as { code?: unknown }).code;
  post({ t: 'failed', message: e instanceof Error ? e.message : String(e), code: typeof code === 'string' && code.startsWith('KBENCH_') ? code : 'KBENCH_RUN_FAILED' });
}
// Messages are handled one at a time, in order: a drain follows the sends before it.
let queue = Promise.resolve();
port.on('message', (m: ToSlice) => {
  queue = queue.then(() => slice.handle(m)).catch((e) => post({ t: 'failed', message: e instanceof Error ? e.message : String(e), code: 'KBENCH_RUN_FAILED' }));
});
