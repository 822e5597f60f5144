// Outputs against inputs and against each other, and the default reports folder: an output never
// replaces a file the command reads (workload file, key file, report) nor another output; every
// target, default names included, is checked before the run, and a refusal names what the user
// knows (reports/, never an internal probe file). Tests run as root: "unwritable" is /sys.
import { spawnSync } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, EXIT, type ErrorCode } from '../src/errors.js';
import { loadReport } from '../src/report/compare.js';
import { checkOutputFolder, checkOutputsDistinct, checkOutputTarget } from '../src/report/write.js';
import { kbench, refused as refusedCode, tempDir, type CliOutcome } from './helpers.js';

const refused = (f: () => unknown, code: ErrorCode = ERROR_CODES.badOutput) => refusedCode(f, code);


/** A CLI refusal before anything ran: exit 2, nothing on stdout, exactly this one stderr line. */
function refusedWith(r: CliOutcome, line: string): void {
  expect(r.stderr).toBe(`kbench: ${line}\n`);
  expect(r.code).toBe(EXIT.usage);
  expect(r.stdout).toBe('');
}

/** The CLI as a real process (through tsx), with the given standard input. */
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
function kbenchProcess(argv: string[], cwd: string, stdin: number): CliOutcome {
  const r = spawnSync(process.execPath, ['--import', TSX, MAIN, ...argv], { cwd, stdio: [stdin, 'pipe', 'pipe'], encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const quick = ['--duration', '1s', '--rate', '100', '--quiet'];

// Commands that use a default name (reports/…) or a relative path run in their own folder.
const cwd = process.cwd();
afterEach(() => process.chdir(cwd));
function inTempDir(): string {
  const dir = tempDir();
  process.chdir(dir);
  return dir;
}

let reportText: string;
beforeAll(async () => {
  const out = join(tempDir(), 'r.json');
  const r = await kbench(...quick, '--out', out);
  expect(r.code).toBe(0);
  reportText = readFileSync(out, 'utf8');
});

describe('checkOutputsDistinct', () => {
  it('refuses an output that is an input or an earlier output, naming both', () => {
    const dir = tempDir();
    const keys = join(dir, 'keys.txt');
    writeFileSync(keys, 'a\n');
    const out = join(dir, 'r.json');
    expect(refused(() => checkOutputsDistinct([{ path: keys, what: 'the HTML report' }], [{ path: keys, what: 'the key file' }])).message)
      .toBe(`cannot write the HTML report to ${JSON.stringify(keys)}: it is also the key file`);
    expect(refused(() => checkOutputsDistinct([{ path: out, what: 'the --out report' }, { path: out, what: 'the HTML report' }], [])).message)
      .toBe(`cannot write the HTML report to ${JSON.stringify(out)}: it is also the --out report`);
  });

  it('matches another spelling of a file that exists: relative, through a linked folder, a symbolic link, a hard link', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    const w = join(dir, 'sub', 'w.yaml');
    writeFileSync(w, 'key: country\n');
    symlinkSync(join(dir, 'sub'), join(dir, 'via'));
    symlinkSync(w, join(dir, 'link.yaml'));
    linkSync(w, join(dir, 'hard.yaml'));
    process.chdir(dir);
    const input = [{ path: 'sub/w.yaml', what: 'the workload file' }];
    for (const out of ['./sub/w.yaml', join(dir, 'sub', '..', 'sub', 'w.yaml'), 'via/w.yaml', 'hard.yaml']) {
      expect(refused(() => checkOutputsDistinct([{ path: out, what: 'the --out report' }], input)).message)
        .toBe(`cannot write the --out report to ${JSON.stringify(out)}: it is also the workload file "sub/w.yaml"`);
    }
    // The input given as a link to the output file.
    refused(() => checkOutputsDistinct([{ path: 'sub/w.yaml', what: 'the --out report' }], [{ path: 'link.yaml', what: 'the workload file' }]));
  });

  it('matches two spellings of a file that does not exist yet', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'sub'), join(dir, 'via'));
    process.chdir(dir);
    for (const [a, b] of [['new.json', './new.json'], ['sub/new.json', 'via/new.json'], ['sub/new.json', join(dir, 'sub', 'new.json')], ['no/such/x.json', './no/such/x.json']]) {
      refused(() => checkOutputsDistinct([{ path: a, what: 'the --out report' }, { path: b, what: 'the HTML report' }], []));
    }
    expect(readdirSync(dir).sort()).toEqual(['sub', 'via']);
    expect(readdirSync(join(dir, 'sub'))).toEqual([]);
  });

  it('accepts different files, and standard output (-) is never a file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.json'), 'a');
    writeFileSync(join(dir, 'b.json'), 'a'); // same content, another file
    expect(() => checkOutputsDistinct(
      [{ path: join(dir, 'b.json'), what: 'the --out report' }, { path: join(dir, 'b.html'), what: 'the HTML report' }, { path: '-', what: 'stdout' }],
      [{ path: join(dir, 'a.json'), what: 'the input report' }],
    )).not.toThrow();
  });
});

describe('checkOutputFolder', () => {
  it('accepts an existing folder, or a missing one whose nearest existing folder takes files, and creates nothing', () => {
    const dir = tempDir();
    checkOutputFolder(dir, 'the report');
    checkOutputFolder(join(dir, 'reports'), 'the report');
    checkOutputFolder(join(dir, 'a', 'b', 'reports'), 'the report');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names the folder, never a probe file: the folder is a file', () => {
    inTempDir();
    writeFileSync('reports', 'mine');
    const e = refused(() => checkOutputFolder('reports', 'the report'));
    expect(e.message).toBe('cannot write the report in "reports/": it is not a folder');
    expect(readFileSync('reports', 'utf8')).toBe('mine');
  });

  it('names the folder and the part that is a file or refuses files', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    expect(refused(() => checkOutputFolder(join(dir, 'file', 'reports'), 'the report')).message)
      .toBe(`cannot write the report in ${JSON.stringify(join(dir, 'file', 'reports') + '/')}: ${JSON.stringify(join(dir, 'file'))} is not a folder`);
    expect(refused(() => checkOutputFolder('/sys/kbench-reports', 'the HTML report')).message)
      .toBe('cannot write the HTML report in "/sys/kbench-reports/": it does not exist yet and "/sys" does not accept new files (EACCES)');
    expect(refused(() => checkOutputFolder('/sys', 'the report')).message).toBe('cannot write the report in "/sys/": it does not accept new files (EACCES)');
  });
});

describe('checkOutputTarget hint', () => {
  it('adds the hint for symbolic links and devices only', () => {
    const hint = 'use --out - to print the report on stdout';
    expect(refused(() => checkOutputTarget('/dev/stdout', 'the --out report', { hint })).message).toMatch(/symbolic link; .*; use --out - to print the report on stdout$/);
    expect(refused(() => checkOutputTarget('/dev/null', 'the --out report', { hint })).message).toMatch(/device; .*; use --out - to print the report on stdout$/);
    expect(refused(() => checkOutputTarget(tempDir(), 'the --out report', { hint })).message).not.toContain(hint);
  });
});

describe('kbench run: outputs against inputs', () => {
  it('--out and --html naming the same file is refused before the run', async () => {
    const dir = inTempDir();
    refusedWith(await kbench(...quick, '--out', 'same.json', '--html', 'same.json'), 'cannot write the HTML report to "same.json": it is also the --out report');
    refusedWith(await kbench(...quick, '--out', 'same.json', '--html', './same.json'), 'cannot write the HTML report to "./same.json": it is also the --out report "same.json"');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never writes over the workload file', async () => {
    const dir = inTempDir();
    const workload = 'key: country\nduration: 1s\nrate: 100\n';
    writeFileSync('ok2.yaml', workload);
    refusedWith(await kbench('run', 'ok2.yaml', '--quiet', '--out', 'ok2.yaml'), 'cannot write the --out report to "ok2.yaml": it is also the workload file');
    refusedWith(await kbench('run', 'ok2.yaml', '--quiet', '--out', 'x.json', '--html', join(dir, 'ok2.yaml')),
      `cannot write the HTML report to ${JSON.stringify(join(dir, 'ok2.yaml'))}: it is also the workload file "ok2.yaml"`);
    // --html with no file puts it next to --out: that is the workload file too.
    writeFileSync('w.html', workload);
    refusedWith(await kbench('run', 'w.html', '--quiet', '--out', 'w.json', '--html'), 'cannot write the HTML report to "w.html": it is also the workload file');
    expect(readFileSync('ok2.yaml', 'utf8')).toBe(workload);
    expect(readFileSync('w.html', 'utf8')).toBe(workload);
    expect(readdirSync(dir).sort()).toEqual(['ok2.yaml', 'w.html']);
  });

  it('never writes over the key file, from a flag or from a workload file', async () => {
    const dir = inTempDir();
    writeFileSync('k2.txt', 'a\nb\n');
    refusedWith(await kbench('--key', 'file:k2.txt', ...quick, '--html', 'k2.txt'), 'cannot write the HTML report to "k2.txt": it is also the key file');
    mkdirSync('d');
    writeFileSync('d/k3.txt', 'c\n');
    writeFileSync('d/w.yaml', 'key: file:k3.txt\nduration: 1s\nrate: 100\n');
    refusedWith(await kbench('run', 'd/w.yaml', '--quiet', '--out', 'd/k3.txt'), 'cannot write the --out report to "d/k3.txt": it is also the key file');
    expect(readFileSync('k2.txt', 'utf8')).toBe('a\nb\n');
    expect(readFileSync('d/k3.txt', 'utf8')).toBe('c\n');
    expect(readdirSync(dir).sort()).toEqual(['d', 'k2.txt']);
  });

  it('a run whose outputs are distinct still writes both', async () => {
    const dir = inTempDir();
    writeFileSync('k2.txt', 'a\nb\n');
    const r = await kbench('--key', 'file:k2.txt', ...quick, '--out', 'r.json', '--html');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['k2.txt', 'r.html', 'r.json']);
  });
});

describe('kbench run: the default reports folder and --out -', () => {
  it('--out - with --html (no file) checks reports/ before the run', async () => {
    const dir = inTempDir();
    writeFileSync('reports', 'mine');
    refusedWith(await kbench(...quick, '--out', '-', '--html'), 'cannot write the HTML report in "reports/": it is not a folder');
    expect(readdirSync(dir)).toEqual(['reports']);
    expect(readFileSync('reports', 'utf8')).toBe('mine');
  });

  it('--out - with --html (no file) prints the JSON and writes only the HTML, in reports/', async () => {
    inTempDir();
    const r = await kbench(...quick, '--out', '-', '--html');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const html = /^HTML report written to (reports\/.*\.html)\n$/.exec(r.stderr)![1];
    expect(readdirSync('reports')).toEqual([html.slice('reports/'.length)]);
    expect(readFileSync(html, 'utf8')).toContain(report.createdAt);
  });

  it('the default JSON and HTML go to reports/, side by side', async () => {
    inTempDir();
    const r = await kbench(...quick, '--html');
    expect(r.code).toBe(0);
    const [, json, html] = /^Report written to (reports\/.*)\.json\nHTML report written to (reports\/.*)\.html\n$/.exec(r.stderr)!;
    expect(html).toBe(json);
    expect(readdirSync('reports').sort()).toEqual([`${json.slice(8)}.html`, `${json.slice(8)}.json`]);
  });

  it('an unusable reports/ is named as the folder, not as an internal file', async () => {
    const dir = inTempDir();
    writeFileSync('reports', 'mine');
    refusedWith(await kbench(...quick), 'cannot write the report in "reports/": it is not a folder');
    expect(readdirSync(dir)).toEqual(['reports']);
  });

  it('--out /dev/stdout and /dev/null are refused with a hint to use --out -', async () => {
    for (const [out, kind] of [['/dev/stdout', 'a symbolic link'], ['/dev/null', 'a device']]) {
      refusedWith(await kbench(...quick, '--out', out),
        `cannot write the --out report to ${JSON.stringify(out)}: it is ${kind}; kbench writes only to regular files; use --out - to print the report on stdout`);
    }
    // --html has no standard output: no such hint.
    refusedWith(await kbench(...quick, '--out', '-', '--html', '/dev/null'), 'cannot write the HTML report to "/dev/null": it is a device; kbench writes only to regular files');
  });

  it('--html - is refused instead of writing a file named "-"', async () => {
    const dir = inTempDir();
    refusedWith(await kbench(...quick, '--html', '-'), 'the HTML report cannot go to standard output; give --html <file>');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('kbench report and compare: outputs against the reports read', () => {
  it('report: --html naming the report itself is refused and the report kept', async () => {
    const dir = inTempDir();
    writeFileSync('keep.json', reportText);
    refusedWith(await kbench('report', 'keep.json', '--html', 'keep.json'), 'cannot write the HTML report to "keep.json": it is also the input report');
    refusedWith(await kbench('report', 'keep.json', '--html', join(dir, 'keep.json')),
      `cannot write the HTML report to ${JSON.stringify(join(dir, 'keep.json'))}: it is also the input report "keep.json"`);
    expect(readFileSync('keep.json', 'utf8')).toBe(reportText);
    // --html without a file still goes next to it.
    const r = await kbench('report', 'keep.json', '--html');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['keep.html', 'keep.json']);
  });

  // Standard input is read only by a real process: in-process, a refusal that came too late would
  // block on the test runner's own stdin.
  it('report from standard input: --html needs a file name (no "-.html" written)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.json'), reportText);
    const stdin = openSync(join(dir, 'r.json'), 'r');
    try {
      refusedWith(kbenchProcess(['report', '-', '--html'], dir, stdin),
        'the report comes from standard input, so there is no file to put the HTML report next to; give --html <file>');
    } finally {
      closeSync(stdin);
    }
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('report from standard input redirected from a file: --html naming that file is refused', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.json'), reportText);
    const stdin = openSync(join(dir, 'r.json'), 'r');
    try {
      refusedWith(kbenchProcess(['report', '-', '--html', 'r.json'], dir, stdin), 'cannot write the HTML report to "r.json": it is also the input report (standard input)');
    } finally {
      closeSync(stdin);
    }
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toBe(reportText);
  });

  it('report: --html - is refused instead of writing a file named "-"', async () => {
    const dir = inTempDir();
    writeFileSync('r.json', reportText);
    refusedWith(await kbench('report', 'r.json', '--html', '-'), 'the HTML report cannot go to standard output; give --html <file>');
    expect(readdirSync(dir)).toEqual(['r.json']);
  });

  it('compare: --html naming one of the reports is refused and the reports kept', async () => {
    const dir = inTempDir();
    writeFileSync('r1.json', reportText);
    writeFileSync('r2.json', reportText);
    refusedWith(await kbench('compare', 'r1.json', 'r2.json', '--html', 'r2.json'), 'cannot write the HTML comparison to "r2.json": it is also report 2 of the comparison');
    refusedWith(await kbench('compare', 'r1.json', 'r2.json', '--html', '-'), 'the HTML comparison cannot go to standard output; give --html <file>');
    expect(readFileSync('r1.json', 'utf8')).toBe(reportText);
    expect(readFileSync('r2.json', 'utf8')).toBe(reportText);
    expect(readdirSync(dir).sort()).toEqual(['r1.json', 'r2.json']);
  });

  it('compare: the default HTML folder is named when unusable', async () => {
    const dir = inTempDir();
    writeFileSync('r1.json', reportText);
    writeFileSync('r2.json', reportText);
    writeFileSync('reports', 'mine');
    refusedWith(await kbench('compare', 'r1.json', 'r2.json', '--html'), 'cannot write the HTML comparison in "reports/": it is not a folder');
    expect(readdirSync(dir).sort()).toEqual(['r1.json', 'r2.json', 'reports']);
  });
});

describe('loadReport: what the file has instead of the schema, shown once', () => {
  const load = (doc: string) => {
    const path = join(tempDir(), 'x.json');
    writeFileSync(path, doc);
    return refused(() => loadReport(path), ERROR_CODES.badInput).message.slice(`report ${JSON.stringify(path)} is not a kbench.report/v1 report `.length);
  };

  it('names a wrong schema, a missing one, one that is not a string, and a document that is not an object', () => {
    expect(load('{"schema": "kbench.report/v2"}')).toBe('(its schema is "kbench.report/v2")');
    expect(load('{"createdAt": "x"}')).toBe('(it has no schema field)');
    expect(load('{"schema": null}')).toBe('(its schema is null, not a string)');
    expect(load('{"schema": ["kbench.report/v1"]}')).toBe('(its schema is ["kbench.report/v1"], not a string)');
    expect(load('[1]')).toBe('(it is an array, not an object)');
    expect(load('null')).toBe('(it is null, not an object)');
    expect(load('"kbench.report/v1"')).toBe('(it is a string, not an object)');
    expect(load('{"schema": "a\\nb"}')).toBe('(its schema is "a\\nb")');
  });
});
