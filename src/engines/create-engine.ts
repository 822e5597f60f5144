// The one place that picks an engine: the simulator unless the spec names brokers.
import type { RunSpec } from '../config/run-spec.js';
import { createRng } from '../workload/rng.js';
import { KafkaEngine } from './kafka/kafka-engine.js';
import { SimEngine } from './sim/sim-engine.js';
import type { Engine } from './types.js';

export function createEngine(spec: RunSpec): Engine {
  const rng = createRng(spec.seed).fork('engine');
  if (spec.brokers === null) return new SimEngine(spec, rng);
  return new KafkaEngine(spec, {
    brokers: spec.brokers,
    connectTimeoutMs: spec.connectTimeoutMs,
    keepTopic: spec.keepTopic,
    replicationFactor: spec.replicationFactor,
    drainTimeoutMs: spec.drainTimeoutMs,
    threads: spec.threads,
  });
}
