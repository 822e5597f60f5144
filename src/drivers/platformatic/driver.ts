// The platformatic driver: kbench's seam (../driver.ts) over @platformatic/kafka.
//
// Version: @platformatic/kafka 1.22.0, pinned exactly. kbench runs on Node 20.19+. 2.x needs Node
// 22.22+ (its engines). 1.27.0 to 1.35.0 declare Node 20.19.4+ themselves, but depend on
// @platformatic/dynamic-buffer and @platformatic/wasm-utils, whose every version declares Node 22.19+,
// so on Node 20 they run outside what their authors support. 1.22.0 is the newest 1.x whose own engines
// and every dependency's engines include Node 20.19 (`npm view @platformatic/kafka@<v> engines
// dependencies`, then the same for each dependency). It speaks both group protocols (the consumer
// protocol since 1.18).
//
// What the library decides that kbench decides instead, and why (details in each file):
// - partitions: every record carries kbench's partition; a partition beyond the library's metadata is
//   refused, since the library would take it modulo its partition count (producer.ts);
// - batching: none in the library (each send is one request per leader), so capabilities.batching is
//   'kbench';
// - idempotence: one send in flight (producer.ts says why more lose records);
// - consumer offsets: positions and commits are kept here, in Kafka's convention (consumer.ts);
// - classic assignors: kbench's, through the library's partitionAssigner hook (assignor.ts), Java's
//   roundrobin when none is named. The library's members only rebalance eagerly, so cooperative-sticky
//   is refused;
// - partition growth: a classic group's leader rejoins when a subscribed topic's partition count
//   changes, as Java's does; the library's members never notice (consumer.ts);
// - the first contact and its failure line: the shared reach.ts and diagnose.ts, as every driver.
// Known limits of 1.22: a null key is written as an empty key (its record writer has no null), and
// both read back as empty; zstd needs node:zlib's (Node 22.15+); a group coordinator that moves is not
// looked up again by the library.
//
// Only load.ts's dynamic import loads this file: importing the library costs over a second of CPU.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import zlib from 'node:zlib';
import { Admin } from '@platformatic/kafka';
import type { ConnectOptions, Driver, DriverCapabilities, DriverConsumerOptions, DriverProducerOptions } from '../driver.js';
import { reachCluster } from '../reach.js';
import { PlatformaticAdmin } from './admin.js';
import { PlatformaticConsumer } from './consumer.js';
import { baseOptions, checkConnect, checkConsumer, checkProducer, compressionsHere } from './options.js';
import { PlatformaticProducer } from './producer.js';

// The library exports no version; its package.json says it (dist/index.js sits one folder below).
const VERSION: string = JSON.parse(readFileSync(join(dirname(createRequire(import.meta.url).resolve('@platformatic/kafka')), '..', 'package.json'), 'utf8')).version;

export const CAPABILITIES: DriverCapabilities = {
  roles: ['admin', 'producer', 'consumer'],
  groupProtocols: ['classic', 'consumer'],
  compressions: compressionsHere(typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function'),
  saslMechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
  // Its record writer has no null: a null key or value goes out as an empty one (length 0, not -1).
  nullRecords: false,
  maxInFlightIdempotent: 1,
  threads: true,
  batching: 'kbench',
  classicAssignors: ['range', 'roundrobin', 'kafkajs'],
};

export function createDriver(o: ConnectOptions): Driver {
  checkConnect(o, CAPABILITIES);
  const base = baseOptions(o);
  return {
    name: 'platformatic',
    library: `@platformatic/kafka ${VERSION}`,
    capabilities: CAPABILITIES,
    details: {},
    async admin() {
      const client = new Admin(base);
      client.on('error', () => undefined);
      const admin = new PlatformaticAdmin(client);
      // The shared first contact (../reach.ts), so that a failure reads the same on every driver. Its
      // TLS probe is what names a refused client certificate: under TLS 1.3 the broker's alert comes
      // after the client's handshake is done, and the library then fails the request with a bare
      // "Connection closed", the alert's code only on an 'error' event no request sees.
      // The first round trip is made without the library's retries: it retries a refused login like
      // any failure, so a wrong password would end as a timeout instead of saying what it is.
      const probeClient = new Admin({ ...base, retries: 0 });
      probeClient.on('error', () => undefined);
      const probe = new PlatformaticAdmin(probeClient);
      return reachCluster(o, async () => {
        try {
          await probe.describeCluster();
        } finally {
          await probe.close();
        }
        await admin.describeCluster();
        return admin;
      }, () => Promise.all([probe.close(), admin.close()]).then(() => undefined));
    },
    producer(p: DriverProducerOptions) {
      checkProducer(p, CAPABILITIES);
      return new PlatformaticProducer(base, p, CAPABILITIES, o.connectTimeoutMs);
    },
    consumer(c: DriverConsumerOptions) {
      checkConsumer(c, CAPABILITIES);
      return new PlatformaticConsumer(base, c);
    },
  };
}
