// From what the user wrote to typed option values: for each option of a command's table, the flag,
// else its KBENCH_* variable, else the workload-file field, else the default — each read by the
// option's own parser under the name it came by. Every problem is collected and reported at once.
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import type * as Yaml from 'yaml';
import { ERROR_CODES, shown, usageError } from '../errors.js';
import { INPUT_LIMITS, readInputText } from './input-files.js';
import { camel, envName, kebab, Problems, type ArgsOf, type Option, type OptionTable, type Source } from './option.js';

// yaml is about 70 modules: loaded when a workload file is read, not at the start of every command.
const requireCjs = createRequire(import.meta.url);

/** Raw values by option name (camelCase), as the command line gave them. */
export type RawFlags = Record<string, string | boolean | string[] | undefined>;

export interface RawInputs {
  flags: RawFlags;
  env?: Record<string, string | undefined>;
  /** A workload file's fields by option name, and the file they came from (for error labels). */
  file?: WorkloadFields;
  /** Problems already found in how the command line was written, reported with the rest. */
  problems?: string[];
}

export interface WorkloadFields {
  path: string;
  fields: Record<string, string>;
}

export interface Resolved<T extends OptionTable> {
  values: ArgsOf<T>;
  /** Where each value came from; `kind: 'default'` when the user did not give it. */
  sources: { readonly [K in keyof T]: Source | undefined };
}

export function flagLabel(name: string, o: Option<unknown>): string {
  return o.positional ? `<${kebab(name)}>` : `--${kebab(name)}`;
}

function sourceOf(name: string, o: Option<unknown>, inputs: RawInputs): { raw: string | string[]; source: Source } | undefined {
  const flag = o.envOnly ? undefined : inputs.flags[name];
  if (flag !== undefined) return { raw: typeof flag === 'boolean' ? String(flag) : flag, source: { kind: 'flag', label: flagLabel(name, o) } };
  if (!o.positional) {
    const variable = envName(name);
    const fromEnv = inputs.env?.[variable];
    if (fromEnv !== undefined) return { raw: fromEnv, source: { kind: 'env', label: variable } };
  }
  const field = o.inWorkloadFile && !o.envOnly ? inputs.file?.fields[name] : undefined;
  if (field !== undefined) return { raw: field, source: { kind: 'file', label: `${inputs.file!.path}: ${kebab(name)}` } };
  if (o.default !== undefined) return { raw: String(o.default), source: { kind: 'default', label: `${flagLabel(name, o)} default` } };
  return undefined;
}

/** Typed values for every option of `table`, or one KbenchError listing every problem. */
export function resolveOptions<T extends OptionTable>(table: T, inputs: RawInputs): Resolved<T> {
  const problems = new Problems();
  for (const line of inputs.problems ?? []) problems.add(line, ERROR_CODES.usage);
  const values: Record<string, unknown> = {};
  const sources: Record<string, Source | undefined> = {};
  for (const [name, o] of Object.entries(table)) {
    const found = sourceOf(name, o, inputs);
    sources[name] = found?.source;
    if (found === undefined) {
      if (o.required) problems.add(`missing ${flagLabel(name, o)}: ${o.describe}`);
      values[name] = o.positional === 'many' ? [] : undefined;
      continue;
    }
    const { raw, source } = found;
    values[name] = problems.try(() => {
      // A positional list: its option's parse reads one item into a one-element list.
      if (o.positional === 'many') return (Array.isArray(raw) ? raw : [raw]).flatMap((item) => o.parse(item, source.label) as unknown[]);
      // A list option given twice keeps every entry (--fail-on a --fail-on b); any other keeps its last value.
      return o.parse(Array.isArray(raw) ? (o.list ? raw.join(',') : raw[raw.length - 1]) : raw, source.label);
    });
  }
  problems.throwIfAny();
  return { values: values as ArgsOf<T>, sources: sources as Resolved<T>['sources'] };
}

/** Was the option given by the user (flag, variable or workload file), rather than defaulted? */
export const given = (s: Source | undefined): boolean => s !== undefined && s.kind !== 'default';

/** A workload file (YAML or JSON map of run options): its fields as raw text, unknown fields refused. */
export function loadWorkloadFields(path: string, table: OptionTable): WorkloadFields {
  const text = readInputText(path, 'workload file', INPUT_LIMITS.workloadFile);
  // YAML's failsafe schema (JSON is read by the same parser) keeps every value as the text the user
  // wrote, so `partitions: 0x10` or `rate: 1e3` meet the same option parser as the flag would.
  const { parseDocument } = requireCjs('yaml') as typeof Yaml;
  const doc = parseDocument(text, { schema: 'failsafe', resolveKnownTags: false });
  const flaw = doc.errors[0] ?? doc.warnings[0];
  if (flaw) {
    const where = flaw.linePos ? ` at line ${flaw.linePos[0].line}, column ${flaw.linePos[0].col}` : '';
    const why = flaw.code === 'MULTIPLE_DOCS' ? 'holds more than one document' : flaw.code === 'DUPLICATE_KEY' ? 'sets a field twice' : flaw.code === 'TAG_RESOLVE_FAILED' ? 'uses a YAML tag (write plain values)' : `is not valid YAML or JSON (${flaw.code})`;
    throw usageError(`workload file ${shown(path)} ${why}${where}`, ERROR_CODES.badInput, flaw);
  }
  const fieldsDoc: unknown = doc.toJS();
  if (fieldsDoc === null || fieldsDoc === undefined) return { path, fields: {} };
  if (typeof fieldsDoc !== 'object' || Array.isArray(fieldsDoc)) {
    throw usageError(`workload file ${shown(path)} must be a map of fields, e.g. "key: country"`, ERROR_CODES.badInput);
  }
  const known = Object.entries(table).filter(([, o]) => o.inWorkloadFile).map(([name]) => name);
  const problems = new Problems();
  const fields: Record<string, string> = {};
  for (const [field, value] of Object.entries(fieldsDoc as Record<string, unknown>)) {
    const name = camel(field);
    if (!Object.hasOwn(table, name) || !known.includes(name) || field !== kebab(name) && field !== name) {
      problems.add(`workload file ${shown(path)}: unknown field ${shown(field)}; known fields are ${known.map(kebab).join(', ')}`, ERROR_CODES.badInput);
      continue;
    }
    if (typeof value !== 'string') {
      problems.add(`workload file ${shown(path)}: field ${shown(field)} must be a single value, not a list or map`, ERROR_CODES.badInput);
      continue;
    }
    fields[name] = value;
  }
  problems.throwIfAny();
  // A key file named in a workload file is found next to the workload file.
  const key = fields.key?.trim();
  if (key?.startsWith('file:') && key.length > 5 && !isAbsolute(key.slice(5))) fields.key = `file:${join(dirname(path), key.slice(5))}`;
  // So is a producer properties file.
  const props = fields.producerConfig?.trim();
  if (props && !isAbsolute(props)) fields.producerConfig = join(dirname(path), props);
  return { path, fields };
}
