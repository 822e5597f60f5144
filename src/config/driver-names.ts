// The client libraries kbench can drive Kafka with (src/drivers/<name>/). Named here, where options
// are, so that flags, KBENCH_DRIVER and workload files know them without loading any driver.
export const DRIVER_NAMES = ['kafkajs', 'platformatic', 'rdkafka'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

/** The driver kbench uses when none is named: kafkajs, the one every install has. */
export const DEFAULT_DRIVER: DriverName = 'kafkajs';
