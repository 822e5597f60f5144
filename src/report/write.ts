// Reports are written atomically: a temporary file in the same folder, then a rename, so a reader
// (or a crash) never sees half a report.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunReport } from './schema.js';

export function defaultReportPath(report: RunReport, dir = 'reports'): string {
  const time = report.createdAt.replace(/[:.]/g, '-');
  const key = report.spec.key.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  const p = report.spec.growTo === null ? `p${report.spec.partitions}` : `p${report.spec.partitions}-${report.spec.growTo}`;
  return join(dir, `${time}-${key}-${p}.json`);
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeTextAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export function writeTextAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** `--html` given without a file: the report's path with .html. */
export function htmlPathFor(jsonPath: string): string {
  return jsonPath.replace(/\.json$/i, '') + '.html';
}
export function checkOutputTarget(_path: string, _what: string, _opts: { createDir?: boolean } = {}): void {}
