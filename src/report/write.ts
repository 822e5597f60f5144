// Reports are written atomically: a temporary file in the same folder, then a rename, so a reader
// (or a crash) never sees half a report. Before a run starts, `checkOutputTarget` proves each
// output can be written, so a run is never lost to a typo in --out; a write that still fails
// (disk full, I/O error) removes its temporary file and says which path and why, in one line.
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { ERROR_CODES, isKbenchError, runError, shown, usageError } from '../errors.js';
import type { RunReport } from './schema.js';

export function defaultReportPath(report: RunReport, dir = 'reports'): string {
  const time = report.createdAt.replace(/[:.]/g, '-');
  const key = report.spec.key.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  const p = report.spec.growTo === null ? `p${report.spec.partitions}` : `p${report.spec.partitions}-${report.spec.growTo}`;
  return join(dir, `${time}-${key}-${p}.json`);
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? String(e);

/** What a path that exists but is not a regular file is, for the message. Never follows a link. */
function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function lstatOrNull(path: string): fs.Stats | null {
  try {
    return fs.lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Called before a run starts: throws a one-line usage error (KBENCH_BAD_OUTPUT) when `path` cannot
 * be written as `what` ("report", "HTML report"): it is a directory, a symbolic link, a device, a
 * FIFO or a socket (kbench replaces only regular files); its folder is missing (with `createDir`, for
 * the default reports/ folder, its nearest existing ancestor must take it instead) or is not a folder; or the folder does not accept a
 * new file (probed for real with a uniquely named file, since permission bits say nothing to root
 * and nothing about a read-only file system). "-" means standard output and is always fine.
 */
export function checkOutputTarget(path: string, what: string, opts: { createDir?: boolean } = {}): void {
  if (path === '-') return;
  const bad = (why: string, cause?: unknown) => usageError(`cannot write ${what} to ${shown(path)}: ${why}`, ERROR_CODES.badOutput, cause);
  if (path === '' || path.endsWith('/')) throw bad('give a file name, not a folder');
  let st: fs.Stats | null;
  try {
    st = lstatOrNull(path);
  } catch (e) {
    throw bad(errno(e) === 'ENOTDIR' ? 'a part of its folder path is a file, not a folder' : errno(e), e);
  }
  if (st && st.isDirectory()) throw bad('it is a directory; give a file name');
  if (st && !st.isFile()) throw bad(`it is ${kindOf(st)}; kbench writes only to regular files`);
  // The folder that must take the new file: the file's own, or (with createDir, for the default
  // reports/ folder) its nearest existing ancestor; a missing folder is created only when the report
  // is written, so a run refused for another reason leaves nothing behind.
  let dir = dirname(path);
  for (;;) {
    let dst: fs.Stats | null;
    try {
      dst = fs.statSync(dir); // the folder may be a link to a folder
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw bad(errno(e) === 'ENOTDIR' ? `its folder ${shown(dir)} is not a folder` : `its folder ${shown(dir)}: ${errno(e)}`, e);
      dst = null;
    }
    if (dst !== null) {
      if (!dst.isDirectory()) throw bad(`its folder ${shown(dir)} is not a folder`);
      break;
    }
    if (!opts.createDir) throw bad(`its folder ${shown(dir)} does not exist; create it first`);
    if (dirname(dir) === dir) throw bad(`none of its folders exists`);
    dir = dirname(dir);
  }
  const probe = join(dir, `.kbench-probe-${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number;
  try {
    fd = fs.openSync(probe, 'wx');
  } catch (e) {
    throw bad(`its folder ${shown(dir)} does not accept new files (${errno(e)})`, e);
  }
  fs.closeSync(fd);
  fs.unlinkSync(probe);
}

/** The file-system calls an atomic write makes; a seam so tests can make any of them fail. */
export interface WriteFs {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  lstatSync(path: string): fs.Stats;
}

const NODE_FS: WriteFs = {
  openSync: (p, f, m) => fs.openSync(p, f, m),
  writeSync: (fd, b, o, l) => fs.writeSync(fd, b, o, l),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (a, b) => fs.renameSync(a, b),
  unlinkSync: (p) => fs.unlinkSync(p),
  lstatSync: (p) => fs.lstatSync(p),
};

export interface WriteOptions {
  /**
   * Create the folder when it is missing (default true). checkOutputTarget has already refused a
   * missing --out folder before the run; a folder that vanished during the run is made again rather
   * than losing the report. false: fail instead.
   */
  createDir?: boolean;
  /** For tests: the file-system calls to use. */
  fs?: Partial<WriteFs>;
}

export function writeJsonAtomic(path: string, value: unknown, opts: WriteOptions = {}): void {
  writeTextAtomic(path, JSON.stringify(value, null, 2) + '\n', opts);
}

/**
 * Writes `text` to `path` through a temporary file created exclusively in the same folder (made when
 * missing, unless `createDir: false`), then a rename. Replaces only a regular file: never a symbolic
 * link, device or directory (re-checked just before the rename). On any failure the temporary file
 * is removed and a run error (KBENCH_WRITE_FAILED) names the path and the errno code. `path` "-" is
 * not handled here: the caller prints to standard output.
 */
export function writeTextAtomic(path: string, text: string, opts: WriteOptions = {}): void {
  const io: WriteFs = { ...NODE_FS, ...opts.fs };
  const failed = (why: string, cause?: unknown) => runError(`could not write ${shown(path)}: ${why}`, cause, ERROR_CODES.writeFailed);
  const dir = dirname(path);
  if ((opts.createDir ?? true) && !fs.existsSync(dir)) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw failed(`cannot create folder ${shown(dir)} (${errno(e)})`, e);
    }
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    fd = io.openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw failed(errno(e), e);
  }
  let open = true;
  try {
    const data = Buffer.from(text, 'utf8');
    for (let off = 0; off < data.length;) off += io.writeSync(fd, data, off, data.length - off);
    try {
      io.fsyncSync(fd);
    } catch (e) {
      // Some file systems cannot fsync (EINVAL, ENOTSUP); an I/O error is a real failure.
      if (errno(e) !== 'EINVAL' && errno(e) !== 'ENOTSUP') throw e;
    }
    open = false;
    io.closeSync(fd);
    let target: fs.Stats | null = null;
    try {
      target = io.lstatSync(path);
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
    }
    if (target && !target.isFile()) throw failed(`it is now ${kindOf(target)}; kbench replaces only regular files`);
    io.renameSync(tmp, path);
  } catch (e) {
    if (open) {
      try { io.closeSync(fd); } catch { /* already failing */ }
    }
    try { io.unlinkSync(tmp); } catch { /* gone or never made */ }
    if (isKbenchError(e)) throw e;
    throw failed(errno(e), e);
  }
}

/** `--html` given without a file: the report's path with .html. */
export function htmlPathFor(jsonPath: string): string {
  return jsonPath.replace(/\.json$/i, '') + '.html';
}
