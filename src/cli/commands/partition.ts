// `kbench partition <key...>` (or `--keys-file f`, `-` for stdin): where each key lands, for one
// client or all of them side by side. Keys are taken verbatim: "-" and "-x" are keys like any other
// (put keys that look like flags after `--`).
import { describedAs, option, variadic } from '../../config/option.js';
import { integer, LIMITS, OPTIONS } from '../../config/options.js';
import { nonBlank } from '../../config/units.js';
import { ERROR_CODES, EXIT, usageError } from '../../errors.js';
import { CLIENT_NAMES, CLIENT_PROFILES, keyBytes, type ClientName } from '../../partitioners/profiles.js';
import { compactTable } from '../../report/table-style.js';
import { readKeyLines } from '../../workload/key-sources.js';
import { defineCommand } from '../command.js';

const MAX_KEYS = 1_000_000;

export interface PartitionRow {
  key: string;
  client: ClientName;
  partitions: number;
  partition: number;
}

export function partitionKeys(keys: string[], partitions: number, clients: ClientName[]): PartitionRow[] {
  return keys.flatMap((key) =>
    clients.map((client) => ({ key, client, partitions, partition: CLIENT_PROFILES[client].partitionForKey(keyBytes(key), partitions) })));
}

export const partitionCommand = defineCommand({
  name: 'partition',
  describe: 'show which partition each key lands on, per client',
  options: {
    keys: variadic('UTF-8 strings; after -- even ones that start with -', (raw) => raw, { describe: 'keys', positional: 'many' }),
    keysFile: option('string', 'a file of keys, one per line; - for stdin', nonBlank, { describe: 'read the keys from a file' }),
    partitions: integer(1, LIMITS.partitions, { describe: 'partition count', required: true }),
    client: describedAs(OPTIONS.client, `one of ${CLIENT_NAMES.join(', ')}`),
    allClients: OPTIONS.allClients,
    json: OPTIONS.json,
  },
  async handler({ values: a }, io) {
    const keys = [...a.keys, ...(a.keysFile === undefined ? [] : readKeyLines(a.keysFile, 'keys file'))];
    if (keys.length === 0) throw usageError('give at least one key, e.g. kbench partition user-42 --partitions 12 (or --keys-file keys.txt)', ERROR_CODES.usage);
    if (keys.length > MAX_KEYS) throw usageError(`${keys.length} keys given; at most ${MAX_KEYS} at a time`, ERROR_CODES.badInput);
    const partitions = a.partitions;
    const clients = a.allClients ? [...CLIENT_NAMES] : [a.client];
    const rows = partitionKeys(keys, partitions, clients);
    if (a.json) {
      io.stdout(JSON.stringify(rows, null, 2) + '\n');
      return EXIT.ok;
    }
    const t = compactTable(['key', ...clients]);
    for (let k = 0; k < keys.length; k++) t.push([JSON.stringify(keys[k]).slice(1, -1), ...rows.slice(k * clients.length, (k + 1) * clients.length).map((r) => r.partition)]);
    io.stdout(`Partition of each key on a ${partitions}-partition topic\n${t.toString()}\n`);
    return EXIT.ok;
  },
});
