// Report files given to `kbench report` / `kbench compare`: a document with the right schema string
// but a wrong field is one usage line naming the field, never a TypeError in a renderer. A few hundred
// seeded mutations of a real simulator report (a field deleted, or its type changed) must each either
// render everywhere (table, HTML, comparison, thresholds) or be refused with one KbenchError line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, KbenchError } from '../src/errors.js';
import { compareReports, loadReport, renderComparison } from '../src/report/compare.js';
import { renderHtml } from '../src/report/html.js';
import { compareWithPrediction, predictionOf } from '../src/report/prediction.js';
import type { RunReport } from '../src/report/schema.js';
import { renderReport } from '../src/report/table.js';
import { checkRules, parseFailOn, renderChecks } from '../src/report/thresholds.js';
import { refused, simReport, tempDir } from './helpers.js';

const dir = tempDir();
let base: RunReport;

beforeAll(async () => {
  // Two phases (growth), key movement, mixed partitioners; a prediction as a live report carries.
  base = await simReport('--key', 'user_id', '--partitions', '3', '--grow-to', '6', '--grow-at', '1s', '--producers', 'java:1,librdkafka:1', '--duration', '2s', '--rate', '500');
  base.prediction = predictionOf(base);
  base.prediction.comparison = compareWithPrediction(base);
  expect(base.mixedPartitioners).not.toBeNull();
  expect(base.keyMovement).not.toBeNull();
  expect(base.phases).toHaveLength(2);
}, 60_000);

const INF = '__kbench_infinity__';
let files = 0;
function save(doc: unknown): string {
  const path = join(dir, `r${files++}.json`);
  writeFileSync(path, JSON.stringify(doc).replaceAll(`"${INF}"`, '1e999'));
  return path;
}

/**
 * Everything `kbench report` and `kbench compare` do with a loaded report. Latency thresholds (a KS
 * test over two decoded histograms, the slow part) only when `latencyRules`.
 */
function renderAll(r: RunReport, path: string, latencyRules = true): void {
  renderReport(r);
  const entries = [{ path: 'base.json', report: base }, { path, report: r }];
  renderHtml(entries.map((e) => e.report));
  renderComparison(compareReports(entries));
  renderChecks(checkRules(parseFailOn('maxMeanRatio>+0.2,maxConsumerLag>1,skipped>0,violations>0'), [...entries].reverse()));
  if (latencyRules) {
    renderHtml([r]);
    renderComparison(compareReports([...entries].reverse()));
    renderChecks(checkRules(parseFailOn('p99>+10%,produce.p50>1,endToEnd.max>+5%'), entries));
  }
}

const refusal = (path: string) => refused(() => loadReport(path), ERROR_CODES.badInput);

describe('loadReport', () => {
  it('loads and renders the real report', () => {
    const path = save(base);
    renderAll(loadReport(path), path);
  });

  it('names the first bad field', () => {
    const cases: [(r: any) => void, string][] = [
      [(r) => { delete r.phases[0].latency.produce.p99; }, 'phases[0].latency.produce.p99 is missing'],
      [(r) => { r.phases[1].perPartition[2] = 'many'; }, 'phases[1].perPartition[2] must be a number (got a string)'],
      [(r) => { r.phases[0].perPartition[0] = -4; }, 'phases[0].perPartition[0] must be at least 0 (got -4)'],
      [(r) => { r.phases[0].skew.cv = INF; }, 'phases[0].skew.cv must be a finite number'],
      [(r) => { r.phases[0].consumers = { 0: {} }; }, 'phases[0].consumers must be an array (got an object)'],
      [(r) => { r.spec = []; }, 'spec must be an object (got an array)'],
      [(r) => { r.phases = []; }, 'phases must have at least 1 entry'],
      [(r) => { r.advice = [{ code: 'x', level: '"><script>', message: 'm' }]; }, 'advice[0].level must be one of info | warn | critical (got "\\"><script>")'],
      [(r) => { r.phases[0].histograms.endToEnd = 'HISTFAAAA'; }, 'phases[0].histograms.endToEnd is not an encoded HDR histogram'],
      [(r) => { r.timeline.bucketMs = 0; }, 'timeline.bucketMs must be above 0 (got 0)'],
      [(r) => { r.spec.growAtMs = null; }, 'spec.growAtMs must be a number when spec.growTo is set'],
      [(r) => { r.mixedPartitioners.examples[0].partitions = {}; }, 'mixedPartitioners.examples[0].partitions.java is missing'],
    ];
    for (const [mutate, problem] of cases) {
      const doc = structuredClone(base);
      mutate(doc);
      const path = save(doc);
      expect(refusal(path).message).toBe(`report ${JSON.stringify(path)}: ${problem}`);
    }
  });

  it('refuses files that are not reports, in one line', () => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"schema": "kbench.report/v1",\n');
    expect(refusal(notJson).message).toMatch(/is not JSON/);
    for (const doc of [null, [], 42, 'x', { schema: 'other/v9' }, { schema: ['kbench.report/v1'] }]) {
      expect(refusal(save(doc)).message).toMatch(/is not a kbench\.report\/v1 report/);
    }
    expect(refusal(save({ schema: 'kbench.report/v1' })).message).toMatch(/: createdAt is missing$/);
    expect(refusal(join(dir, 'missing.json')).message).toMatch(/ENOENT/);
  });

  it('renders or refuses in one line every one of 300 mutated reports', () => {
    // Every path of the report (long arrays contribute their first and last entries).
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]) => {
      if (path.length) paths.push(path);
      if (Array.isArray(v)) {
        const idx = v.length <= 4 ? v.keys() : [0, 1, v.length - 1].values();
        for (const i of idx) walk(v[i], [...path, i]);
      } else if (v && typeof v === 'object') {
        for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...path, k]);
      }
    };
    walk(base, []);
    expect(paths.length).toBeGreaterThan(300);

    let seed = 20261127;
    const rand = (n: number) => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
      return ((seed >>> 0) % 1_000_003) % n;
    };
    const replacements: unknown[] = [undefined, null, 'text', '', 7, -3, 0, 1.5, true, false, [], [1, 'x'], {}, { a: 1 }, INF, 'HISTFAAAA'];
    let accepted = 0;
    let refused = 0;
    const problems = new Set<string>();
    for (let n = 0; n < 300; n++) {
      const doc = structuredClone(base) as unknown as Record<string, unknown>;
      const path = paths[rand(paths.length)];
      let parent: any = doc;
      for (const k of path.slice(0, -1)) parent = parent[k];
      const last = path[path.length - 1];
      const value = replacements[rand(replacements.length)];
      if (value === undefined) {
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
      } else {
        parent[last] = value;
      }
      const file = save(doc);
      let report: RunReport;
      try {
        report = loadReport(file);
      } catch (e) {
        if (!(e instanceof KbenchError)) throw new Error(`mutation ${path.join('.')} = ${String(value)}: ${String(e)}`);
        const k = refusal(file);
        expect(k.message.startsWith(`report ${JSON.stringify(file)}`)).toBe(true);
        problems.add(k.message.slice(k.message.indexOf(': ') + 2));
        refused++;
        continue;
      }
      try {
        renderAll(report, file, n % 10 === 0);
      } catch (e) {
        throw new Error(`mutation ${path.join('.')} = ${JSON.stringify(value)} was accepted but rendering threw ${String(e)}`);
      }
      accepted++;
    }
    expect(accepted + refused).toBe(300);
    expect(refused).toBeGreaterThan(80);
    expect(accepted).toBeGreaterThan(20);
    expect(problems.size).toBeGreaterThan(50);
  }, 60_000);
});
