// What to do about a Kafka error a user meets. Client libraries report the broker's error code by
// Kafka's name (upper-cased: NOT_ENOUGH_REPLICAS) and a sentence of the protocol's description;
// neither says what the user can change. One line per error code kbench's commands can run into,
// keyed by Kafka's name so the message carries the name a user can search for.

const HINTS: Readonly<Record<string, string>> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'the topic is not on this cluster (or the broker has not learnt of it yet): check the name with kbench topic list',
  LEADER_NOT_AVAILABLE: 'a partition has no leader (a broker is down or an election is under way): check the brokers, then try again',
  NOT_LEADER_OR_FOLLOWER: 'leadership moved while kbench was talking to the old leader: a broker restarted or was moved; try again',
  COORDINATOR_LOAD_IN_PROGRESS: 'the group coordinator is still loading (the broker has just started): try again, or raise --connect-timeout',
  COORDINATOR_NOT_AVAILABLE: 'no broker serves as the group coordinator yet (__consumer_offsets has no leader): check the brokers, or raise --connect-timeout',
  NOT_COORDINATOR: 'the group moved to another coordinator: try again',
  REQUEST_TIMED_OUT: 'the broker did not answer in time (overloaded, or replicas too slow for acks=all): lower the rate or check the brokers',
  NETWORK_EXCEPTION: 'the connection to a broker broke: check the broker and the network',
  NOT_ENOUGH_REPLICAS: 'fewer in-sync replicas than min.insync.replicas, so acks=all writes are refused: bring the brokers back, or test with --acks 1',
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 'the write was stored but too few replicas followed it for acks=all: bring the brokers back, or test with --acks 1',
  MESSAGE_TOO_LARGE: "a batch is larger than the broker's message.max.bytes (or the topic's max.message.bytes): lower --batch-size or --record-size",
  RECORD_LIST_TOO_LARGE: "a batch is larger than the broker accepts: lower --batch-size",
  INVALID_REPLICATION_FACTOR: 'the replication factor is larger than the number of brokers: lower --replication-factor',
  INVALID_PARTITIONS: 'the partition count is not valid (at least 1; a topic can only grow)',
  INVALID_TOPIC_EXCEPTION: "the topic name is not valid: letters, digits, '.', '_' and '-', at most 249 characters",
  TOPIC_ALREADY_EXISTS: 'pick another name, or use the existing topic',
  POLICY_VIOLATION: "the cluster's topic policy refused the request: ask its admin which partition counts and settings it allows",
  TOPIC_DELETION_DISABLED: 'the cluster has delete.topic.enable=false: delete the topic with the cluster admin\'s tools, or keep it',
  INVALID_CONFIG: 'a topic or client setting has a value the broker refuses',
  UNSUPPORTED_VERSION: 'the broker does not support a request version kbench needs (kbench needs Kafka 2.x or newer)',
  UNSUPPORTED_SASL_MECHANISM: "the broker's listener does not enable this SASL mechanism: check sasl.mechanism against the listener's sasl.enabled.mechanisms",
  ILLEGAL_SASL_STATE: 'the SASL handshake went wrong: check security.protocol and sasl.mechanism against the listener',
  SASL_AUTHENTICATION_FAILED: 'check the username and password, and that the user exists for this mechanism',
  OUT_OF_ORDER_SEQUENCE_NUMBER: "the broker lost the idempotent producer's sequence (log truncated after an unclean failover): records may be missing; check unclean.leader.election.enable",
  DUPLICATE_SEQUENCE_NUMBER: 'the broker saw a batch twice (a retry after a lost answer); nothing is written twice with idempotence on',
  UNKNOWN_PRODUCER_ID: "the broker no longer knows this producer (its state expired or the log was deleted): try again",
  INVALID_PRODUCER_EPOCH: 'another producer with the same id took over: do not share a transactional.id',
  REBALANCE_IN_PROGRESS: 'the group is rebalancing: members rejoin by themselves; if it never ends, a member is stuck (see kbench group describe)',
  UNKNOWN_MEMBER_ID: 'the group forgot this member (its session timed out): it rejoins; a slow member needs a longer session timeout',
  ILLEGAL_GENERATION: 'the group rebalanced under this member: it rejoins by itself',
  INVALID_SESSION_TIMEOUT: "the broker allows session timeouts between its group.min.session.timeout.ms and group.max.session.timeout.ms (6 s and 30 min unless set): pick --session-timeout within them",
  INCONSISTENT_GROUP_PROTOCOL: "another member of this group uses a different assignor or protocol: use another --group or the same assignor",
  GROUP_ID_NOT_FOUND: 'no such consumer group (kbench group list shows the groups)',
  NON_EMPTY_GROUP: 'the group still has members: stop its consumers first',
  INVALID_GROUP_ID: 'the group id is not valid (empty or reserved)',
  GROUP_MAX_SIZE_REACHED: "the group has as many members as the broker's group.max.size allows: use fewer consumers",
  KAFKA_STORAGE_ERROR: "a broker's log directory failed: check the broker's disks and logs",
  CORRUPT_MESSAGE: 'a record failed its checksum on the broker: a broker disk or network fault; check the broker logs',
  OFFSET_OUT_OF_RANGE: 'the offset is no longer in the log (deleted by retention) or not yet in it',
};

/** Some clients (kafkajs 2.2.4) still use the names these codes had before Kafka renamed them (KIP-392 and the
 * coordinator renames); users search for today's names. */
const RENAMED: Readonly<Record<string, string>> = {
  NOT_LEADER_FOR_PARTITION: 'NOT_LEADER_OR_FOLLOWER',
  GROUP_LOAD_IN_PROGRESS: 'COORDINATOR_LOAD_IN_PROGRESS',
  GROUP_COORDINATOR_NOT_AVAILABLE: 'COORDINATOR_NOT_AVAILABLE',
  NOT_COORDINATOR_FOR_GROUP: 'NOT_COORDINATOR',
};

/** Kafka's current name for an error code's name as a client library spells it. */
export const currentKafkaName = (name: string): string => RENAMED[name] ?? name;

/** What a user can do about the Kafka error `name`; undefined when kbench has no advice for it. */
export const hintFor = (name: string): string | undefined => HINTS[name];
