// Broker addresses as given by --brokers, KBENCH_BROKERS or a workload file.
import { ERROR_CODES, shown, usageError } from '../errors.js';
import { nonBlank } from './units.js';

/** "host:port[,host:port…]" → validated list of at most `max` addresses. */
export function parseBrokers(raw: string, label: string, max: number): string[] {
  const list = nonBlank(raw, label).split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw usageError(`${label} is empty; give host:port, e.g. 127.0.0.1:9092`, ERROR_CODES.badOption);
  if (list.length > max) throw usageError(`${label} names ${list.length} brokers; at most ${max} are supported`, ERROR_CODES.badOption);
  for (const b of list) {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(b);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw usageError(`${label}: broker address ${shown(b)} is not host:port; e.g. 127.0.0.1:9092`, ERROR_CODES.badOption);
    }
  }
  return list;
}
