// Compression codecs for kafkajs, which ships gzip and takes the others as plug-ins
// (`CompressionCodecs`). Each one here is an npm package that installs without a native build and is
// checked against the real broker (test/kafka/producer-settings.test.ts: produced compressed by kbench,
// read back by Kafka's own console consumer and by kafkajs):
// - snappy: kafkajs-snappy (the kafkajs project's codec; pure JavaScript, snappyjs);
// - lz4: lz4-napi (LZ4 frame format, as Kafka writes it; a prebuilt binary shipped in the npm package);
// - zstd: @bokuweb/zstd-wasm (the reference zstd compiled to WebAssembly).
import { createRequire } from 'node:module';
import kafkajs from 'kafkajs';
import type { Compression } from '../../config/producer-settings.js';
import { runError } from '../../errors.js';

const require = createRequire(import.meta.url);
// kafkajs is CommonJS and names these two in a way Node's ESM loader cannot see: take them off the default export.
const { CompressionCodecs, CompressionTypes } = kafkajs;

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** A zstd frame written without its content size (Java's streaming writer) is decompressed into at
 * most this many bytes: well above a broker's default batch limit (message.max.bytes, 1 MiB). */
const ZSTD_UNKNOWN_SIZE_LIMIT = 64 * 1024 * 1024;

export const KAFKAJS_TYPES: Record<Compression, kafkajs.CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

let registered: Promise<void> | null = null;

async function register(): Promise<void> {
  const snappy = require('kafkajs-snappy') as () => Codec;
  const lz4 = require('lz4-napi') as { compressFrame(b: Uint8Array): Promise<Buffer>; decompressFrame(b: Uint8Array): Promise<Buffer> };
  const zstd = require('@bokuweb/zstd-wasm') as { init(): Promise<void>; compress(b: Uint8Array, level?: number): Uint8Array; decompress(b: Uint8Array, o?: { defaultHeapSize: number }): Uint8Array };
  await zstd.init();
  const lz4Codec: Codec = {
    compress: async (encoder) => lz4.compressFrame(encoder.buffer),
    decompress: async (buffer) => lz4.decompressFrame(buffer),
  };
  const zstdCodec: Codec = {
    compress: async (encoder) => Buffer.from(zstd.compress(encoder.buffer, 3)),
    decompress: async (buffer) => Buffer.from(zstd.decompress(buffer, { defaultHeapSize: ZSTD_UNKNOWN_SIZE_LIMIT })),
  };
  const codecs = CompressionCodecs as unknown as Record<number, () => Codec>;
  codecs[CompressionTypes.Snappy] = snappy;
  codecs[CompressionTypes.LZ4] = () => lz4Codec;
  codecs[CompressionTypes.ZSTD] = () => zstdCodec;
}

/** Registers kbench's codecs with kafkajs (once per process): producers compress with them and
 * consumers of any kbench client decompress with them. */
export function registerCodecs(): Promise<void> {
  registered ??= register().catch((e) => {
    registered = null;
    throw runError(`cannot load the compression codecs: ${e instanceof Error ? e.message : String(e)}`);
  });
  return registered;
}
