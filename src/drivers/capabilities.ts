// What a run asks of a driver, checked against what the driver can do before anything connects:
// one line per setting it cannot honour, naming the setting and what to use instead. A driver that
// cannot do something is never quietly asked to do something else.
import type { ClientSecurity } from '../config/client-security.js';
import type { Compression } from '../config/producer-settings.js';
import { ERROR_CODES, KbenchError, EXIT } from '../errors.js';
import type { Driver, GroupProtocol } from './driver.js';

export interface DriverNeeds {
  /** Producer settings, when the driver produces; `nullKeys`: some records have no key. */
  producer?: { idempotent: boolean; maxInFlight: number; compression: Compression; nullKeys?: boolean };
  /** The group protocol, when the driver consumes. */
  groupProtocol?: GroupProtocol;
  security?: ClientSecurity | null;
  /** Loaded in worker threads (several per process). */
  inThreads?: boolean;
}

export function driverRefusals(driver: Driver, needs: DriverNeeds): string[] {
  const c = driver.capabilities;
  const out: string[] = [];
  const p = needs.producer;
  if (p?.idempotent && p.maxInFlight > c.maxInFlightIdempotent) {
    out.push(`--max-in-flight ${p.maxInFlight} with idempotence is more than the ${driver.name} driver keeps safe (${c.maxInFlightIdempotent}); use --max-in-flight ${c.maxInFlightIdempotent}, or --no-idempotent`);
  }
  if (p && !c.compressions.includes(p.compression)) {
    out.push(`--compression ${p.compression} is not available with the ${driver.name} driver; use one of ${c.compressions.join(', ')}`);
  }
  if (p?.nullKeys && !c.nullRecords) {
    out.push(`null keys cannot be written by the ${driver.name} driver (${driver.library} writes them as empty keys); use --driver kafkajs or rdkafka`);
  }
  if (needs.groupProtocol && !c.groupProtocols.includes(needs.groupProtocol)) {
    out.push(`the ${needs.groupProtocol} group protocol is not spoken by the ${driver.name} driver; it speaks ${c.groupProtocols.join(', ')}`);
  }
  const mechanism = needs.security?.sasl?.mechanism;
  if (mechanism && !c.saslMechanisms.includes(mechanism)) {
    out.push(`sasl.mechanism ${mechanism} is not available with the ${driver.name} driver; it has ${c.saslMechanisms.join(', ')}`);
  }
  if (needs.inThreads && !c.threads) out.push(`the ${driver.name} driver cannot be loaded in worker threads; use --threads 1`);
  return out;
}

/** Throws every refusal at once (exit 2), or returns. */
export function assertDriverCan(driver: Driver, needs: DriverNeeds): void {
  const problems = driverRefusals(driver, needs);
  if (problems.length) throw new KbenchError(problems[0], { exitCode: EXIT.usage, code: ERROR_CODES.badOption, problems });
}
