// The library's errors, built with its own classes (no broker), as KafkaClientError.
import { describe, expect, it } from 'vitest';
import { describeError, isRetriable, KafkaClientError, kafkaErrorName } from '../errors.js';
import { responseOf, translateError } from './error-translation.js';

const lib = await import('@platformatic/kafka');
const sysError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('translateError', () => {
  it('a broker error code after retries: the last answer, by Kafka\'s name, retriable as Kafka says, the library error as cause', () => {
    const retried = new lib.MultipleErrors('produce failed 3 times.', [
      new lib.ResponseError(0, 9, { '/responses/0/partition_responses/0': 7 }, {}),
      new lib.ResponseError(0, 9, { '/responses/0/partition_responses/0': 6 }, { answer: 1 }),
    ]);
    const e = translateError(retried, 'producing to t') as KafkaClientError;
    expect(e).toBeInstanceOf(KafkaClientError);
    expect(e).toMatchObject({ type: 'NOT_LEADER_OR_FOLLOWER', kind: 'protocol', retriable: true });
    expect(e.message).toMatch(/^producing to t: /);
    expect(e.errors?.map((x) => x.type)).toEqual(['REQUEST_TIMED_OUT', 'NOT_LEADER_OR_FOLLOWER']);
    expect(e.cause).toBe(retried);
    expect(isRetriable(e) && kafkaErrorName(e)).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(responseOf(retried)).toEqual({ answer: 1 });
  });

  it('errors Kafka\'s clients do not retry stay so', () => {
    for (const [code, name] of [[36, 'TOPIC_ALREADY_EXISTS'], [29, 'TOPIC_AUTHORIZATION_FAILED'], [45, 'OUT_OF_ORDER_SEQUENCE_NUMBER'], [27, 'REBALANCE_IN_PROGRESS']] as const) {
      const e = translateError(new lib.ProtocolError(code)) as KafkaClientError;
      expect(e, name).toMatchObject({ type: name, kind: 'protocol', retriable: false });
    }
    expect(translateError(new lib.ProtocolError(15))).toMatchObject({ type: 'COORDINATOR_NOT_AVAILABLE', retriable: true });
    expect(describeError(translateError(new lib.ProtocolError(29)))).toMatch(/^not authorized \(TOPIC_AUTHORIZATION_FAILED\)/);
  });

  it('a wrong password: authentication, not retriable, the broker\'s sentence, one line', () => {
    const refused = new lib.NetworkError('Connection to 127.0.0.1:9094 failed.', {
      cause: new lib.AuthenticationError('SASL authentication failed.', {
        cause: new lib.ResponseError(36, 2, { '': 58 }, { errorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512' }),
      }),
    });
    const e = translateError(refused) as KafkaClientError;
    expect(e).toMatchObject({ kind: 'authentication', retriable: false, type: 'SASL_AUTHENTICATION_FAILED' });
    expect(describeError(e)).toBe('authentication failed (Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512); check the username and password, and that the user exists for this mechanism');
  });

  it('a mechanism the listener does not enable is named by its code, with its hint', () => {
    const e = translateError(new lib.NetworkError('Connection to h:1 failed.', { cause: new lib.AuthenticationError('Cannot find a suitable SASL mechanism.', { cause: new lib.ResponseError(17, 1, { '': 33 }, {}) }) }));
    expect(e).toMatchObject({ kind: 'protocol', type: 'UNSUPPORTED_SASL_MECHANISM', retriable: false });
    expect(describeError(e)).toMatch(/UNSUPPORTED_SASL_MECHANISM.*sasl\.enabled\.mechanisms/);
  });

  it('connections: refused is retriable with its errno code; TLS trust is not; a connect timeout is a timeout', () => {
    const refused = translateError(new lib.NetworkError('Connection to 127.0.0.1:1 failed.', { cause: sysError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1') }));
    expect(refused).toMatchObject({ kind: 'connection', retriable: true, code: 'ECONNREFUSED' });
    expect(refused.message).toBe('Connection to 127.0.0.1:1 failed. connect ECONNREFUSED 127.0.0.1:1');
    const untrusted = translateError(new lib.MultipleErrors('metadata failed 2 times.', [new lib.NetworkError('Connection to 127.0.0.1:9094 failed.', { cause: sysError('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate') })]));
    expect(untrusted).toMatchObject({ kind: 'tls', retriable: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(translateError(new lib.TimeoutError('Connection to 127.0.0.1:9 timed out.'))).toMatchObject({ kind: 'timeout', retriable: true });
    expect(translateError(new lib.NetworkError('Client is closed.', { closed: true }))).toMatchObject({ retriable: false });
  });

  it('anything else is kind other; a KafkaClientError or KbenchError passes as it is', () => {
    expect(translateError(new lib.UnsupportedCompressionError('zstd is not supported in the current Node.js version'))).toMatchObject({ kind: 'other', retriable: false, message: 'zstd is not supported in the current Node.js version' });
    const already = new KafkaClientError({ message: 'x', kind: 'other', retriable: false });
    expect(translateError(already)).toBe(already);
    expect(translateError('plain')).toMatchObject({ kind: 'other', message: 'plain' });
  });
});
