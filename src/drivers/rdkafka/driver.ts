// The rdkafka driver: librdkafka (the C client that confluent-kafka-go/-python/-dotnet and node-rdkafka
// wrap) through kbench's own small Node-API binding (native/), built by `npm run build:native`.
// Producer only: its acknowledgements come back one callback per send(), not per record, which is
// what lets a Node producer keep up with librdkafka. Admin and consumer stay with another driver.
import { COMPRESSIONS } from '../../config/producer-settings.js';
import { SASL_MECHANISMS } from '../../config/client-security.js';
import { ERROR_CODES, usageError } from '../../errors.js';
import type { ConnectOptions, Driver, DriverAdmin, DriverCapabilities, DriverConsumer, DriverProducer, DriverProducerOptions } from '../driver.js';
import { loadBinding } from './binding.js';
import { RdkafkaProducer } from './producer.js';

const CAPABILITIES: DriverCapabilities = {
  roles: ['producer'],
  groupProtocols: [],
  compressions: COMPRESSIONS,
  saslMechanisms: SASL_MECHANISMS,
  nullRecords: true,
  maxInFlightIdempotent: 5,
  // The binding keeps no global state and cleans up when a worker's environment goes away.
  threads: true,
  batching: 'library',
};

const producesOnly = (what: string) =>
  usageError(`the rdkafka driver produces only (no ${what}); use --consumer-driver kafkajs or platformatic`, ERROR_CODES.badOption);

export function createDriver(o: ConnectOptions): Driver {
  const binding = loadBinding();
  return {
    name: 'rdkafka',
    library: `librdkafka ${binding.version()}`,
    capabilities: CAPABILITIES,
    details: { binding: 'kbench_rdkafka (Node-API, acknowledgements per send)' },
    admin(): Promise<DriverAdmin> {
      return Promise.reject(producesOnly('admin client'));
    },
    producer(p: DriverProducerOptions): DriverProducer {
      return new RdkafkaProducer(binding, o, p);
    },
    consumer(): DriverConsumer {
      throw producesOnly('consumer');
    },
  };
}
