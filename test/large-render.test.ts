// Large runs render what a reader can take in: at most ~30 partition rows and ~30 consumer rows
// (hottest and coldest, a "… N more" row, summary figures), consumer partition lists as ranges,
// and bar charts of at most 200 bars (each bin's largest value) however many partitions there are.
// Speed itself is measured by bench/large-render.ts, never here.
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../src/report/html.js';
import type { RunReport } from '../src/report/schema.js';
import { binBars, MAX_BARS } from '../src/report/svg.js';
import { partitionRanges, renderReport } from '../src/report/table.js';
import { simReport } from './helpers.js';

let small: RunReport;
beforeAll(async () => {
  small = await simReport('--key', 'user_id', '--partitions', '6', '--duration', '1s', '--rate', '200');
}, 60_000);

/** The small report with `partitions` partitions (partition 4242 the hottest) and `consumers` consumers. */
function large(partitions: number, consumers: number): RunReport {
  const r = structuredClone(small);
  const ph = r.phases[0];
  ph.perPartition = Array.from({ length: partitions }, (_, p) => (p === 4242 ? 10_000 : (p * 7919) % 97));
  ph.partitionMaxLag = Array.from({ length: partitions }, (_, p) => p % 5);
  const per = Math.ceil(partitions / consumers);
  ph.consumers = Array.from({ length: consumers }, (_, c) => {
    const ps = Array.from({ length: Math.max(0, Math.min(partitions, (c + 1) * per) - c * per) }, (_, i) => c * per + i);
    return { id: `consumer-${c + 1}`, partitions: ps, records: c === 7 ? 99_999 : 1000 + c, maxLag: 0, idle: ps.length === 0 };
  });
  return r;
}

const section = (text: string, heading: string) => {
  const start = text.indexOf(`\n${heading}`);
  const end = text.indexOf('\n\n', start + 2);
  return text.slice(start, end < 0 ? undefined : end);
};
const rows = (table: string) => table.split('\n').filter((l) => l.startsWith('│'));

describe('terminal tables of a large run', () => {
  it('show every partition and consumer of a small run', () => {
    const text = renderReport(small);
    expect(rows(section(text, 'Partitions ['))).toHaveLength(1 + 6);
    expect(text).not.toContain('more');
  });

  it('summarise 10,000 partitions in at most 30 rows, hottest first, with a "… more" row and summary figures', () => {
    const text = renderReport(large(10_000, 3));
    const part = section(text, 'Partitions [');
    const body = rows(part).slice(1);
    expect(body.length).toBeLessThanOrEqual(30);
    expect(body[0]).toMatch(/^│ 4242 +│ 10,000 /);
    expect(part).toMatch(/│ … 9,975 more +│ 0–96 /);
    expect(part).toMatch(/10,000 partitions, the 15 hottest and 10 coldest shown; records per partition: min 0, median \d+, mean [\d.]+, max 10,000/);
    const cons = section(text, 'Consumers [');
    expect(cons).toContain('│ consumer-1 │ 0-3333 ');
    expect(text.split('\n').length).toBeLessThan(200);
  });

  it('summarise 100,000 partitions and 1,000 consumers the same way', () => {
    const text = renderReport(large(100_000, 1000));
    expect(rows(section(text, 'Partitions [')).length).toBeLessThanOrEqual(31);
    const cons = section(text, 'Consumers [');
    const body = rows(cons).slice(1);
    expect(body.length).toBeLessThanOrEqual(30);
    expect(body[0]).toMatch(/^│ consumer-8 /);
    expect(cons).toMatch(/… 975 more/);
    expect(cons).toContain('1,000 consumers, the 15 busiest and 10 least busy shown');
    expect(text.split('\n').length).toBeLessThan(250);
  });

  it('lists a few partitions as before, many as ranges cut to about 60 characters', () => {
    expect(partitionRanges([0, 3, 6])).toBe('0,3,6');
    expect(partitionRanges(Array.from({ length: 500 }, (_, i) => i))).toBe('0-499');
    const scattered = partitionRanges(Array.from({ length: 500 }, (_, i) => i * 2));
    expect(scattered.length).toBeLessThanOrEqual(80);
    expect(scattered).toMatch(/^0,2,4,.*,… \(500 partitions\)$/);
  });
});

describe('HTML charts of a large run', () => {
  it('bin 10,000 partitions into at most 200 bars, keeping the hottest visible', () => {
    const html = renderHtml([large(10_000, 3)]);
    const chart = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(chart).toMatch(/Records per partition \[all\].* — each bar the largest of 50/);
    const bars = chart.match(/<rect [^>]*height="[\d.]+"[^>]*><title>/g) ?? [];
    expect(bars.length).toBeLessThanOrEqual(MAX_BARS);
    expect(chart).toContain('<title>records 4200–4249: 10000</title>');
  });

  it('binBars keeps short series as they are and takes the largest value per bin', () => {
    expect(binBars(['a', 'b'], [{ name: 's', values: [1, 2] }]).per).toBe(1);
    const b = binBars(Array.from({ length: 10 }, (_, i) => String(i)), [{ name: 's', values: [1, 9, 2, 3, 0, 0, 4, 0, 0, 7] }], 4);
    expect(b.per).toBe(3);
    expect(b.labels).toEqual(['0–2', '3–5', '6–8', '9']);
    expect(b.series[0].values).toEqual([9, 3, 4, 7]);
  });
});
