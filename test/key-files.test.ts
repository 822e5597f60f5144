// Key files (--key file:<path>, kbench analyze) are read with the 256 MiB keys-file limit: a device
// that never ends or an oversized file is one error line, not a process that grows until it dies.
import { closeSync, ftruncateSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INPUT_LIMITS } from '../src/config/input-files.js';
import { readKeyLines } from '../src/workload/key-sources.js';
import { ERROR_CODES } from '../src/errors.js';
import { refused as refusedCode, tempDir } from './helpers.js';

const refused = (path: string) => refusedCode(() => readKeyLines(path, 'keys file'), ERROR_CODES.badInput);

describe('readKeyLines', () => {
  it('reads one key per line', () => {
    const path = join(tempDir(), 'keys.txt');
    writeFileSync(path, 'a\r\nb\nc\n');
    expect(readKeyLines(path, 'keys file')).toEqual(['a', 'b', 'c']);
  });

  it('refuses an oversized (sparse) regular file from its size, before reading it', () => {
    const path = join(tempDir(), 'huge.txt');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, INPUT_LIMITS.keysFile + 1);
    closeSync(fd);
    expect(refused(path).message).toMatch(/keys file ".*huge\.txt" is larger than the 256 MiB kbench reads/);
  });

  it('refuses /dev/zero (no size, never ends) once past the limit', () => {
    expect(refused('/dev/zero').message).toMatch(/keys file "\/dev\/zero" is larger than the 256 MiB/);
  });

  it('refuses a missing file, a directory and an empty file with the input code', () => {
    const dir = tempDir();
    expect(refused(join(dir, 'missing')).message).toMatch(/ENOENT/);
    expect(refused(dir).message).toMatch(/directory/);
    writeFileSync(join(dir, 'empty'), '');
    expect(refused(join(dir, 'empty')).message).toMatch(/has no keys/);
  });
});
