// Waiting for a topic's partitions to have leaders, through whatever the cluster says meanwhile: a
// client library's own wait retries only LEADER_NOT_AVAILABLE, and a broker that has just created
// a topic may still answer UNKNOWN_TOPIC_OR_PARTITION for it (seen on a freshly formatted broker).
import type { DriverAdmin } from '../../drivers/driver.js';
import { KafkaClientError, retrying } from '../../drivers/errors.js';

export async function awaitLeaders(admin: DriverAdmin, topic: string, partitions: number, deadline: number): Promise<void> {
  await retrying(async () => {
    const parts = (await admin.topicMetadata([topic]))[0]?.partitions ?? [];
    if (parts.length < partitions || parts.some((p) => p.leader < 0)) {
      throw new KafkaClientError({ message: `${topic} has partitions without a leader`, type: 'LEADER_NOT_AVAILABLE', kind: 'unavailable', retriable: true });
    }
  }, deadline);
}
