// `kbench worker`: one of the processes a distributed run (`kbench --workers N …`) is spread over.
// It needs only the cluster: runs find it through Kafka (see engines/kafka/distributed/).
import { securityOf } from '../../config/connection.js';
import { option } from '../../config/option.js';
import { BROKER_OPTIONS, OPTIONS, parseWorkerPool, switchOf } from '../../config/options.js';
import { ERROR_CODES, EXIT, usageError } from '../../errors.js';
import { defaultWorkerName, WorkerAgent } from '../../engines/kafka/distributed/worker-agent.js';
import { defineCommand } from '../command.js';
import { kbenchVersion } from '../version.js';

/** Worker names travel in client ids, logs and reports: the same characters as pool names. */
const parseWorkerName = parseWorkerPool;

const { driver: _driver, ...WORKER_BROKER_OPTIONS } = BROKER_OPTIONS;

export const workerCommand = defineCommand({
  name: 'worker',
  describe: 'wait for distributed runs (kbench --workers N …) on the cluster and run a share of each',
  // No --driver: a worker's own clients are the coordination fabric (the default driver), and a run's
  // drivers are the coordinator's to choose.
  options: {
    ...WORKER_BROKER_OPTIONS,
    name: option('string', '1–100 of a-z A-Z 0-9 . _ -', parseWorkerName, { describe: 'this worker\'s name in reports and logs (default: host-pid)' }),
    pool: OPTIONS.workerPool,
    once: switchOf({ describe: 'serve one run, then exit', default: false }),
    threads: OPTIONS.threads,
  },
  async handler(options, io) {
    const a = options.values;
    if (!a.brokers) throw usageError('kbench worker needs the cluster: --brokers host:port (or KBENCH_BROKERS)', ERROR_CODES.badOption);
    const name = a.name ?? defaultWorkerName();
    const security = securityOf(a, options.sources);
    const agent = new WorkerAgent({
      brokers: a.brokers, connectTimeoutMs: a.connectTimeout, security, name, pool: a.pool, version: kbenchVersion(), once: a.once, threads: a.threads,
      shouldStop: io.stopRequested, say: (line) => io.stderr(`${line}\n`),
    });
    await agent.serve();
    return EXIT.ok;
  },
});
