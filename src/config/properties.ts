// Java properties files, the common subset Kafka's tools read (`--producer.config`,
// `--command-config`): `#`/`!` comments, `key=value` or `key: value` (or `key = value`), whitespace
// trimmed. A line without a separator is an error naming its line; so is a line ending in `\`
// (continuation lines are not read). Lines are never quoted back in messages: a client properties
// file holds passwords.
import { ERROR_CODES, shown, usageError } from '../errors.js';

/** One property as written: where it came from (for messages), its key and value. */
export interface Property {
  key: string;
  value: string;
  /** "--producer-props acks", "p.properties:3 acks" */
  label: string;
}

/** Reads the properties of `text` (from `path`); `known(key, label)` throws for keys the caller does not take. */
export function parsePropertiesText(text: string, path: string, known: (key: string, label: string) => void): Property[] {
  const out: Property[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith('!')) return;
    const where = `${shown(path)} line ${i + 1}`;
    if (t.endsWith('\\')) throw usageError(`properties file ${where} continues on the next line (\\); write each property on one line`, ERROR_CODES.badInput);
    const sep = t.search(/[=:]/);
    const key = sep < 0 ? '' : t.slice(0, sep).trim();
    if (sep < 0 || key === '') throw usageError(`properties file ${where} is not key=value`, ERROR_CODES.badInput);
    known(key, `properties file ${where}`);
    out.push({ key, value: t.slice(sep + 1).trim(), label: `${shown(path)}:${i + 1} ${key}` });
  });
  return out;
}
