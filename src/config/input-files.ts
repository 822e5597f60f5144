// Reading the files a user names (workload files, key files, reports) with a stated size limit, so
// `kbench run /dev/zero` is one error line instead of a process that grows until it dies.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ERROR_CODES, errnoOf, shown, usageError } from '../errors.js';

const MiB = 1024 * 1024;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** The largest input of each kind kbench reads (stated in the README). */
export const INPUT_LIMITS = {
  workloadFile: 1 * MiB,
  propertiesFile: 64 * 1024,
  /** TLS trust and key stores (PEM or PKCS12). */
  certificateStore: 1 * MiB,
  keysFile: 256 * MiB,
  reportFile: 512 * MiB,
} as const;

export function formatBytes(n: number): string {
  return n >= MiB && n % MiB === 0 ? `${n / MiB} MiB` : n >= 1024 && n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`;
}

/**
 * The whole file as UTF-8, or a usage error naming `what` and the path: missing, not a file, larger
 * than `maxBytes`. Reads in chunks and stops past the limit, so character devices and FIFOs (which
 * report no size) are bounded too. `path` "-" reads standard input (fd 0).
 */
export function readInputText(path: string, what: string, maxBytes: number): string {
  return readInputBytes(path, what, maxBytes).toString('utf8');
}

/** The whole file as bytes, with readInputText's limits and messages (certificate stores). */
export function readInputBytes(path: string, what: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = path === '-' ? 0 : openSync(path, 'r');
  } catch (e) {
    throw usageError(`cannot read ${what} ${shown(path)}: ${errnoOf(e)}`, ERROR_CODES.badInput, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw usageError(`${what} ${shown(path)} is a directory; give a file`, ERROR_CODES.badInput);
    if (st.isFile() && st.size > maxBytes) throw tooLarge(what, path, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        const code = errnoOf(e);
        if (code === 'EAGAIN') {
          Atomics.wait(PAUSE, 0, 0, 10); // a non-blocking stdin: wait for more instead of spinning
          continue;
        }
        if (code === 'EOF') break;
        throw usageError(`cannot read ${what} ${shown(path)}: ${code}`, ERROR_CODES.badInput, e);
      }
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge(what, path, maxBytes);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

function tooLarge(what: string, path: string, maxBytes: number) {
  return usageError(`${what} ${shown(path)} is larger than the ${formatBytes(maxBytes)} kbench reads`, ERROR_CODES.badInput);
}
