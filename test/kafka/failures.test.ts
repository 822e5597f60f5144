// Bad addresses, unreachable and dying brokers, Ctrl-C: one clear line, a non-zero exit, no hang,
// and whatever the run had gathered still lands in its report.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kbench, tempDir } from '../helpers.js';
import { brokers, kbenchChild, ROOT, waitFor } from './helpers.js';

/** Records written so far to a topic (sum of its partitions' log-end offsets). */
async function recordsIn(bootstrap: string, topic: string): Promise<number> {
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
  try {
    await admin.connect();
    return (await admin.fetchTopicOffsets(topic)).reduce((s, o) => s + Number(o.high), 0);
  } catch {
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function runTopics(bootstrap: string): Promise<string[]> {
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
  try {
    await admin.connect();
    return (await admin.listTopics()).filter((t) => t.startsWith('kbench-user-id-'));
  } catch {
    return [];
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

describe('bad broker input', () => {
  it('a malformed address is a usage error', async () => {
    const r = await kbench('--brokers', 'no-port-here', '--duration', '1s');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kbench: --brokers: broker address "no-port-here" is not host:port/);
  });

  it('an unreachable broker: one line and exit 1 within the connect timeout, for runs and admin commands', async () => {
    for (const args of [['--duration', '5s'], ['topic', 'list']]) {
      const r = await kbenchChild([...args, '--brokers', '127.0.0.1:1', '--connect-timeout', '2s']);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^kbench: cannot reach Kafka at 127\.0\.0\.1:1/);
      expect(r.ms).toBeLessThan(10_000); // ~2 s of connect timeout plus start-up, and the process exits
    }
    // The process ends when its message is printed, not when kafkajs's retry timers run out.
    const quick = await kbenchChild(['topic', 'list', '--brokers', '127.0.0.1:1', '--connect-timeout', '1s']);
    expect(quick.code).toBe(1);
    expect(quick.ms).toBeLessThan(5_000);
  }, 30_000);
});

describe.skipIf(!brokers)('failures during a live run', () => {
  // Ctrl-C (SIGINT) and SIGTERM share one handler in src/cli/main.ts; this runs the one CI runners and orchestrators send.
  it('SIGTERM stops producing, drains briefly, writes the partial report, deletes the topic and group, exits non-zero; what the slow group had not read is unconsumed, not lost', async () => {
    const out = join(tempDir(), 'terminated.json');
    let topic = '';
    // One consumer that processes 200 records/s against 500/s offered: it is behind when the run stops.
    // The shared broker may hold other runs' topics: this run's is the one that was not there before.
    const before = new Set(await runTopics(brokers));
    const r = await kbenchChild(['--brokers', brokers, '--key', 'user_id', '--duration', '60s', '--rate', '500', '--consumers', '1', '--consumer-rate', '200', '--out', out], (child) => {
      void (async () => {
        await waitFor(async () => (topic = (await runTopics(brokers)).find((t) => !before.has(t)) ?? '') !== '', 30_000, 'the run to create its topic');
        await waitFor(async () => (await recordsIn(brokers, topic)) >= 500, 30_000, 'the run to produce 500 records');
        child.kill('SIGTERM');
      })();
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/kbench: the run failed: stopped by the user/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.delivery.acked).toBe(report.delivery.produced);
    expect(report.delivery.lost).toBe(0);
    expect(report.delivery.unconsumed).toBeGreaterThan(0);
    expect(report.delivery.consumed + report.delivery.unconsumed).toBe(report.delivery.acked);
    expect(report.advice.map((a: { code: string }) => a.code)).toContain('records-unconsumed');
    // The consumer kept to its budget: about 200 records a second.
    const c = report.phases[0].throughput;
    expect(c.consumedPerSec).toBeLessThan(260);
    expect(await runTopics(brokers)).not.toContain(topic);
    const groups = spawnSync('bash', [join(ROOT, 'scripts/kafka.sh'), 'tool', 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', brokers, '--list'], { encoding: 'utf8' }).stdout;
    expect(groups).not.toContain(String(report.model.parameters.groupId));
  }, 90_000);

  it('a broker that dies mid-run: the run stops, the partial report records the error, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kbench-dying-broker-'));
    const env = { ...process.env, KBENCH_KAFKA_DIR: dir, KBENCH_KAFKA_PORT: '19192', KBENCH_KAFKA_CONTROLLER_PORT: '19193' };
    const start = spawnSync('bash', [join(ROOT, 'scripts/kafka.sh'), 'start'], { env, encoding: 'utf8' });
    expect(start.status, start.stderr).toBe(0);
    const pid = Number(readFileSync(join(dir, 'broker.pid'), 'utf8'));
    const dying = '127.0.0.1:19192';
    const out = join(tempDir(), 'died.json');
    try {
      const r = await kbenchChild(['--brokers', dying, '--key', 'user_id', '--duration', '60s', '--rate', '500', '--out', out, '--drain-timeout', '3s', '--delivery-timeout', '5s'], () => {
        void (async () => {
          let topic = '';
          await waitFor(async () => (topic = (await runTopics(dying))[0] ?? '') !== '', 30_000, 'the run to create its topic');
          await waitFor(async () => (await recordsIn(dying, topic)) >= 500, 30_000, 'the run to produce 500 records');
          process.kill(pid, 'SIGKILL'); // no clean shutdown: the broker is simply gone
        })();
      });
      expect(r.code).toBe(1);
      expect(r.ms).toBeLessThan(60_000);
      expect(r.stderr).toMatch(/kbench: the run failed: /);
      expect(existsSync(out)).toBe(true);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expect(report.run.error).toBeTruthy();
      expect(report.delivery.acked).toBeGreaterThan(100);
      expect(report.advice[0].code).toBe('run-incomplete');
    } finally {
      spawnSync('bash', [join(ROOT, 'scripts/kafka.sh'), 'stop'], { env });
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.skipIf(!brokers)('a freshly formatted broker on a busy machine, restarted mid-run', () => {
  it('is ridden through: producers and consumers reconnect, nothing acked is lost, the gap shows', async () => {
    // A freshly formatted broker, on a machine kept busy while it starts and the run begins at once:
    // its coordinator loads and its partitions get leaders while kbench waits, never failing.
    const dir = mkdtempSync(join(tmpdir(), 'kbench-restart-broker-'));
    const env = { ...process.env, KBENCH_KAFKA_DIR: dir, KBENCH_KAFKA_PORT: '19292', KBENCH_KAFKA_CONTROLLER_PORT: '19293' };
    const kafkaSh = (cmd: string) => spawnSync('bash', [join(ROOT, 'scripts/kafka.sh'), cmd], { env, encoding: 'utf8' });
    const busy = [0, 1].map(() => spawn(process.execPath, ['-e', 'const end = Date.now() + 20000; while (Date.now() < end) {}'], { stdio: 'ignore' }));
    const started = kafkaSh('start');
    expect(started.status, started.stderr).toBe(0);
    const restarting = '127.0.0.1:19292';
    const out = join(tempDir(), 'restarted.json');
    let restartedAt = 0;
    try {
      const r = await kbenchChild(['--brokers', restarting, '--key', 'user_id', '--partitions', '3', '--duration', '20s', '--rate', '300', '--out', out, '--connect-timeout', '60s'], () => {
        void (async () => {
          await waitFor(async () => (await runTopics(restarting)).length > 0, 60_000, 'the run to create its topic');
          for (const b of busy) b.kill('SIGKILL'); // the start was the busy part
          let topic = '';
          await waitFor(async () => (topic = (await runTopics(restarting))[0] ?? '') !== '', 30_000, 'the run to create its topic');
          await waitFor(async () => (await recordsIn(restarting, topic)) >= 900, 30_000, 'the run to produce 900 records');
          restartedAt = Date.now();
          expect(kafkaSh('stop').status).toBe(0);
          expect(kafkaSh('start').status).toBe(0);
          restartedAt = Date.now() - restartedAt;
        })();
      });
      expect(r.stderr).not.toMatch(/this is a bug/);
      expect(r.code, r.stderr).toBe(0);
      expect(restartedAt).toBeGreaterThan(0);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      // acks=all and idempotent producers: every record acked once, on its partition, none lost.
      expect(report.delivery).toMatchObject({ produced: 6000, acked: 6000, lost: 0, skipped: 0, misplaced: 0 });
      expect(report.delivery.consumed).toBe(6000);
      // The broker's logs hold each record once: no retry wrote a batch twice.
      const logs = report.model.parameters.finalOffsets as { logEndOffset: number }[];
      expect(logs.reduce((s, l) => s + l.logEndOffset, 0)).toBe(6000);
      // The outage is in the time series (seconds without an ack) and in the advice.
      const acked = report.timeline.acked as number[];
      const firstAck = acked.findIndex((n) => n > 0);
      expect(acked.slice(firstAck).some((n, i) => n === 0 && acked.slice(firstAck + i).some((m) => m > 0))).toBe(true);
      expect(report.advice.map((a: { code: string }) => a.code)).toContain('acks-stalled');
    } finally {
      for (const b of busy) b.kill('SIGKILL');
      kafkaSh('stop');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});

