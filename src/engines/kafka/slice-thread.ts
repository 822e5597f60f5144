// The coordinator's handle on one slice: the worker thread that runs it, the records waiting to be
// handed to it (packed, posted in batches), and how many of its records are not yet acknowledged.
import { Worker } from 'node:worker_threads';
import type { PlannedRecord } from '../types.js';
import { SEND, SEND_STRIDE, type FromSlice, type SliceSetup, type ToSlice } from './slice-protocol.js';

const RECORDS_PER_POST = 1024;
const BYTES_PER_POST = 256 * 1024;

/** Where the worker's code is: the compiled .js next to this file, or from TypeScript sources
 * (tests, `tsx`) through a small bootstrap that registers tsx in the worker first. */
function workerEntry(): { url: URL; data: (setup: SliceSetup) => unknown } {
  const self = new URL(import.meta.url);
  if (!self.pathname.endsWith('.ts')) return { url: new URL('./live-worker.js', self), data: (s) => s };
  const entry = new URL('./live-worker.ts', self).href;
  return { url: new URL('./ts-worker-boot.mjs', self), data: (s) => ({ ...s, entry }) };
}

export class SliceThread {
  private readonly worker: Worker;
  private meta = new Float64Array(RECORDS_PER_POST * SEND_STRIDE);
  private bytes = new Uint8Array(BYTES_PER_POST);
  private count = 0;
  private used = 0;
  private postScheduled = false;
  /** Key and value bytes handed over (or waiting to be) and not yet acknowledged. */
  outstandingBytes = 0;
  private readonly waiters: (() => void)[] = [];
  exited = false;

  /** `limitBytes`: how much may be outstanding before the coordinator has to wait (back-pressure). */
  constructor(readonly index: number, setup: SliceSetup, private readonly limitBytes: number,
    onMessage: (m: FromSlice) => void, onExit: (error: Error | null) => void) {
    const { url, data } = workerEntry();
    this.worker = new Worker(url, { workerData: data(setup), stdout: false, stderr: false });
    this.worker.on('message', onMessage);
    this.worker.on('error', (e) => onExit(e));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.release();
      onExit(code === 0 ? null : new Error(`worker thread ${index} exited with code ${code}`));
    });
  }

  post(m: ToSlice): void {
    if (!this.exited) this.worker.postMessage(m);
  }

  /** Queues a record for the slice; it is posted with the next batch. */
  add(rec: PlannedRecord, key: Uint8Array | null, value: Uint8Array): void {
    const size = value.length + (key?.length ?? 0);
    if (this.count === RECORDS_PER_POST || (this.used + size > this.bytes.length && this.count > 0)) this.flush();
    if (size > this.bytes.length) this.bytes = new Uint8Array(size);
    const m = this.count * SEND_STRIDE;
    const meta = this.meta;
    meta[m + SEND.n] = rec.n;
    meta[m + SEND.producer] = rec.producer;
    meta[m + SEND.keyIndex] = rec.keyIndex;
    meta[m + SEND.entity] = rec.entity;
    meta[m + SEND.seq] = rec.seq;
    meta[m + SEND.intendedUs] = rec.intendedUs;
    meta[m + SEND.sizeBytes] = rec.sizeBytes;
    meta[m + SEND.keyLength] = key ? key.length : -1;
    meta[m + SEND.valueLength] = value.length;
    if (key) {
      this.bytes.set(key, this.used);
      this.used += key.length;
    }
    this.bytes.set(value, this.used);
    this.used += value.length;
    this.count++;
    this.outstandingBytes += size;
    if (!this.postScheduled) {
      this.postScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Posts the queued records: copies sized to what is used move to the worker, and the full-size
   * buffers stay for the next batch (a paced run posts a few records per tick; new full-size buffers
   * for each cost more in allocation and garbage collection than the copy). */
  flush(): void {
    this.postScheduled = false;
    if (this.count === 0) return;
    const meta = this.meta.slice(0, this.count * SEND_STRIDE);
    const bytes = this.bytes.slice(0, this.used);
    if (!this.exited) this.worker.postMessage({ t: 'send', meta, bytes, count: this.count } satisfies ToSlice, [meta.buffer, bytes.buffer]);
    this.count = 0;
    this.used = 0;
  }

  acknowledged(bytes: number): void {
    this.outstandingBytes -= bytes;
    // Resume at half the limit, so the coordinator hands over records in large batches rather than
    // one small message per ack.
    if (this.outstandingBytes < this.limitBytes / 2) this.release();
  }

  /** A promise that resolves when the outstanding bytes are below the limit, or undefined when they are. */
  room(): Promise<void> | undefined {
    if (this.outstandingBytes < this.limitBytes || this.exited) return undefined;
    this.flush();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Lets every waiter go (below the limit, or the run has failed and the next send will say so). */
  release(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
