// Broker addresses as given by --brokers or KBENCH_BROKERS.
import { usageError } from '../errors.js';

/** "host:port[,host:port…]" → validated list. */
export function parseBrokers(raw: string | string[]): string[] {
  const list = (Array.isArray(raw) ? raw.join(',') : raw).split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw usageError('--brokers is empty; give host:port, e.g. --brokers 127.0.0.1:9092');
  for (const b of list) {
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(b);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) {
      throw usageError(`broker address "${b}" is not host:port; e.g. --brokers 127.0.0.1:9092`);
    }
  }
  return list;
}
