// What the simulator predicted for a live run's workload, kept beside the measurement.
import type { RunReport } from './schema.js';

export interface Prediction {
  engine: 'sim';
  phases: { name: string; skew: RunReport['phases'][number]['skew']; ordering: RunReport['phases'][number]['ordering']; skipped: number; perPartition: number[] }[];
  keyMovement: RunReport['keyMovement'];
  delivery: RunReport['delivery'];
}

export function predictionOf(sim: RunReport): Prediction {
  return {
    engine: 'sim',
    phases: sim.phases.map((p) => ({ name: p.name, skew: p.skew, ordering: p.ordering, skipped: p.delivery.skipped, perPartition: p.perPartition })),
    keyMovement: sim.keyMovement,
    delivery: sim.delivery,
  };
}
