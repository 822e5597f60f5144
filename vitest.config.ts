import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/broker-setup.ts'],
    reporters: ['default', './test/plain-summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Broker tests share one broker: run files one at a time so timing-sensitive measurements
    // (rebalances, lag) do not compete for the machine's two cores.
    fileParallelism: false,
  },
});
