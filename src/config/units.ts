// Unit parsing lives here and nowhere else. Canonical units: milliseconds, bytes, records/s.
// Every parser takes the label the value came under (`--rate`, `KBENCH_RATE`, `run.yaml: rate`) and
// its bounds, and throws one usage line that names both and shows the value escaped.
import { ERROR_CODES, shown, usageError } from '../errors.js';
import { Problems } from './option.js';

const bad = (message: string) => usageError(message, ERROR_CODES.badOption);

export interface Bounds {
  min: number;
  max: number;
}

/** Trimmed text, or a problem when there is none: an empty value is never taken as "not given". */
export function nonBlank(value: string, label: string): string {
  const text = value.trim();
  if (text === '') throw bad(`${label} is empty; give a value or leave it out`);
  return text;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 60_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 1000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(3)}s`;
  return `${+ms.toFixed(3)}ms`;
}

/** "500ms", "30s", "5m", "1h", or a bare number of seconds → milliseconds within `b` (ms). */
export function parseDuration(value: string, label: string, b: Bounds): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(nonBlank(value, label));
  const range = `${formatDuration(b.min)} to ${formatDuration(b.max)}`;
  if (!m) throw bad(`${label} is not a duration (got ${shown(value)}); use e.g. 30s, 500ms, 5m, 1h (${range})`);
  const ms = Number(m[1]) * DURATION_UNITS[m[2] ?? 's'];
  if (!(ms >= b.min && ms <= b.max)) throw bad(`${label} must be from ${range} (got ${shown(value)})`);
  return ms;
}

/** A point in a run: "50%" of the duration, or a duration from the start (checked against the run later). */
export type RunPoint = { percent: number } | { ms: number };

export function parseRunPoint(value: string, label: string, maxMs: number): RunPoint {
  const text = nonBlank(value, label);
  if (text.endsWith('%')) {
    const pct = /^\d+(?:\.\d+)?$/.test(text.slice(0, -1).trim()) ? Number(text.slice(0, -1)) : NaN;
    if (!(pct > 0 && pct < 100)) throw bad(`${label} percentage must be between 0% and 100% exclusive (got ${shown(value)})`);
    return { percent: pct };
  }
  return { ms: parseDuration(text, label, { min: 0, max: maxMs }) };
}

export function runPointMs(p: RunPoint, durationMs: number): number {
  return 'percent' in p ? (durationMs * p.percent) / 100 : p.ms;
}

const SUFFIX: Record<string, number> = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 };

/** A number with an optional k/M suffix ("10k" → 10000) within bounds; `integer` refuses fractions. */
export function parseCount(value: string, label: string, b: Bounds & { integer?: boolean; aboveMin?: boolean }): number {
  const m = /^(-?(?:\d+(?:\.\d+)?|\.\d+))([kKmM]?)$/.exec(nonBlank(value, label));
  const what = b.integer ? 'a whole number' : 'a number';
  const range = `${b.aboveMin ? 'above' : 'from'} ${b.min.toLocaleString('en-US')} ${b.aboveMin ? 'up ' : ''}to ${b.max.toLocaleString('en-US')}`;
  if (!m) throw bad(`${label} must be ${what} ${range}, e.g. 12 or 10k (got ${shown(value)})`);
  const n = Number(m[1]) * SUFFIX[m[2]];
  if (!((b.aboveMin ? n > b.min : n >= b.min) && n <= b.max)) throw bad(`${label} must be ${range} (got ${shown(value)})`);
  if (b.integer && !Number.isInteger(n)) throw bad(`${label} must be a whole number (got ${shown(value)})`);
  return n;
}

const SIZE_UNITS: Record<string, number> = { b: 1, B: 1, KB: 1000, kB: 1000, KiB: 1024, MB: 1e6, MiB: 1048576 };

/** "200", "1KiB", "1KB", "2MiB" → whole bytes within bounds. */
export function parseSize(value: string, label: string, b: Bounds): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|B|KB|kB|KiB|MB|MiB)?$/.exec(nonBlank(value, label));
  if (!m) throw bad(`${label} must be a size in bytes (got ${shown(value)}); use e.g. 200, 1KiB`);
  const n = Math.round(Number(m[1]) * SIZE_UNITS[m[2] ?? 'B']);
  if (!(n >= b.min && n <= b.max)) throw bad(`${label} must be from ${b.min} to ${b.max} bytes (got ${shown(value)})`);
  return n;
}

/** A percentage below 100, e.g. "20%" → 0.2. */
export function parsePercent(value: string, label: string): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(nonBlank(value, label));
  if (!m || Number(m[1]) >= 100) throw bad(`${label} must be a percentage from 0% to below 100%, e.g. 20% (got ${shown(value)})`);
  return Number(m[1]) / 100;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(value: string, label: string, allowed: readonly T[]): T {
  const text = nonBlank(value, label);
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw bad(`unknown ${label} ${shown(value)}; use one of ${allowed.join(', ')}`);
}

/** A comma-separated list of 1..maxItems entries, each read by `item`; every bad entry is reported. */
export function parseList<T>(value: string, label: string, maxItems: number, item: (text: string, label: string) => T): T[] {
  const parts = nonBlank(value, label).split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw bad(`${label} has an empty entry (got ${shown(value)}); separate entries with single commas`);
  if (parts.length > maxItems) throw bad(`${label} has ${parts.length} entries; at most ${maxItems} are supported`);
  const problems = new Problems();
  const out = parts.map((p) => problems.try(() => item(p, `${label} entry`)));
  problems.throwIfAny();
  return out as T[];
}

/** "on"/"off" words for switches given through KBENCH_* variables or workload files. */
export function parseSwitch(value: string, label: string): boolean {
  const text = nonBlank(value, label).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  throw bad(`${label} must be true or false (got ${shown(value)})`);
}
