// The plan's numbers are pinned: test/fixtures/plan-pinned.json holds the rows and recommendations
// that kbench plan printed for these cases before its speed-up (rows replay one key stream per key kind,
// reuse key bytes and hashes, record lean, skip the full report). Any change
// to a figure here is a change of results, not of speed: regenerate the fixture only when the
// simulator's model changes on purpose.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PlanResult } from '../src/planning/capacity-plan.js';
import { kbench } from './helpers.js';

interface PinnedCase {
  args: string[];
  rows: PlanResult['rows'];
  recommendations: PlanResult['recommendations'];
}

const pinned = JSON.parse(readFileSync(new URL('./fixtures/plan-pinned.json', import.meta.url), 'utf8')) as PinnedCase[];

describe('kbench plan: figures pinned from before the speed-up', () => {
  for (const c of pinned) {
    it(c.args.join(' '), async () => {
      const r = await kbench('plan', ...c.args, '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const result = JSON.parse(r.stdout) as PlanResult;
      expect(result.rows).toEqual(c.rows);
      expect(result.recommendations).toEqual(c.recommendations);
    });
  }
});
