// How a run that stopped early ends: its report is already out; the exit code says why it stopped.
import { describe, expect, it } from 'vitest';
import { EXIT, runError, usageError } from '../../errors.js';
import { runExitCode } from './run.js';

const io = () => {
  const err: string[] = [];
  return { err, io: { stdout: () => undefined, stderr: (t: string) => void err.push(t), env: {}, stderrIsTTY: false, stopRequested: () => false } };
};

describe('runExitCode', () => {
  it('a bug (a TypeError from the engine) is rethrown for the CLI\'s "this is a bug" path, not turned into exit 1', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'partition')");
    expect(() => runExitCode(bug, bug.message, null, io().io)).toThrow(bug);
  });
  it('a usage error found mid-run keeps exit 2; a run error exit 1', () => {
    const a = io();
    expect(runExitCode(usageError('--partition 9 does not exist'), 'x', null, a.io)).toBe(EXIT.usage);
    expect(a.err.join('')).toBe('kbench: the run failed: --partition 9 does not exist\n');
    expect(runExitCode(runError('broker gone'), 'x', null, io().io)).toBe(EXIT.failed);
  });
  it('stopped by the user is exit 1 with its line; a failed report write is its own exit code', () => {
    const a = io();
    expect(runExitCode(null, 'stopped by the user after 4096 records', null, a.io)).toBe(EXIT.failed);
    expect(a.err).toEqual(['kbench: the run failed: stopped by the user after 4096 records\n']);
    expect(runExitCode(null, null, runError('cannot write'), io().io)).toBe(EXIT.failed);
    expect(runExitCode(null, null, null, io().io)).toBe(EXIT.ok);
  });
});
