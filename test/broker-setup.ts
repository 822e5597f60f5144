// vitest global setup: find or start the real Kafka broker the integration tests run against.
// 1. KBENCH_TEST_BROKERS names one; 2. something already listens on 127.0.0.1:9092 (e.g. started by
// .ci/run or `npm run kafka:start`); 3. Java and Maven are here, so we start one and stop it after.
// Otherwise broker tests are skipped with a visible message, except under CI=true, where that is an error.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    brokers: string;
  }
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
  });
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

export default async function setup(project: TestProject) {
  let brokers = process.env.KBENCH_TEST_BROKERS ?? '';
  let startedHere = false;
  let reason = '';
  if (!brokers && (await portOpen(9092))) brokers = '127.0.0.1:9092';
  if (!brokers) {
    if (has('java') && has('mvn')) {
      const r = spawnSync('bash', [join(ROOT, 'scripts/kafka.sh'), 'start'], { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status === 0) {
        brokers = '127.0.0.1:9092';
        startedHere = true;
      } else reason = 'scripts/kafka.sh start failed';
    } else reason = 'Java and Maven are not both installed, so no local broker can be started';
  }
  if (!brokers && process.env.CI === 'true') throw new Error(`CI=true requires the broker tests to run, but there is no broker: ${reason}`);
  if (!brokers) process.stderr.write(`\n*** Kafka broker tests SKIPPED: ${reason}. Start one with npm run kafka:start. ***\n\n`);
  project.provide('brokers', brokers);
  return () => {
    if (startedHere) spawnSync('bash', [join(ROOT, 'scripts/kafka.sh'), 'stop'], { stdio: ['ignore', 'inherit', 'inherit'] });
  };
}
