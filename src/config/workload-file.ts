// Workload files: the run's flags as a YAML or JSON map (`kbench run workload.yaml`). Flags on the
// command line override the file; a field kbench does not know is an error that names it.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { usageError } from '../errors.js';
import type { RawRunOptions } from './resolve.js';

/** Every field a workload file may set, spelled as its flag. */
export const WORKLOAD_FIELDS = [
  'key', 'partitions', 'partition', 'users', 'user-dist', 'country-dist', 'devices', 'file-order', 'rate', 'duration',
  'messages', 'producers', 'client', 'record-size', 'seed', 'consumers', 'assignor', 'consumer-rate', 'partition-capacity',
  'produce-latency', 'rebalance-time', 'grow-to', 'grow-at', 'metadata-refresh', 'auto-offset-reset', 'brokers',
  'connect-timeout', 'keep-topic', 'replication-factor', 'drain-timeout', 'description',
] as const;

const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function loadWorkloadFile(path: string): RawRunOptions & { description?: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw usageError(`cannot read workload file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let doc: unknown;
  try {
    doc = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw usageError(`workload file ${path} is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw usageError(`workload file ${path} must be a map of fields, e.g. "key: country"`);
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(doc as Record<string, unknown>)) {
    const name = kebab(field);
    if (!(WORKLOAD_FIELDS as readonly string[]).includes(name)) {
      throw usageError(`workload file ${path}: unknown field "${field}"; known fields are ${WORKLOAD_FIELDS.join(', ')}`);
    }
    if (value !== null && typeof value === 'object') throw usageError(`workload file ${path}: field "${field}" must be a single value, not a list or map`);
    out[camel(name)] = typeof value === 'boolean' ? value : value === null ? undefined : String(value);
  }
  // A key file named in a workload file is found next to the workload file.
  const key = out.key as string | undefined;
  if (key?.startsWith('file:') && !isAbsolute(key.slice(5))) out.key = `file:${join(dirname(path), key.slice(5))}`;
  return out as RawRunOptions & { description?: string };
}
