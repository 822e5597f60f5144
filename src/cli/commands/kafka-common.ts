// What every broker-facing command shares: --brokers / KBENCH_BROKERS, the driver (--driver /
// KBENCH_DRIVER), a bounded connect, clean-up, and the names Kafka accepts for topics and groups.
import { option, Problems, type ArgsOf, type Source } from '../../config/option.js';
import { securityOf } from '../../config/connection.js';
import { BROKER_OPTIONS } from '../../config/options.js';
import { nonBlank } from '../../config/units.js';
import type { Driver, DriverAdmin } from '../../drivers/driver.js';
import { DEFAULT_DRIVER, loadDrivers, type DriverSet } from '../../drivers/load.js';
import { ERROR_CODES, shown, usageError } from '../../errors.js';

export type BrokerArgs = Pick<ArgsOf<typeof BROKER_OPTIONS>, 'brokers' | 'connectTimeout'>;
type ClusterArgs = Omit<ArgsOf<typeof BROKER_OPTIONS>, 'json'>;

/** A broker-facing command's resolved options (values and where each came from). */
export interface ClusterOptions {
  values: ClusterArgs;
  sources: { readonly [K in keyof ClusterArgs]?: Source | undefined };
}

export interface Connected {
  /** The driver of the admin client (and the registry's writes). */
  driver: Driver;
  /** The command's drivers by role: `produce` sends through `drivers.producer`, `consume` reads through `drivers.consumer`. */
  drivers: DriverSet;
  admin: DriverAdmin;
  brokers: string[];
  connectTimeoutMs: number;
}

const NEEDS_BROKERS = 'this command needs a broker: --brokers host:port (or KBENCH_BROKERS)';

/** The command's own rules between its options, plus "needs --brokers", reported together. */
export function checkCommand(args: BrokerArgs, rules: [broken: boolean, problem: string][]): void {
  const problems = new Problems();
  for (const [broken, problem] of rules) if (broken) problems.add(problem, ERROR_CODES.usage);
  if (!args.brokers) problems.add(NEEDS_BROKERS, ERROR_CODES.badOption);
  problems.throwIfAny();
}

export async function withCluster<T>(options: ClusterOptions, fn: (c: Connected) => Promise<T>): Promise<T> {
  const args = options.values;
  if (!args.brokers) throw usageError(NEEDS_BROKERS, ERROR_CODES.badOption);
  const { brokers, connectTimeout: connectTimeoutMs } = args;
  // Security settings are checked (and certificate files read) before anything connects.
  const security = securityOf(args, options.sources);
  const drivers = await loadDrivers({ driver: args.driver ?? DEFAULT_DRIVER }, { brokers, connectTimeoutMs, security });
  const admin = await drivers.admin.admin();
  try {
    return await fn({ driver: drivers.admin, drivers, admin, brokers, connectTimeoutMs });
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Kafka's own rule for topic names: 1–249 of [a-zA-Z0-9._-], and not "." or "..". */
export function parseTopicName(raw: string, label: string): string {
  const name = nonBlank(raw, label);
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name) || name === '.' || name === '..') {
    throw usageError(`${label} ${shown(raw)} is not a legal topic name: 1–249 characters of a-z A-Z 0-9 . _ -`, ERROR_CODES.badOption);
  }
  return name;
}

const topicNameRange = '1–249 of a-z A-Z 0-9 . _ -';
export const topicOption = <const M extends { describe: string; required?: boolean; positional?: 'one' }>(meta: M) =>
  option('string', topicNameRange, parseTopicName, meta);

/** Group ids: any text Kafka can carry, within reason. */
export const groupOption = <const M extends { describe: string; required?: boolean; positional?: 'one' }>(meta: M) =>
  option('string', '1–255 characters', (raw, label) => {
    const id = nonBlank(raw, label);
    if (id.length > 255) throw usageError(`${label} is longer than 255 characters`, ERROR_CODES.badOption);
    return id;
  }, meta);
