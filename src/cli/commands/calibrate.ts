// `kbench calibrate --brokers … [--out model.json] [--duration 30s]`: measures the cluster on a topic of
// its own (deleted at the end) and writes the simulator's time model (kbench.model/v1) for --model.
import { writeFileSync } from 'node:fs';
import { BROKER_OPTIONS, duration, integer, LIMITS, OPTIONS, text } from '../../config/options.js';
import { ERROR_CODES, EXIT, runError, usageError } from '../../errors.js';
import { option } from '../../config/option.js';
import { calibrate } from '../../engines/kafka/calibrate.js';
import { describeError } from '../../drivers/errors.js';
import { validateModel } from '../../engines/sim/model.js';
import { kbenchVersion } from '../version.js';
import { defineCommand } from '../command.js';
import { parseTopicName, withCluster } from './kafka-common.js';

export const calibrateCommand = defineCommand({
  name: 'calibrate',
  describe: 'measure a cluster (latency, ceilings, fetch, rebalance) on a topic of its own and write a time model for the simulator (--model)',
  options: {
    ...BROKER_OPTIONS,
    out: text('a file path, or - for stdout', { describe: 'model file to write', default: 'model.json' }),
    duration: duration(3000, 600_000, { describe: 'about how long to measure, all phases together', default: '30s' }),
    partitions: integer(1, LIMITS.partitions, { describe: 'partitions of the calibration topic (the cluster-wide ceiling is measured over them)', default: '6' }),
    replicationFactor: OPTIONS.replicationFactor,
    name: option('string', '1–249 of a-z A-Z 0-9 . _ -', parseTopicName, { describe: 'the model\'s name, shown in reports (default: the bootstrap address)' }),
    quiet: OPTIONS.quiet,
  },
  async handler(options, io) {
    const a = options.values;
    const command = `kbench calibrate --brokers ${(a.brokers ?? []).join(',')} --duration ${a.duration / 1000}s --partitions ${a.partitions}${a.driver !== undefined ? ` --driver ${a.driver}` : ''}${a.replicationFactor !== 1 ? ` --replication-factor ${a.replicationFactor}` : ''}${a.name !== undefined ? ` --name ${a.name}` : ''}${a.out !== '-' ? ` --out ${a.out}` : ''}`;
    const model = await withCluster(options, async ({ driver, drivers, admin, brokers, connectTimeoutMs }) => {
      // Calibration produces and consumes through one driver, the one it names in the model: a driver
      // that lacks a role would be measured through the default driver instead, so it is refused.
      if (drivers.producer !== driver) throw usageError(`kbench calibrate needs a driver with an admin client and consumers; the ${drivers.producer.name} driver produces only (use --driver ${driver.name})`, ERROR_CODES.badOption);
      try {
        return await calibrate({
          driver, admin, connect: { brokers, connectTimeoutMs }, durationMs: a.duration, partitions: a.partitions,
          replicationFactor: a.replicationFactor, name: a.name ?? brokers.join(','), command, version: kbenchVersion(),
          log: (line) => { if (!a.quiet) io.stderr(line + '\n'); },
        });
      } catch (e) {
        throw runError(`calibration failed: ${describeError(e)}`, e);
      }
    });
    validateModel(model, a.out); // what is written can be read back
    const json = JSON.stringify(model, null, 2) + '\n';
    if (a.out === '-') io.stdout(json);
    else {
      writeFileSync(a.out, json);
      if (!a.quiet) io.stderr(`calibrate: wrote ${a.out}; use it with --model ${a.out}\n`);
    }
    return EXIT.ok;
  },
});
