// Workload files: same fields as the flags, flags win, unknown fields are errors; the shipped examples
// each show the practice they are about.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kbench, simReport, tempDir } from './helpers.js';

describe('workload files', () => {
  it('YAML and JSON files set the run; flags override them', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'w.yaml'), 'key: country\npartitions: 6\nduration: 2s\nconsumer-rate: 4000\n');
    writeFileSync(join(dir, 'w.json'), JSON.stringify({ key: 'device_id', partitions: 4, duration: '1s', devices: 50 }));
    const y = await simReport('run', join(dir, 'w.yaml'));
    expect(y.spec).toMatchObject({ key: 'country', partitions: 6, durationMs: 2000, consumerRate: 4000 });
    const overridden = await simReport('run', join(dir, 'w.yaml'), '--partitions', '9');
    expect(overridden.spec.partitions).toBe(9);
    const j = await simReport('run', join(dir, 'w.json'));
    expect(j.spec).toMatchObject({ key: 'device_id', partitions: 4, devices: 50 });
  });

  it('a key file in a workload file is found next to it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'keys.txt'), 'a\nb\n');
    writeFileSync(join(dir, 'w.yaml'), 'key: file:keys.txt\nmessages: 10\nrate: 10\n');
    const r = await simReport('run', join(dir, 'w.yaml'));
    expect(r.keys.distinctKeys).toBe(2);
  });

  it.each([
    ['partitons: 3\n', /unknown field "partitons"; known fields are key, partitions/],
    ['key: [a, b]\n', /field "key" must be a single value/],
    ['- just\n- a list\n', /must be a map of fields/],
    ['key: "unclosed\n', /is not valid YAML/],
  ])('bad file %j: one line, exit 2', async (text, message) => {
    const path = join(tempDir(), 'bad.yaml');
    writeFileSync(path, text);
    const r = await kbench('run', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a missing workload file', async () => {
    const r = await kbench('run', '/no/such/workload.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kbench: cannot read workload file "\/no\/such\/workload\.yaml": ENOENT/);
  });
});

describe('shipped workloads', () => {
  const run = (name: string) => simReport('run', join('workloads', name), '--duration', '20s');
  const codes = (r: Awaited<ReturnType<typeof run>>) => r.advice.map((a) => a.code);

  it('ordering by user_id keeps per-key order', async () => {
    const r = await run('ordering-by-user-id.yaml');
    expect(r.phases[0].ordering.violations).toBe(0);
    expect(codes(r)).toContain('ordering-kept');
  });
  it('a country key makes a hot partition', async () => {
    const r = await run('country-hot-partition.yaml');
    expect(r.phases[0].skew.maxMeanRatio).toBeGreaterThan(3);
    expect(codes(r)).toEqual(expect.arrayContaining(['hot-key', 'hot-partition']));
  });
  it('null keys break per-user order', async () => {
    const r = await run('null-keys.yaml');
    expect(r.phases[0].ordering.violations).toBeGreaterThan(0);
    expect(codes(r)).toEqual(expect.arrayContaining(['null-keys', 'ordering-broken']));
  });
  it('mixed partitioners split keys', async () => {
    const r = await run('mixed-partitioners.yaml');
    expect(r.mixedPartitioners!.keysSplit).toBeGreaterThan(0);
    expect(codes(r)).toContain('mixed-partitioners');
  });
  it('growth from 3 to 12 moves about 75% of keys', async () => {
    const r = await run('growth-3-to-12.yaml');
    expect(Math.abs(r.keyMovement!.fractionKeysMoved - 0.75)).toBeLessThan(0.02);
    expect(codes(r)).toContain('growth-moves-keys');
  });
});
