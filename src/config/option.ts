// What one option is: its type, unit, default, bounds and how a typed value is read from what a user
// wrote. Every surface (yargs flags and their help, KBENCH_* variables, workload-file fields) and the
// typed arguments each command receives are derived from tables of these (see options.ts), so a flag
// cannot exist on one surface and not another, and a handler cannot read a flag its table lacks.
import { ERROR_CODES, EXIT, KbenchError, type ErrorCode } from '../errors.js';

/** Where a raw value came from; it names the value in error messages. */
export type Source = { kind: 'flag' | 'env' | 'file' | 'default'; label: string };

export interface Option<V> {
  /** How the command line carries it: a value, or an on/off switch (`--json`, `--no-json`). */
  readonly type: 'string' | 'boolean';
  readonly describe: string;
  /** The accepted values in words, e.g. "1–100000" or "30s, 500ms, 5m"; shown in --help. */
  readonly range?: string;
  /** Numeric bounds of the value in its canonical unit (count, records/s, ms), where it has them. */
  readonly bounds?: Bounded;
  /** The default as a user would type it. */
  readonly default?: string | boolean;
  /** Must be given (and is then never undefined). */
  readonly required?: boolean;
  /** A positional argument instead of a flag: one value, or all the remaining ones. */
  readonly positional?: 'one' | 'many';
  /** A comma-separated list: given twice, the entries add up instead of the last one winning. */
  readonly list?: boolean;
  /** Only for `kbench run`: may a workload file set it? */
  readonly inWorkloadFile?: boolean;
  /** Read from its KBENCH_* variable only: no flag (a secret on a command line shows in every
   * process listing) and no workload field (files get committed). */
  readonly envOnly?: boolean;
  /** Reads the typed value; throws a KbenchError naming `label` when the text is not acceptable. */
  readonly parse: (raw: string, label: string) => V;
  /** Phantom: the value type, for ArgsOf. */
  readonly __value?: V;
}

/** A numeric option's range in its canonical unit: a count or records/s (''), or milliseconds. */
export type Bounded = { min: number; max: number; unit: '' | 'ms' };

/** Options with a default or `required: true` always have a value; the others may be undefined. */
export type Meta = {
  describe: string;
  default?: string | boolean;
  required?: boolean;
  inWorkloadFile?: boolean;
  positional?: 'one' | 'many';
  list?: boolean;
  envOnly?: boolean;
};
export type OptionOf<V, M> = Option<M extends { default: string | boolean } | { required: true } ? V : V | undefined>;

export type OptionTable = Record<string, Option<unknown>>;

/** The typed arguments a command's handler receives: one field per option of its table. */
export type ArgsOf<T extends OptionTable> = { readonly [K in keyof T]: T[K] extends Option<infer V> ? V : never };

/** Builds an option. The cast is the one place where the meta decides whether a value may be absent. */
export function option<V, const M extends Meta>(type: 'string' | 'boolean', range: string | undefined, parse: (raw: string, label: string) => V, meta: M, bounds?: Bounded): OptionOf<V, M> {
  return { type, range, parse, bounds, ...meta } as OptionOf<V, M>;
}

/** The same option described for another command (its type, bounds and default unchanged). */
export const describedAs = <O extends Option<unknown>>(o: O, describe: string): O => ({ ...o, describe });

/** All the remaining positional arguments, each read by `item`. */
export function variadic<V, const M extends Meta>(range: string | undefined, item: (raw: string, label: string) => V, meta: M & { positional: 'many' }): Option<V[]> {
  return { type: 'string', range, parse: (raw, label) => [item(raw, label)], ...meta };
}

export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
export const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const envName = (name: string) => `KBENCH_${kebab(name).toUpperCase().replace(/-/g, '_')}`;

/** Help text: what it is and what it accepts (yargs adds the default from `defaultDescription`). */
export function helpText(o: Option<unknown>): string {
  return o.describe + (o.range ? ` [${o.range}]` : '');
}

/** Collects problems so that every bad value of an input is reported at once. */
export class Problems {
  readonly lines: string[] = [];
  private cause: unknown;
  private code: ErrorCode | undefined;

  /** Runs `fn`; a KbenchError it throws becomes problem lines, anything else is a bug and rethrown. */
  try<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof KbenchError)) throw e;
      this.lines.push(...e.problems);
      this.cause ??= e;
      this.code ??= e.code;
      return undefined;
    }
  }

  add(line: string, code: ErrorCode = ERROR_CODES.badOption): void {
    this.lines.push(line);
    this.code ??= code;
  }

  /** Throws one KbenchError with every problem (the first one's code and exit code), if any. */
  throwIfAny(): void {
    if (this.lines.length === 0) return;
    const lines = [...new Set(this.lines)];
    const first = this.cause as KbenchError | undefined;
    throw new KbenchError(lines[0], { problems: lines, code: this.code ?? ERROR_CODES.badOption, exitCode: first?.exitCode ?? EXIT.usage, cause: first });
  }
}
