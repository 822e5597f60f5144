// Access to kafkajs's own CommonJS modules by their file inside the package, for the fast path's
// replacements (install.ts) and for tests that compare them with the originals.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const requireCjs = createRequire(import.meta.url);
const KAFKAJS_DIR = dirname(requireCjs.resolve('kafkajs/package.json'));

export const KAFKAJS_VERSION = (requireCjs('kafkajs/package.json') as { version: string }).version;

/** The absolute file kafkajs's own `require()` resolves `rel` to. */
export const kafkajsFile = (rel: string) => requireCjs.resolve(join(KAFKAJS_DIR, rel));

/** A kafkajs module as kafkajs loads it (shared with kafkajs). */
export const kafkajsModule = <T>(rel: string): T => requireCjs(kafkajsFile(rel)) as T;

type CompilableModule = Module & { _compile(source: string, filename: string): void; paths: string[] };
const internals = Module as unknown as { _nodeModulePaths(dir: string): string[] };

/** A private, uncached copy of an original kafkajs module: what a replacement falls back to, and
 * what the tests compare it with. */
export function originalKafkajsModule<T>(rel: string): T {
  const filename = kafkajsFile(rel);
  const m = new Module(filename) as CompilableModule;
  m.filename = filename;
  m.paths = internals._nodeModulePaths(dirname(filename));
  m._compile(readFileSync(filename, 'utf8'), filename);
  return m.exports as T;
}

/** Makes every later `require()` of kafkajs's `rel` (kafkajs's own included) return `exports`;
 * false when kafkajs has already loaded it in this thread (it then keeps the original). */
export function replaceKafkajsModule(rel: string, exports: unknown): boolean {
  const filename = kafkajsFile(rel);
  if (requireCjs.cache[filename]) return false;
  const m = new Module(filename);
  m.filename = filename;
  m.loaded = true;
  m.exports = exports;
  requireCjs.cache[filename] = m;
  return true;
}
