// Bad addresses, unreachable and dying brokers, Ctrl-C: one clear line, a non-zero exit, no hang,
// and whatever the run had gathered still lands in its report.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { kbench, tempDir } from '../helpers.js';
import { brokers, kbenchChild, LIVE_DRIVERS, onDriver, ROOT, waitFor } from './helpers.js';

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

/** A second broker of this file's own (scripts/kafka.sh with its own directory and ports), one per
 * driver: each driver's restart test starts its own freshly formatted and leaves it running; that
 * driver's dying-broker test then kills it, so each driver pays for one broker start-up, not two.
 * Whatever is left is killed when the file ends. */
interface ExtraBroker { dir: string; env: NodeJS.ProcessEnv; address: string }

/** Every extra broker not yet dropped, whichever driver's tests started it; and the port bases handed
 * out, so that two drivers' brokers, started side by side, never pick the same ports. */
const extras = new Set<ExtraBroker>();
const takenPorts = new Set<number>();

/** Five free consecutive ports (the broker's listeners, scripts/kafka.sh: port, controller, + 2, + 3, + 4),
 * so that this file does not collide with another run of it on the same machine, nor with itself. */
async function freePorts(): Promise<number> {
  const free = (port: number) => new Promise<boolean>((resolve) => {
    const s = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  for (;;) {
    const base = 20_000 + 10 * Math.floor(Math.random() * 1200); // below the ephemeral range (32768+)
    let ok = true;
    if (takenPorts.has(base)) continue;
    takenPorts.add(base);
    for (let p = base; p < base + 5 && ok; p++) ok = await free(p);
    if (ok) return base;
  }
}
/** scripts/kafka.sh, without blocking: the drivers' tests run side by side in this process, and a
 * broker start or restart takes seconds that the other driver's tests must not wait through. */
function kafkaShell(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', [join(ROOT, 'scripts/kafka.sh'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}
const kafkaShIn = (b: ExtraBroker, cmd: string) => kafkaShell([cmd], b.env);
const extraPid = (b: ExtraBroker) => Number(readFileSync(join(b.dir, 'broker.pid'), 'utf8'));

async function newExtraBroker(): Promise<ExtraBroker> {
  const port = await freePorts();
  const dir = mkdtempSync(join(tmpdir(), 'kbench-extra-broker-'));
  // The test certificates of the main broker, when it is a local one: the start then only formats and
  // starts (generating them costs two keytool JVMs and openssl, and has nothing to do with these tests).
  const secrets = join(process.env.KBENCH_KAFKA_DIR ?? join(ROOT, '.kafka'), 'secrets');
  if (existsSync(join(secrets, '.generated'))) cpSync(secrets, join(dir, 'secrets'), { recursive: true });
  const b: ExtraBroker = { dir, env: { ...process.env, KBENCH_KAFKA_DIR: dir, KBENCH_KAFKA_PORT: String(port), KBENCH_KAFKA_CONTROLLER_PORT: String(port + 1),
    KBENCH_KAFKA_SASL_SSL_PORT: String(port + 2), KBENCH_KAFKA_SSL_PORT: String(port + 3), KBENCH_KAFKA_SASL_PLAINTEXT_PORT: String(port + 4) }, address: `127.0.0.1:${port}` };
  extras.add(b);
  return b;
}

function dropBroker(b: ExtraBroker): void {
  try { process.kill(extraPid(b), 'SIGKILL'); } catch { /* not running */ }
  rmSync(b.dir, { recursive: true, force: true });
  extras.delete(b);
}

afterAll(() => { for (const b of extras) dropBroker(b); });

/** Runs on the shared broker are told apart by the topic that was not there before, so the drivers'
 * SIGTERM runs there take turns from their start until their topic shows; the rest of them overlaps. */
let sharedBrokerQueue: Promise<void> = Promise.resolve();
function takeTurn(): Promise<() => void> {
  let release!: () => void;
  const done = new Promise<void>((r) => { release = r; });
  const turn = sharedBrokerQueue.then(() => release);
  sharedBrokerQueue = sharedBrokerQueue.then(() => done);
  return turn;
}

/** Processes that keep the machine busy while a fresh broker starts: two in all, shared out between
 * the drivers' restart tests (which run side by side), so the machine is as busy as with one driver. */
const BUSY_PER_DRIVER = Math.max(1, Math.round(2 / LIVE_DRIVERS.length));

// Once per driver. The drivers' copies run side by side: each has its own extra broker (own directory
// and ports), and its own topics and groups on the shared one.
describe.skipIf(!brokers).each(LIVE_DRIVERS)('failures on a real broker (driver %s)', { concurrent: true }, (driver) => {
  const { kbenchChild } = onDriver(driver);
  /** This driver's extra broker. */
  let extra: ExtraBroker | null = null;
  const dropExtraBroker = () => {
    if (extra) dropBroker(extra);
    extra = null;
  };

  describe('a freshly formatted broker on a busy machine, restarted mid-run', { sequential: true }, () => {
    it('is ridden through: producers and consumers reconnect, nothing acked is lost, the gap shows', async () => {
      // A freshly formatted broker, on a machine kept busy while it starts and the run begins at once:
      // its coordinator loads and its partitions get leaders while kbench waits, never failing.
      const b = (extra = await newExtraBroker());
      const kafkaSh = (cmd: string) => kafkaShIn(b, cmd);
      const busy = Array.from({ length: BUSY_PER_DRIVER }, () => spawn(process.execPath, ['-e', 'const end = Date.now() + 20000; while (Date.now() < end) {}'], { stdio: 'ignore' }));
      try {
        const started = await kafkaSh('start');
        expect(started.status, started.stderr).toBe(0);
        const restarting = b.address;
        const out = join(tempDir(), 'restarted.json');
        let restartedAt = 0;
        const r = await kbenchChild(['--brokers', restarting, '--key', 'user_id', '--partitions', '3', '--duration', '20s', '--rate', '300', '--out', out, '--connect-timeout', '60s'], () => {
          void (async () => {
            await waitFor(async () => (await runTopics(restarting)).length > 0, 60_000, 'the run to create its topic');
            for (const x of busy) x.kill('SIGKILL'); // the start was the busy part
            let topic = '';
            await waitFor(async () => (topic = (await runTopics(restarting))[0] ?? '') !== '', 30_000, 'the run to create its topic');
            await waitFor(async () => (await recordsIn(restarting, topic)) >= 900, 30_000, 'the run to produce 900 records');
            restartedAt = Date.now();
            expect((await kafkaSh('stop')).status).toBe(0);
            expect((await kafkaSh('start')).status).toBe(0);
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
        expect(report.model.parameters.driver).toBe(driver);
        // The broker's logs hold each record once: no retry wrote a batch twice.
        const logs = report.model.parameters.finalOffsets as { logEndOffset: number }[];
        expect(logs.reduce((s, l) => s + l.logEndOffset, 0)).toBe(6000);
        // The outage is in the time series (seconds without an ack) and in the advice.
        const acked = report.timeline.acked as number[];
        const firstAck = acked.findIndex((n) => n > 0);
        expect(acked.slice(firstAck).some((n, i) => n === 0 && acked.slice(firstAck + i).some((m) => m > 0))).toBe(true);
        expect(report.advice.map((a: { code: string }) => a.code)).toContain('acks-stalled');
      } finally {
        for (const x of busy) x.kill('SIGKILL');
        // The broker stays up for the dying-broker test below (afterAll kills whatever is left).
      }
    }, 150_000);
  });

  // The SIGTERM run (on the shared broker) and the dying broker's run (on the extra one) side by side:
  // separate processes, brokers, topics and groups, and mostly waiting.
  describe('failures during a live run', { concurrent: true }, () => {
    // Ctrl-C (SIGINT) and SIGTERM share one handler in src/cli/main.ts; this runs the one CI runners and orchestrators send.
    it('SIGTERM stops producing, drains briefly, writes the partial report, deletes the topic and group, exits non-zero; what the slow group had not read is unconsumed, not lost', async () => {
      const out = join(tempDir(), 'terminated.json');
      let topic = '';
      // One consumer that processes 200 records/s against 500/s offered: it is behind when the run stops.
      // The shared broker may hold other runs' topics: this run's is the one that was not there before.
      const release = await takeTurn();
      const before = new Set(await runTopics(brokers));
      const r = await kbenchChild(['--brokers', brokers, '--key', 'user_id', '--duration', '60s', '--rate', '500', '--consumers', '1', '--consumer-rate', '200', '--out', out], (child) => {
        void (async () => {
          try {
            await waitFor(async () => (topic = (await runTopics(brokers)).find((t) => !before.has(t)) ?? '') !== '', 30_000, 'the run to create its topic');
          } finally {
            release();
          }
          await waitFor(async () => (await recordsIn(brokers, topic)) >= 500, 30_000, 'the run to produce 500 records');
          child.kill('SIGTERM');
        })();
      });
      release(); // (already, unless the run ended before its topic showed)
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
      const groups = (await kafkaShell(['tool', 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand', '--bootstrap-server', brokers, '--list'])).stdout;
      expect(groups).not.toContain(String(report.model.parameters.groupId));
    }, 90_000);

    it('a broker that dies mid-run: the run stops, the partial report records the error, exit 1', async () => {
      // The broker the restart test above left running, or (that test filtered out or its broker gone) a new one.
      if (!extra || (await kafkaShIn(extra, 'status')).status !== 0) {
        dropExtraBroker();
        extra = await newExtraBroker();
        const start = await kafkaShIn(extra, 'start');
        expect(start.status, start.stderr).toBe(0);
      }
      const pid = extraPid(extra);
      const dying = extra.address;
      const out = join(tempDir(), 'died.json');
      // It may hold the restart test's run topic until its deletion completes: this run's is the new one.
      const before = new Set(await runTopics(dying));
      try {
        const r = await kbenchChild(['--brokers', dying, '--key', 'user_id', '--duration', '60s', '--rate', '500', '--out', out, '--drain-timeout', '3s', '--delivery-timeout', '5s'], () => {
          void (async () => {
            let topic = '';
            await waitFor(async () => (topic = (await runTopics(dying)).find((t) => !before.has(t)) ?? '') !== '', 30_000, 'the run to create its topic');
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
        dropExtraBroker();
      }
    }, 120_000);
  });
});
