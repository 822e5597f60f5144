// Starts a live-engine worker thread from TypeScript sources (tests, `tsx src/cli/main.ts`): registers
// tsx in this thread, then loads the real entry point. Compiled builds load live-worker.js directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
