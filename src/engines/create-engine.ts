// The one place that picks an engine: the simulator unless the spec names brokers.
import type { ClientSecurity } from '../config/client-security.js';
import type { RunSpec } from '../config/run-spec.js';
import { kbenchVersion } from '../cli/version.js';
import { KafkaEngine } from './kafka/kafka-engine.js';
import { createSimEngine } from './sim/sim-engine.js';
import type { Engine } from './types.js';

/** `security`: how the live engine reaches a secured cluster (kept out of the spec, which reports carry). */
export function createEngine(spec: RunSpec, security: ClientSecurity | null = null): Engine {
  if (spec.brokers === null) return createSimEngine(spec);
  return new KafkaEngine(spec, {
    brokers: spec.brokers,
    connectTimeoutMs: spec.connectTimeoutMs,
    keepTopic: spec.keepTopic,
    replicationFactor: spec.replicationFactor,
    drainTimeoutMs: spec.drainTimeoutMs,
    threads: spec.threads,
    security,
    workers: spec.workers,
    workerTimeoutMs: spec.workerTimeoutMs,
    workerPool: spec.workerPool,
    version: kbenchVersion(),
  });
}
