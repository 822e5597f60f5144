// Output targets (--out, --html, the reports folder): refused before a run when they cannot be
// written, written atomically after it, and never a symlink, device or directory replaced; a write
// that fails part-way leaves no temporary file behind. Tests run as root, so "unwritable" means a
// place even root cannot create files in (/sys, a path under a regular file), not chmod bits.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, EXIT } from '../src/errors.js';
import type { RunReport } from '../src/report/schema.js';
import { checkOutputTarget, defaultReportPath, writeJsonAtomic, writeTextAtomic, type WriteFs } from '../src/report/write.js';
import { refused as thrown, tempDir } from './helpers.js';


const badOutput = (f: () => unknown) => {
  const e = thrown(f);
  expect(e.code).toBe(ERROR_CODES.badOutput);
  expect(e.exitCode).toBe(EXIT.usage);
  return e;
};
const writeFailed = (f: () => unknown) => {
  const e = thrown(f);
  expect(e.code).toBe(ERROR_CODES.writeFailed);
  expect(e.exitCode).toBe(EXIT.failed);
  return e;
};

describe('checkOutputTarget', () => {
  it('accepts a new file in an existing folder and an existing regular file, and leaves no probe behind', () => {
    const dir = tempDir();
    checkOutputTarget(join(dir, 'new.json'), 'report');
    writeFileSync(join(dir, 'old.json'), 'keep');
    checkOutputTarget(join(dir, 'old.json'), 'report');
    expect(readdirSync(dir)).toEqual(['old.json']);
    expect(readFileSync(join(dir, 'old.json'), 'utf8')).toBe('keep');
  });

  it('accepts "-" (standard output)', () => {
    expect(() => checkOutputTarget('-', 'report')).not.toThrow();
  });

  it('refuses a directory', () => {
    const dir = tempDir();
    expect(badOutput(() => checkOutputTarget(dir, 'report')).message).toMatch(/is a directory/);
  });

  it('refuses a missing folder for an explicit path; with createDir checks the nearest existing folder and creates nothing', () => {
    const dir = tempDir();
    const path = join(dir, 'no', 'such', 'r.json');
    expect(badOutput(() => checkOutputTarget(path, 'report')).message).toMatch(/does not exist/);
    expect(existsSync(join(dir, 'no'))).toBe(false);
    checkOutputTarget(path, 'report', { createDir: true });
    expect(readdirSync(dir)).toEqual([]);
    writeTextAtomic(path, 'x');
    expect(lstatSync(join(dir, 'no', 'such')).isDirectory()).toBe(true);
    expect(readdirSync(join(dir, 'no', 'such'))).toEqual(['r.json']);
  });

  it('refuses a symbolic link (to a file, or dangling) and leaves both link and target alone', () => {
    const dir = tempDir();
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'mine');
    const link = join(dir, 'r.json');
    symlinkSync(target, link);
    expect(badOutput(() => checkOutputTarget(link, 'report')).message).toMatch(/symbolic link/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('mine');
    const dangling = join(dir, 'd.json');
    symlinkSync(join(dir, 'nowhere'), dangling);
    badOutput(() => checkOutputTarget(dangling, 'report'));
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it('refuses devices, FIFOs and sockets', () => {
    expect(badOutput(() => checkOutputTarget('/dev/full', 'report')).message).toMatch(/device/);
    expect(badOutput(() => checkOutputTarget('/dev/null', 'HTML report')).message).toMatch(/HTML report.*device/);
    badOutput(() => checkOutputTarget('/dev/stdout', 'report')); // a link to /proc/self/fd/1
    const dir = tempDir();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(badOutput(() => checkOutputTarget(fifo, 'report')).message).toMatch(/FIFO/);
  });

  it('refuses a folder that does not accept new files (even for root)', () => {
    expect(badOutput(() => checkOutputTarget('/sys/kbench-report.json', 'report')).message).toMatch(/does not accept new files \(EACCES\)/);
    expect(badOutput(() => checkOutputTarget('/proc/kbench-report.json', 'report')).message).toMatch(/does not accept new files/);
  });

  it('refuses a path whose folder is a regular file', () => {
    const dir = tempDir();
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    expect(badOutput(() => checkOutputTarget(join(file, 'x.json'), 'report')).message).toMatch(/not a folder/);
    expect(badOutput(() => checkOutputTarget(join(file, 'x.json'), 'report', { createDir: true })).message).toMatch(/not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('keeps a newline in the path on one line', () => {
    const dir = tempDir();
    badOutput(() => checkOutputTarget(join(dir, 'a\nb', 'r.json'), 'report'));
  });
});

const tmpLeft = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('writeTextAtomic / writeJsonAtomic', () => {
  it('writes a new file and overwrites a regular file, leaving no temporary file', () => {
    const dir = tempDir();
    const path = join(dir, 'r.json');
    writeJsonAtomic(path, { a: 1 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ a: 1 });
    writeTextAtomic(path, 'second');
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('makes a folder that went missing during the run (not with createDir: false)', () => {
    const dir = tempDir();
    const path = join(dir, 'reports', 'r.json');
    expect(writeFailed(() => writeTextAtomic(path, 'x', { createDir: false })).message).toMatch(/ENOENT/);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
    writeTextAtomic(path, 'x');
    expect(readFileSync(path, 'utf8')).toBe('x');
  });

  it('never replaces a symbolic link (made after the check) and leaves its target untouched', () => {
    const dir = tempDir();
    const target = join(dir, 'precious.txt');
    writeFileSync(target, 'mine');
    const link = join(dir, 'r.json');
    symlinkSync(target, link);
    expect(writeFailed(() => writeTextAtomic(link, 'report')).message).toMatch(/symbolic link/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('mine');
    expect(tmpLeft(dir)).toEqual([]);
  });

  it('never replaces a directory', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'r.json'));
    writeFailed(() => writeTextAtomic(join(dir, 'r.json'), 'x'));
    expect(lstatSync(join(dir, 'r.json')).isDirectory()).toBe(true);
    expect(tmpLeft(dir)).toEqual([]);
  });

  // A device node of our own (same as /dev/full) in a temp folder: code that wrongly renames over it
  // replaces only this copy, never the machine's /dev/full.
  it('never replaces a device (a /dev/full node), and leaves no temporary file', () => {
    const dir = tempDir();
    const dev = join(dir, 'full');
    execFileSync('mknod', ['-m', '666', dev, 'c', '1', '7']);
    expect(writeFailed(() => writeTextAtomic(dev, 'x')).message).toMatch(/device/);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
    expect(readdirSync(dir)).toEqual(['full']);
  });

  it('a folder that refuses files is a one-line write error naming path and errno', () => {
    const e = writeFailed(() => writeTextAtomic('/sys/kbench-report.json', 'x'));
    expect(e.message).toContain('"/sys/kbench-report.json"');
    expect(e.message).toMatch(/EACCES/);
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    expect(writeFailed(() => writeTextAtomic(join(dir, 'file', 'x.json'), 'x')).message).toMatch(/ENOTDIR/);
  });

  const failing = (call: keyof WriteFs, code: string): Partial<WriteFs> => ({
    [call]: () => { throw Object.assign(new Error(`${code}: injected`), { code }); },
  });

  it.each([
    ['writeSync', 'ENOSPC'],
    ['writeSync', 'EIO'],
    ['fsyncSync', 'EIO'],
    ['closeSync', 'EIO'],
    ['renameSync', 'EXDEV'],
    ['renameSync', 'EACCES'],
  ] as const)('a failing %s (%s) removes the temporary file and keeps the old report', (call, code) => {
    const dir = tempDir();
    const path = join(dir, 'r.json');
    writeFileSync(path, 'old report');
    const e = writeFailed(() => writeTextAtomic(path, 'new report '.repeat(10_000), { fs: failing(call, code) }));
    expect(e.message).toContain(JSON.stringify(path));
    expect(e.message).toContain(code);
    expect(readdirSync(dir)).toEqual(['r.json']);
    expect(readFileSync(path, 'utf8')).toBe('old report');
  });

  it('a write that fails after a short write (disk fills up) leaves nothing behind', () => {
    const dir = tempDir();
    const path = join(dir, 'r.json');
    let calls = 0;
    const fs: Partial<WriteFs> = {
      writeSync: (_fd, _b, _o, length) => {
        if (++calls > 1) throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
        return Math.min(length, 100); // short write first, as a nearly full disk does
      },
    };
    expect(writeFailed(() => writeTextAtomic(path, 'x'.repeat(1000), { fs })).message).toMatch(/ENOSPC/);
    expect(calls).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('default report names', () => {
  it('never name an existing file: a second run in the same millisecond gets -2', async () => {
    const dir = tempDir();
    const report = { createdAt: '2026-11-27T12:00:00.000Z', spec: { key: 'country', partitions: 12, growTo: null } } as unknown as RunReport;
    const first = defaultReportPath(report, dir);
    expect(first).toBe(join(dir, '2026-11-27T12-00-00-000Z-country-p12.json'));
    writeFileSync(first, '{}');
    expect(defaultReportPath(report, dir)).toBe(join(dir, '2026-11-27T12-00-00-000Z-country-p12-2.json'));
  });
});
