// A command: its name, its option table and its handler. The handler's argument type is derived from
// the table, so it can only read options the table declares; the yargs flags, positionals and help
// are built from the same table (see run-cli.ts).
import type { Argv } from 'yargs';
import type { Resolved } from '../config/collect.js';
import { helpText, kebab, type OptionTable } from '../config/option.js';
import type { ExitCode } from '../errors.js';
import type { CliIo } from './io.js';

export interface Command<T extends OptionTable> {
  name: string;
  describe: string;
  options: T;
  /** The positional whose file (a workload file) supplies the command's other options. */
  workloadFrom?: keyof T & string;
  handler(args: Resolved<T>, io: CliIo): Promise<ExitCode>;
}

/** Keeps T precise for the handler while the registry holds commands of every table. */
export const defineCommand = <T extends OptionTable>(c: Command<T>): Command<T> => c;

// A registry of commands of different tables; each is only ever called with its own table's values.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = Command<any>;

/** `topic <action> [name]`: the yargs command string from the table's positionals. */
export function usageOf(c: AnyCommand, name = c.name): string {
  const parts = [name];
  for (const [key, o] of Object.entries(c.options as OptionTable)) {
    if (!o.positional) continue;
    const inner = `${kebab(key)}${o.positional === 'many' ? '..' : ''}`;
    parts.push(o.required ? `<${inner}>` : `[${inner}]`);
  }
  return parts.join(' ');
}

/** Declares the table's positionals and flags on a yargs builder. */
export function declareOptions(y: Argv, table: OptionTable, withPositionals = true): Argv {
  for (const [key, o] of Object.entries(table)) {
    if (o.positional) {
      if (withPositionals) y.positional(kebab(key), { type: 'string', array: o.positional === 'many', describe: helpText(o) });
      continue;
    }
    if (o.envOnly) continue;
    y.option(kebab(key), {
      type: o.type,
      describe: helpText(o),
      defaultDescription: o.default === undefined || o.default === false ? undefined : String(o.default),
      demandOption: false,
    });
  }
  return y;
}
