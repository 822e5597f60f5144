import { defineConfig } from 'vitest/config';

// Tests that talk to the broker (or measure rebalances, lag and latency on it) run one file at a
// time, after everything else, so nothing competes with them for the machine's two cores. The rest
// run first, two files at a time.
const BROKER_TESTS = ['test/kafka/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/drivers/**/*.test.ts', 'test/analyze.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', './test/plain-summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: BROKER_TESTS, sequence: { groupOrder: 0 }, fileParallelism: true, maxWorkers: 2 },
      },
      {
        extends: true,
        // Only the broker project finds or starts a broker: the unit tests need none, and a unit run must
        // never start one (it would hold the ports a broker started meanwhile wants).
        test: { name: 'broker', include: BROKER_TESTS, globalSetup: ['./test/broker-setup.ts'], sequence: { groupOrder: 1 }, fileParallelism: false },
      },
    ],
  },
});
