// Reads keys from an existing topic without disturbing it: a throwaway consumer group that never
// commits, reads from the beginning up to the end offsets seen at the start (or --sample records),
// and is deleted afterwards. The topic's own groups and offsets are untouched.
import { randomUUID } from 'node:crypto';
import type { Driver, DriverAdmin } from '../../drivers/driver.js';
import { isRetriable, withTimeout } from '../../drivers/errors.js';
import { usageError } from '../../errors.js';

export interface TopicSample {
  partitions: number;
  /** key text → (partition → records); null keys counted apart. */
  keys: Map<string, Map<number, number>>;
  nullRecords: number;
  records: number;
}

export async function sampleTopicKeys(driver: Driver, admin: DriverAdmin, topic: string, sample: number, timeoutMs: number): Promise<TopicSample> {
  if (!(await admin.listTopics()).includes(topic)) throw usageError(`topic ${topic} does not exist (kbench topic list shows the topics)`);
  const ends = await admin.endOffsets(topic);
  const remaining = new Map(ends.map((o) => [o.partition, o.high - o.low]));
  const out: TopicSample = { partitions: ends.length, keys: new Map(), nullRecords: 0, records: 0 };
  const target = Math.min(sample, [...remaining.values()].reduce((a, b) => a + b, 0));
  if (target === 0) return out;
  const last = new Map(ends.map((o) => [o.partition, o.high - 1]));
  const groupId = `kbench-analyze-${randomUUID()}`;
  const consumer = driver.consumer({
    groupId, topics: [topic], protocol: 'classic', fromBeginning: true, autoCommit: false, autoResolve: false, maxWaitMs: 200,
    restartOnFailure: (e) => isRetriable(e),
  });
  try {
    await withTimeout(new Promise<void>((resolve, reject) => {
      consumer.run(async ({ partition, records }) => {
        for (const m of records) {
          if (out.records >= target || m.offset > last.get(partition)!) break;
          out.records++;
          if (m.key === null) out.nullRecords++;
          else {
            const text = m.key.toString('utf8');
            let parts = out.keys.get(text);
            if (!parts) out.keys.set(text, (parts = new Map()));
            parts.set(partition, (parts.get(partition) ?? 0) + 1);
          }
          if (m.offset === last.get(partition)) remaining.set(partition, 0);
        }
        if (out.records >= target || [...remaining.values()].every((r) => r <= 0)) resolve();
      }).catch(reject);
    }), timeoutMs, `reading ${target} records of ${topic} took longer than ${timeoutMs / 1000} s`);
  } finally {
    await consumer.close().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return out;
}
