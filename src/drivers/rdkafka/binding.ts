// Loading kbench's own librdkafka binding (native/kbench_rdkafka.c), built by `npm run build:native`
// into native/build/. It is optional: `npm install` neither builds nor needs it, and without it the
// rdkafka driver is refused in one line that says how to build it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, usageError } from '../../errors.js';

/** What native/kbench_rdkafka.c exports (see the comments there). */
export interface RdkafkaBinding {
  createProducer(config: string[], pkcs12: Buffer | null, onEvent: (kind: number, ...args: unknown[]) => void): NativeHandle;
  topic(producer: NativeHandle, name: string, config: string[]): NativeHandle;
  batch(producer: NativeHandle, id: number, offsets: Float64Array): NativeHandle;
  /** Queues the `count` records described by meta (or only those at `indices`); what was refused comes back. */
  produce(producer: NativeHandle, topic: NativeHandle, batch: NativeHandle, blob: Buffer, meta: Int32Array, count: number, indices?: Int32Array): ProduceRefusal | undefined;
  abandon(batch: NativeHandle, count: number, code: number): void;
  describe(producer: NativeHandle, request: number, topic: string, timeoutMs: number): void;
  ref(producer: NativeHandle, on: boolean): void;
  close(producer: NativeHandle, timeoutMs: number): void;
  lastError(producer: NativeHandle): string;
  outqLen(producer: NativeHandle): number;
  version(): string;
  errName(code: number): string;
}

/** An opaque native object (a producer, topic or batch). */
export type NativeHandle = { readonly __native: unique symbol };

export interface ProduceRefusal {
  /** The records (their indexes in the send) not queued; the first of them was refused. */
  failed: Int32Array;
  code: number;
  name: string;
  message: string;
}

/** The events the binding's callback receives, by its first argument. */
export const EV_BATCH = 0;
export const EV_METADATA = 1;
export const EV_CLOSED = 2;

export const BINDING_FILE = 'kbench_rdkafka.node';

/** Where the binding is looked for: KBENCH_RDKAFKA_BINDING, else native/build/ of this checkout
 * (from src/drivers/rdkafka and from dist/src/drivers/rdkafka alike). */
export function bindingCandidates(): string[] {
  if (process.env.KBENCH_RDKAFKA_BINDING) return [process.env.KBENCH_RDKAFKA_BINDING];
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, '..', '..', '..', 'native', 'build', BINDING_FILE), join(here, '..', '..', '..', '..', 'native', 'build', BINDING_FILE)];
}

let loaded: RdkafkaBinding | undefined;

/** The binding, or a one-line usage error (exit 2) saying how to build it. */
export function loadBinding(): RdkafkaBinding {
  if (loaded) return loaded;
  const path = bindingCandidates().find((p) => existsSync(p));
  if (!path) {
    throw usageError('driver rdkafka needs kbench\'s native librdkafka binding, which is not built: run npm run build:native (needs a C compiler, make and the libssl-dev zlib1g-dev libzstd-dev packages), or use --driver kafkajs', ERROR_CODES.badOption);
  }
  try {
    loaded = createRequire(import.meta.url)(path) as RdkafkaBinding;
  } catch (e) {
    throw usageError(`driver rdkafka: the native binding ${path} does not load (${(e as Error).message.split('\n')[0]}); rebuild it with npm run build:native`, ERROR_CODES.badOption, e);
  }
  return loaded;
}

/** Whether the binding is built here (without loading it). */
export const bindingBuilt = (): boolean => bindingCandidates().some((p) => existsSync(p));
