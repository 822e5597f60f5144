// Choosing and loading a driver. A driver's module (and its client library) is imported only when it
// is used: @platformatic/kafka alone costs over a second of CPU to import, and an optional native
// driver may not be installed at all. An unknown or missing driver is refused in one line, exit 2,
// before anything connects.
import { ERROR_CODES, shown, usageError } from '../errors.js';
import { DEFAULT_DRIVER, DRIVER_NAMES, type DriverName } from '../config/driver-names.js';
import type { ConnectOptions, Driver } from './driver.js';

export const isDriverName = (name: string): name is DriverName => (DRIVER_NAMES as readonly string[]).includes(name);

export { DEFAULT_DRIVER };

type DriverModule = { createDriver(o: ConnectOptions): Driver };

const MODULES: Record<DriverName, () => Promise<DriverModule>> = {
  kafkajs: () => import('./kafkajs/driver.js'),
  platformatic: () => import('./platformatic/driver.js'),
  rdkafka: () => import('./rdkafka/driver.js'),
};

/** Whether a driver's client library is installed here (resolvable), without loading it. */
export const PACKAGES: Record<DriverName, string> = {
  kafkajs: 'kafkajs',
  platformatic: '@platformatic/kafka',
  // No npm package: kbench's own binding (native/), built by npm run build:native; without it the
  // driver itself refuses in one line saying so.
  rdkafka: 'kbench native binding (npm run build:native)',
};

export function parseDriverName(raw: string, label: string): DriverName {
  const name = raw.trim();
  if (isDriverName(name)) return name;
  throw usageError(`${label} ${shown(raw)} is not a driver; use one of ${DRIVER_NAMES.join(', ')}`, ERROR_CODES.badOption);
}

/** The driver `name`, ready to connect with `o`. */
export async function loadDriver(name: DriverName, o: ConnectOptions): Promise<Driver> {
  let module: DriverModule;
  try {
    module = await MODULES[name]();
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND' || (e as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND';
    if (missing) throw usageError(`driver ${name} is not installed (npm install ${PACKAGES[name]}); use --driver ${DEFAULT_DRIVER}`, ERROR_CODES.badOption, e);
    throw e;
  }
  return module.createDriver(o);
}

/** The drivers of one command or run: the producers' (`--driver`), the consumers' (`--consumer-driver`,
 * else the producers' where it consumes) and the admin client's (the producers' where it has one,
 * else the consumers'). A driver that only produces (rdkafka) thus pairs with the default driver for
 * the rest, and the report names both; a role asked of a driver that lacks it is refused in one line. */
export interface DriverSet {
  producer: Driver;
  consumer: Driver;
  admin: Driver;
}

export async function loadDrivers(names: { driver: DriverName; consumerDriver?: DriverName | null }, o: ConnectOptions): Promise<DriverSet> {
  const producer = await loadDriver(names.driver, o);
  const has = (d: Driver, role: 'admin' | 'consumer') => d.capabilities.roles.includes(role);
  const consumerName = names.consumerDriver ?? (has(producer, 'consumer') ? names.driver : DEFAULT_DRIVER);
  const consumer = consumerName === names.driver ? producer : await loadDriver(consumerName, o);
  if (!has(consumer, 'consumer')) throw usageError(`the ${consumer.name} driver has no consumer; use --consumer-driver ${DEFAULT_DRIVER}`, ERROR_CODES.badOption);
  const admin = has(producer, 'admin') ? producer : has(consumer, 'admin') ? consumer : await loadDriver(DEFAULT_DRIVER, o);
  return { producer, consumer, admin };
}
