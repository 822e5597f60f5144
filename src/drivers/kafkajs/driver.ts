// The kafkajs driver: kafkajs 2.2.4 (the client this project was asked to use; unmaintained since
// 2023), with kbench's patches behind it. The fast path must be in place before kafkajs itself is
// loaded in this thread, so it is this module's first import.
import { kafkajsFastPath } from './fast-path/install.js';
import { COMPRESSIONS } from '../../config/producer-settings.js';
import { SASL_MECHANISMS } from '../../config/client-security.js';
import type { ConnectOptions, Driver, DriverCapabilities, DriverConsumerOptions, DriverProducerOptions } from '../driver.js';
import { reachCluster } from '../reach.js';
import { KafkajsAdmin } from './admin.js';
import { createKafka } from './connect.js';
import { KafkajsConsumer } from './consumer.js';
import { translated } from './errors.js';
import { KAFKAJS_VERSION } from './fast-path/modules.js';
import { KafkajsProducer } from './producer.js';

export const KAFKAJS_CAPABILITIES: DriverCapabilities = {
  roles: ['admin', 'producer', 'consumer'],
  groupProtocols: ['classic'],
  compressions: COMPRESSIONS,
  saslMechanisms: SASL_MECHANISMS,
  // kafkajs's idempotent producer serialises requests per broker and cannot renumber sequences after
  // a failed one, so it refuses more than one in flight.
  nullRecords: true,
  maxInFlightIdempotent: 1,
  threads: true,
  batching: 'kbench',
};

export function createDriver(o: ConnectOptions): Driver {
  const kafka = createKafka(o);
  return {
    name: 'kafkajs',
    library: `kafkajs ${KAFKAJS_VERSION}`,
    capabilities: KAFKAJS_CAPABILITIES,
    details: { kafkajsFastPath },
    async admin() {
      const admin = kafka.admin();
      return reachCluster(o, async () => {
        await translated(admin.connect());
        await translated(admin.describeCluster()); // connect() alone can succeed lazily; make one real round trip
        return new KafkajsAdmin(kafka, admin);
      }, () => admin.disconnect());
    },
    producer: (p: DriverProducerOptions) => new KafkajsProducer(kafka, p),
    consumer: (c: DriverConsumerOptions) => new KafkajsConsumer(kafka, c),
  };
}
