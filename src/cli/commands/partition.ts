// `kbench partition <key...>`: where each key lands, for one client or all of them side by side.
import { compactTable } from '../../report/table-style.js';
import type { Argv } from 'yargs';
import { usageError, EXIT, type ExitCode } from '../../errors.js';
import { CLIENT_NAMES, CLIENT_PROFILES, isClientName, keyBytes, type ClientName } from '../../partitioners/profiles.js';
import type { CliIo } from '../io.js';

export function partitionOptions<T>(y: Argv<T>) {
  return y
    .positional('keys', { type: 'string', array: true, describe: 'keys (as UTF-8 strings)' })
    .option('partitions', { type: 'string', describe: 'partition count', demandOption: true })
    .option('client', { type: 'string', describe: `one of ${CLIENT_NAMES.join(', ')}`, default: 'java' })
    .option('all-clients', { type: 'boolean', describe: 'show every client profile side by side', default: false })
    .option('json', { type: 'boolean', default: false });
}

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

export async function partitionCommand(
  args: { keys?: (string | number)[]; partitions: string; client: string; allClients: boolean; json: boolean },
  io: CliIo,
): Promise<ExitCode> {
  const partitions = Number(args.partitions);
  if (!Number.isInteger(partitions) || partitions < 1) throw usageError(`--partitions must be an integer ≥ 1 (got ${args.partitions})`);
  if (!args.allClients && !isClientName(args.client)) throw usageError(`unknown client "${args.client}"; use one of ${CLIENT_NAMES.join(', ')}`);
  const keys = (args.keys ?? []).map(String);
  if (keys.length === 0) throw usageError('give at least one key, e.g. kbench partition user-42 --partitions 12');
  const clients = args.allClients ? [...CLIENT_NAMES] : [args.client as ClientName];
  const rows = partitionKeys(keys, partitions, clients);
  if (args.json) {
    io.stdout(JSON.stringify(rows, null, 2) + '\n');
    return EXIT.ok;
  }
  const t = compactTable(['key', ...clients]);
  for (const key of keys) t.push([key, ...clients.map((c) => rows.find((r) => r.key === key && r.client === c)!.partition)]);
  io.stdout(`Partition of each key on a ${partitions}-partition topic\n${t.toString()}\n`);
  return EXIT.ok;
}
