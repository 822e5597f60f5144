// Reports are written atomically: a temporary file in the same folder, then a rename, so a reader
// (or a crash) never sees half a report. Before a run starts, `checkOutputTarget` proves each
// output can be written (`checkOutputFolder` the reports folder of a default name), so a run is never
// lost to a typo in --out, and `checkOutputsDistinct` that no output replaces an input file or
// another output; a write that still fails (disk full, I/O error) removes its temporary file and
// says which path and why, in one line.
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { ERROR_CODES, errnoOf, isKbenchError, runError, shown, usageError } from '../errors.js';
import type { RunReport } from './schema.js';

export function defaultReportPath(report: RunReport, dir = 'reports'): string {
  const time = report.createdAt.replace(/[:.]/g, '-');
  const key = report.spec.key.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  const p = report.spec.growTo === null ? `p${report.spec.partitions}` : `p${report.spec.partitions}-${report.spec.growTo}`;
  // Two runs in the same millisecond must not share a name: a default name never replaces a file.
  const base = join(dir, `${time}-${key}-${p}`);
  let path = `${base}.json`;
  for (let n = 2; fs.existsSync(path) || fs.existsSync(`${path.slice(0, -5)}.html`); n++) path = `${base}-${n}.json`;
  return path;
}

const errno = errnoOf;

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

/** How a refused output is reported: one usage line (KBENCH_BAD_OUTPUT) naming what and where. */
type Refuse = (why: string, cause?: unknown) => never;

/**
 * The folder that must take a new entry for `dir`: `dir` itself when it exists, or (with `walkUp`,
 * for a folder created only when the report is written) its nearest existing ancestor. Refuses a
 * missing folder (without `walkUp`) and a path part that is not a folder. Creates nothing.
 */
function existingFolderFor(dir: string, walkUp: boolean, refuse: Refuse, name: (d: string) => string): string {
  for (;;) {
    let st: fs.Stats | null;
    try {
      st = fs.statSync(dir); // the folder may be a link to a folder
    } catch (e) {
      // ENOTDIR: a part of the path is a file; walking up finds it and says so.
      if (errno(e) !== 'ENOENT' && !(walkUp && errno(e) === 'ENOTDIR')) {
        refuse(errno(e) === 'ENOTDIR' ? `${name(dir)} is not a folder` : `${name(dir)}: ${errno(e)}`, e);
      }
      st = null;
    }
    if (st !== null) {
      if (!st.isDirectory()) refuse(`${name(dir)} is not a folder`);
      return dir;
    }
    if (!walkUp) refuse(`${name(dir)} does not exist; create it first`);
    if (dirname(dir) === dir) refuse('none of its folders exists');
    dir = dirname(dir);
  }
}

/** Proves `dir` accepts a new file by creating (and removing) a uniquely named one: permission bits
 * say nothing to root and nothing about a read-only file system. */
function probeFolder(dir: string, refuse: Refuse, name: string): void {
  const probe = join(dir, `.kbench-probe-${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number;
  try {
    fd = fs.openSync(probe, 'wx');
  } catch (e) {
    refuse(`${name} does not accept new files (${errno(e)})`, e);
  }
  fs.closeSync(fd);
  fs.unlinkSync(probe);
}

const refuser = (prefix: string): Refuse => (why, cause) => {
  throw usageError(`${prefix}: ${why}`, ERROR_CODES.badOutput, cause);
};

/**
 * Called before a run starts: throws a one-line usage error (KBENCH_BAD_OUTPUT) when `path` cannot
 * be written as `what` ("the --out report", "the HTML report"): it is a directory, a symbolic link, a
 * device, a FIFO or a socket (kbench replaces only regular files; `hint`, e.g. "use --out - to print
 * the report on stdout", is added for links and devices); its folder is missing (with `createDir`, its
 * nearest existing ancestor must take it instead) or is not a folder; or the folder does not accept a
 * new file (probed for real). Creates nothing. "-" means standard output and is always fine.
 */
export function checkOutputTarget(path: string, what: string, opts: { createDir?: boolean; hint?: string } = {}): void {
  if (path === '-') return;
  const refuse = refuser(`cannot write ${what} to ${shown(path)}`);
  if (path === '' || path.endsWith('/')) refuse('give a file name, not a folder');
  let st: fs.Stats | null = null;
  try {
    st = lstatOrNull(path);
  } catch (e) {
    refuse(errno(e) === 'ENOTDIR' ? 'a part of its folder path is a file, not a folder' : errno(e), e);
  }
  if (st && st.isDirectory()) refuse('it is a directory; give a file name');
  if (st && !st.isFile()) {
    const linkOrDevice = st.isSymbolicLink() || st.isCharacterDevice() || st.isBlockDevice();
    refuse(`it is ${kindOf(st)}; kbench writes only to regular files${linkOrDevice && opts.hint ? `; ${opts.hint}` : ''}`);
  }
  // The folder that must take the new file: the file's own, or (with createDir) its nearest existing
  // ancestor; a missing folder is created only when the report is written, so a run refused for
  // another reason leaves nothing behind.
  const dir = existingFolderFor(dirname(path), opts.createDir ?? false, refuse, (d) => `its folder ${shown(d)}`);
  probeFolder(dir, refuse, `its folder ${shown(dir)}`);
}

/**
 * Called before a run whose output gets a default name in `dir` (reports/<time>-….json, known only
 * once the run is done): throws a one-line usage error (KBENCH_BAD_OUTPUT) naming the folder, e.g.
 * `cannot write the report in "reports/": it is not a folder`, unless `dir` is a folder that
 * accepts a new file or is missing and its nearest existing ancestor is such a folder (it is created
 * when the report is written). Creates nothing.
 */
export function checkOutputFolder(dir: string, what: string): void {
  const refuse = refuser(`cannot write ${what} in ${shown(dir.endsWith('/') ? dir : `${dir}/`)}`);
  const existing = existingFolderFor(dir, true, refuse, (d) => (d === dir ? 'it' : shown(d)));
  probeFolder(existing, refuse, existing === dir ? 'it' : `it does not exist yet and ${shown(existing)}`);
}

/** A file a command reads or writes, named for messages: "the --out report", "the workload file". */
export interface NamedFile {
  /** As the user gave it; "-" is standard input (for an input). */
  path: string;
  what: string;
}

/**
 * What makes two paths the same file: device and inode for a file that exists (so a link, a hard
 * link or another spelling of the path all match), else the absolute path with its nearest existing
 * folder's real path. For "-" as an input, standard input when it is a regular file (`< r.json`).
 */
function fileIdentity(path: string, isInput: boolean): string | null {
  if (path === '-') {
    if (!isInput) return null;
    try {
      const st = fs.fstatSync(0);
      return st.isFile() ? `inode ${st.dev}:${st.ino}` : null;
    } catch {
      return null;
    }
  }
  try {
    const st = fs.statSync(path);
    return `inode ${st.dev}:${st.ino}`;
  } catch {
    // Not there (or not reachable): the path itself, with the real path of its nearest existing folder.
  }
  const abs = resolve(path);
  let dir = dirname(abs);
  const rest = [basename(abs)];
  for (;;) {
    try {
      return `path ${join(fs.realpathSync(dir), ...rest)}`;
    } catch {
      if (dirname(dir) === dir) return `path ${abs}`;
      rest.unshift(basename(dir));
      dir = dirname(dir);
    }
  }
}

/**
 * Called before a command reads or writes anything: throws a one-line usage error (KBENCH_BAD_OUTPUT)
 * when an output would replace one of the command's input files or another of its outputs, e.g.
 * `cannot write the HTML report to "same.json": it is also the --out report`. Existing files are
 * compared by device and inode, new ones by resolved absolute path. An output "-" (standard output)
 * is never a file here.
 */
export function checkOutputsDistinct(outputs: NamedFile[], inputs: NamedFile[]): void {
  const seen: { id: string; file: NamedFile }[] = [];
  for (const input of inputs) {
    const id = fileIdentity(input.path, true);
    if (id !== null) seen.push({ id, file: input });
  }
  for (const output of outputs) {
    const id = fileIdentity(output.path, false);
    if (id === null) continue;
    const same = seen.find((s) => s.id === id);
    if (same) {
      const other = same.file.path === output.path ? same.file.what
        : same.file.path === '-' ? `${same.file.what} (standard input)` : `${same.file.what} ${shown(same.file.path)}`;
      throw usageError(`cannot write ${output.what} to ${shown(output.path)}: it is also ${other}`, ERROR_CODES.badOutput);
    }
    seen.push({ id, file: output });
  }
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
