// Reads keys from an existing topic without disturbing it: a throwaway consumer group that never
// commits, reads from the beginning up to the end offsets seen at the start (or --sample records),
// and is deleted afterwards. The topic's own groups and offsets are untouched.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { usageError } from '../../errors.js';
import { withTimeout } from './client.js';

export interface TopicSample {
  partitions: number;
  /** key text → (partition → records); null keys counted apart. */
  keys: Map<string, Map<number, number>>;
  nullRecords: number;
  records: number;
}

export async function sampleTopicKeys(kafka: Kafka, admin: Admin, topic: string, sample: number, timeoutMs: number): Promise<TopicSample> {
  if (!(await admin.listTopics()).includes(topic)) throw usageError(`topic ${topic} does not exist (kbench topic list shows the topics)`);
  const ends = await admin.fetchTopicOffsets(topic);
  const remaining = new Map(ends.map((o) => [o.partition, Number(o.high) - Number(o.low)]));
  const out: TopicSample = { partitions: ends.length, keys: new Map(), nullRecords: 0, records: 0 };
  const target = Math.min(sample, [...remaining.values()].reduce((a, b) => a + b, 0));
  if (target === 0) return out;
  const last = new Map(ends.map((o) => [o.partition, Number(o.high) - 1]));
  const groupId = `kbench-analyze-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await withTimeout(new Promise<void>((resolve, reject) => {
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            if (out.records >= target || Number(m.offset) > last.get(batch.partition)!) break;
            out.records++;
            if (m.key === null) out.nullRecords++;
            else {
              const text = m.key.toString('utf8');
              let parts = out.keys.get(text);
              if (!parts) out.keys.set(text, (parts = new Map()));
              parts.set(batch.partition, (parts.get(batch.partition) ?? 0) + 1);
            }
            if (Number(m.offset) === last.get(batch.partition)) remaining.set(batch.partition, 0);
          }
          if (out.records >= target || [...remaining.values()].every((r) => r <= 0)) resolve();
        },
      }).catch(reject);
    }), timeoutMs, `reading ${target} records of ${topic} took longer than ${timeoutMs / 1000} s`);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return out;
}
