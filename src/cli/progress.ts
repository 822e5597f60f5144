// The live progress line on stderr: only on a terminal, only for runs that last, never with --json
// or --quiet. It only listens to the runner's progress events; presentation, no logic to test.
import type { RunProgress } from '../runner/run-workload.js';
import type { CliIo } from './io.js';

export interface ProgressLine {
  update(p: RunProgress): void;
  done(): void;
}

const NONE: ProgressLine = { update: () => undefined, done: () => undefined };

export function createProgressLine(io: CliIo, enabled: boolean): ProgressLine {
  if (!enabled || !io.stderrIsTTY) return NONE;
  const started = Date.now();
  let last: { atUs: number; sent: number; wall: number } | null = null;
  let shown = false;
  return {
    update(p) {
      const wall = Date.now();
      if (wall - started < 2000) {
        last = { atUs: p.atUs, sent: p.sent, wall };
        return; // short runs finish before a progress line would help
      }
      const rate = last && p.atUs > last.atUs ? ((p.sent - last.sent) / (p.atUs - last.atUs)) * 1e6 : 0;
      last = { atUs: p.atUs, sent: p.sent, wall };
      const pct = p.total > 0 ? p.sent / p.total : p.atUs / p.durationUs;
      const width = 20;
      const filled = Math.max(0, Math.min(width, Math.round(pct * width)));
      const line = `${'█'.repeat(filled)}${'·'.repeat(width - filled)} ${(p.atUs / 1e6).toFixed(1)}s/${(p.durationUs / 1e6).toFixed(0)}s` +
        `  ${Math.round(rate).toLocaleString('en-US')} rec/s  acked ${p.acked.toLocaleString('en-US')}` +
        `  lag ${Math.max(0, p.acked - p.consumed).toLocaleString('en-US')}  violations ${p.violations.toLocaleString('en-US')}`;
      io.stderr(`\r\x1b[2K${line}`);
      shown = true;
    },
    done() {
      if (shown) io.stderr('\r\x1b[2K');
    },
  };
}
