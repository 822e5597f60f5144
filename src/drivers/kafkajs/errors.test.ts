// The broker's error codes as kafkajs itself turns them into errors (its own code → name table),
// translated at the seam (errors.ts): the names kbench keys its hints by are checked against the
// client, not against this file.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { hintFor } from '../error-hints.js';
import { describeError as describeClientError, isRetriable as isClientRetriable, kafkaErrorName as clientErrorName } from '../errors.js';
import { fromKafkajs } from './errors.js';

// Every judgement is made on the error as it crosses the seam, translated from kafkajs's.
const describeError = (e: unknown) => describeClientError(fromKafkajs(e));
const isRetriable = (e: unknown) => isClientRetriable(fromKafkajs(e));
const kafkaErrorName = (e: unknown) => clientErrorName(fromKafkajs(e));

const require = createRequire(import.meta.url);
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode(code: number): Error & { type: string } };
const { KafkaJSProtocolError, KafkaJSAggregateError } = require('kafkajs/src/errors.js') as {
  KafkaJSProtocolError: new (e: unknown) => Error & { type: string };
  KafkaJSAggregateError: new (message: string, errors: unknown[]) => Error;
};

// Kafka's protocol error codes (org.apache.kafka.common.protocol.Errors) for the cases users meet most.
const CODES = { UNKNOWN_TOPIC_OR_PARTITION: 3, LEADER_NOT_AVAILABLE: 5, NOT_LEADER_OR_FOLLOWER: 6, REQUEST_TIMED_OUT: 7, MESSAGE_TOO_LARGE: 10,
  COORDINATOR_LOAD_IN_PROGRESS: 14, NOT_ENOUGH_REPLICAS: 19, INVALID_SESSION_TIMEOUT: 26, INVALID_REPLICATION_FACTOR: 38, NON_EMPTY_GROUP: 68, GROUP_ID_NOT_FOUND: 69 };

describe('Kafka errors in one line, with their name and what to do', () => {
  for (const [name, code] of Object.entries(CODES)) {
    it(`${name} (code ${code})`, () => {
      const e = new KafkaJSProtocolError(createErrorFromCode(code));
      expect(kafkaErrorName(e)).toBe(name); // kafkajs's table (under today's names) agrees with Kafka's code
      const line = describeError(e);
      expect(line).toContain(`(${name})`);
      expect(line).toContain(hintFor(name));
      expect(line).not.toMatch(/\n/);
    });
  }

  it('names every code of an aggregate error (createTopics) and advises on the first', () => {
    const e = new KafkaJSAggregateError('Topic creation errors', [
      new KafkaJSProtocolError(createErrorFromCode(38)),
      new KafkaJSProtocolError(createErrorFromCode(38)),
    ]);
    expect(describeError(e)).toBe(`Topic creation errors: INVALID_REPLICATION_FACTOR: ${hintFor('INVALID_REPLICATION_FACTOR')}`);
  });

  it('the errors a client retries are judged under either name', () => {
    expect(isRetriable(new KafkaJSProtocolError(createErrorFromCode(14)))).toBe(true);
    expect(isRetriable(new KafkaJSProtocolError(createErrorFromCode(6)))).toBe(true);
    expect(isRetriable(new KafkaJSProtocolError(createErrorFromCode(38)))).toBe(false);
  });

  it('an error without a code keeps its message and cause', () => {
    expect(describeError(new Error('outer', { cause: new Error('inner') }))).toBe('outer: inner');
  });
});
