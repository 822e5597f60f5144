// The HTML report in a real headless Chromium (Debian's chromium, driven by playwright-core):
// the charts render, the page fetches nothing, and a screenshot is saved under reports/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kbench, tempDir } from './helpers.js';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
if (!CHROMIUM && process.env.CI === 'true') throw new Error('CI=true requires the browser test, but no chromium was found (apt-get install chromium)');
if (!CHROMIUM) process.stderr.write('\n*** HTML browser test SKIPPED: no chromium (apt-get install chromium, or set CHROMIUM_PATH) ***\n\n');

describe.skipIf(!CHROMIUM)('HTML report in headless Chromium', () => {
  let browser: Browser;
  const dir = tempDir();
  const growth = join(dir, 'growth.json');
  const plain = join(dir, 'plain.json');

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    expect((await kbench('--key', 'user_id', '--partitions', '3', '--grow-to', '12', '--metadata-refresh', '5s', '--consumer-rate', '3500', '--duration', '20s', '--out', growth)).code).toBe(0);
    expect((await kbench('--key', 'country', '--partitions', '12', '--duration', '20s', '--out', plain)).code).toBe(0);
  });
  afterAll(async () => { await browser?.close(); });

  async function open(file: string) {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    return { page, external };
  }

  it('renders every chart of a run with growth, offline', async () => {
    const html = join(dir, 'growth.html');
    expect((await kbench('report', growth, '--html', html)).code).toBe(0);
    const { page, external } = await open(html);
    expect(external).toEqual([]);
    const titles = await page.locator('svg.chart > title').allTextContents();
    expect(titles).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Records per partition \[before\]/), expect.stringMatching(/^Records per partition \[after\]/),
      'Records per consumer', 'End-to-end latency by percentile (from intended send time)', 'Produce latency by percentile',
      'Throughput (records/s)', 'Consumer lag (records not yet consumed)', 'Ordering violations per bucket', 'End-to-end latency over time (ms)',
    ]));
    // Before: 3 bars, after: 12 bars; every line chart drew a line.
    const bars = await page.locator('svg.chart').evaluateAll((svgs) => svgs.map((s) => s.querySelectorAll('rect[height]:not([height="0.0"])').length));
    expect(bars[0]).toBe(3);
    expect(bars[1]).toBe(12);
    const lines = await page.locator('svg.chart path').evaluateAll((ps) => ps.map((p) => (p as unknown as { getTotalLength(): number }).getTotalLength()));
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(lines.every((l) => l > 10)).toBe(true);
    const boxes = await page.locator('svg.chart').evaluateAll((svgs) => svgs.map((s) => s.getBoundingClientRect().width));
    expect(boxes.every((w) => w > 300)).toBe(true);
    expect(await page.locator('svg .marker-label').first().textContent()).toBe('growth → 12');
    expect(await page.locator('ul.advice li').count()).toBeGreaterThan(0);
    mkdirSync('reports', { recursive: true });
    await page.screenshot({ path: 'reports/html-report.png', fullPage: true });
    await page.close();
  });

  it('compare --html puts several runs on the same charts', async () => {
    const html = join(dir, 'compare.html');
    expect((await kbench('compare', plain, growth, '--html', html)).code).toBe(0);
    const { page, external } = await open(html);
    expect(external).toEqual([]);
    const titles = await page.locator('svg.chart > title').allTextContents();
    expect(titles.filter((t) => t.startsWith('Records per partition'))).toHaveLength(3); // all + before + after
    // One latency curve per phase per report: plain has 1 phase, growth has 2.
    const curves = await page.locator('svg.chart').nth(titles.indexOf('End-to-end latency by percentile (from intended send time)')).locator('path').count();
    expect(curves).toBe(3);
    await page.screenshot({ path: 'reports/html-compare.png', fullPage: true });
    await page.close();
  });
});
