// Unit parsing lives here and nowhere else. Canonical units: milliseconds, bytes, records/s.
import { usageError } from '../errors.js';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "500ms", "30s", "5m", "1h", or a bare number of seconds → milliseconds. */
export function parseDuration(value: string | number, flag: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw usageError(`${flag} must be a duration ≥ 0 (got ${value}); use e.g. 30s, 500ms, 5m`);
    return value * 1000;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(value);
  if (!m) throw usageError(`${flag} is not a duration (got "${value}"); use e.g. 30s, 500ms, 5m, 1h`);
  return Number(m[1]) * DURATION_UNITS[m[2] ?? 's'];
}

/** A point in a run: "50%" of the duration, or a duration from the start. */
export function parseRunPoint(value: string | number, durationMs: number, flag: string): number {
  if (typeof value === 'string' && /%\s*$/.test(value)) {
    const pct = Number(value.trim().slice(0, -1));
    if (!Number.isFinite(pct) || pct <= 0 || pct >= 100) throw usageError(`${flag} percentage must be between 0% and 100% exclusive (got "${value}")`);
    return (durationMs * pct) / 100;
  }
  return parseDuration(value, flag);
}

/** A positive number with an optional k/M suffix: "10k" → 10000. */
export function parseCount(value: string | number, flag: string, { allowZero = false } = {}): number {
  const raw = typeof value === 'number' ? String(value) : value.trim();
  const m = /^(-?\d+(?:\.\d+)?)([kKmM]?)$/.exec(raw);
  if (!m) throw usageError(`${flag} must be a number (got "${value}")`);
  const n = Number(m[1]) * (m[2] === '' ? 1 : m[2].toLowerCase() === 'k' ? 1e3 : 1e6);
  if (n < 0 || (!allowZero && n === 0)) throw usageError(`${flag} must be ${allowZero ? '≥ 0' : '> 0'} (got ${value})`);
  return n;
}

/** "200", "1KiB", "1KB", "2MiB" → bytes. */
export function parseSize(value: string | number, flag: string): number {
  const raw = typeof value === 'number' ? String(value) : value.trim();
  const m = /^(\d+(?:\.\d+)?)\s*(b|B|KB|kB|KiB|MB|MiB)?$/.exec(raw);
  if (!m) throw usageError(`${flag} must be a size in bytes (got "${value}"); use e.g. 200, 1KiB`);
  const mult: Record<string, number> = { b: 1, B: 1, KB: 1000, kB: 1000, KiB: 1024, MB: 1e6, MiB: 1048576 };
  const n = Math.round(Number(m[1]) * mult[m[2] ?? 'B']);
  if (n < 1) throw usageError(`${flag} must be at least 1 byte (got ${value})`);
  return n;
}

export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 60_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 1000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(3)}s`;
  return `${+ms.toFixed(3)}ms`;
}
