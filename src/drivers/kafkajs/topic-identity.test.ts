// The Metadata v10–v12 encoder and decoder against bytes written out by hand from Kafka's
// MetadataRequest.json / MetadataResponse.json (Kafka 4.1.1) and the flexible header rules
// (RequestHeader v2, ResponseHeader v1): no bytes here come from the code under test.
import { describe, expect, it } from 'vitest';
import { kafkajsModule } from './fast-path/modules.js';
import { decodeMetadataResponse, encodeMetadataRequest, MetadataDecodeError, metadataVersionFor, uuidText } from './topic-identity.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ID_1_TO_16 = '0102030405060708090a0b0c0d0e0f10';
const ZERO_ID = '00'.repeat(16);

describe('Metadata request', () => {
  it('v12: header tagged fields, then Topics [TopicId Name tags] AllowAutoTopicCreation IncludeTopicAuthorizedOperations tags', () => {
    expect(encodeMetadataRequest(['ab'], 12)).toEqual(hex(`
      00                      -- request header v2 tagged fields: none
      02                      -- Topics: compact array of 1
        ${ZERO_ID}            -- TopicId: zero (asked by name)
        03 6162               -- Name: compact string "ab"
        00                    -- topic tagged fields
      00                      -- AllowAutoTopicCreation: false
      00                      -- IncludeTopicAuthorizedOperations: false
      00                      -- tagged fields
    `.replace(/--[^\n]*/g, '')));
  });

  it('v11 is v12; v10 still has IncludeClusterAuthorizedOperations', () => {
    expect(encodeMetadataRequest(['ab'], 11)).toEqual(encodeMetadataRequest(['ab'], 12));
    expect(encodeMetadataRequest([], 10)).toEqual(hex('00 01 00 00 00 00'));
  });

  it('a name of 200 characters has a two-byte length (unsigned varint of 201)', () => {
    const name = 'n'.repeat(200);
    const bytes = encodeMetadataRequest([name], 12);
    expect(bytes.subarray(0, 2 + 16 + 2)).toEqual(hex(`00 02 ${ZERO_ID} c901`));
    expect(bytes.length).toBe(2 + 16 + 2 + 200 + 1 + 3);
  });

  it('framed by kafkajs: size, RequestHeader v2 (key 3, version 12, correlation id, int16 client id, tagged fields), body', async () => {
    const createRequest = kafkajsModule<(o: unknown) => Promise<{ buffer: Buffer }>>('src/protocol/request');
    const Encoder = kafkajsModule<new () => { writeBuffer(b: Buffer): unknown }>('src/protocol/encoder');
    const body = encodeMetadataRequest(['ab'], 12);
    const frame = await createRequest({ correlationId: 7, clientId: 'kb', request: { apiKey: 3, apiVersion: 12, encode: async () => new Encoder().writeBuffer(body) } });
    const afterSize = hex(`0003 000c 00000007 0002 6b62 00 02 ${ZERO_ID} 03 6162 00 00 00 00`);
    expect(frame.buffer).toEqual(Buffer.concat([hex((afterSize.length).toString(16).padStart(8, '0')), afterSize]));
  });

  it('only v10–v12 are encoded', () => {
    expect(() => encodeMetadataRequest(['a'], 9)).toThrow(RangeError);
    expect(() => encodeMetadataRequest(['a'], 13)).toThrow(RangeError);
  });
});

/** A v10–v12 response (after its correlation id) with one broker, a topic "ab" with one partition
 * and a topic "zz" the broker does not know. */
function response(version: number, headerTags = '00'): Buffer {
  return hex(`
    ${headerTags}                     -- response header v1 tagged fields
    00000000                          -- ThrottleTimeMs
    02                                -- Brokers: 1
      00000001 02 68 00002384 00 00   --   NodeId 1, Host "h", Port 9092, Rack null, tags
    02 63                             -- ClusterId "c"
    00000001                          -- ControllerId
    03                                -- Topics: 2
      0000 03 6162 ${ID_1_TO_16} 00   --   ErrorCode 0, Name "ab", TopicId, IsInternal false
      02                              --   Partitions: 1
        0000 00000000 00000001 00000005 --   ErrorCode, PartitionIndex 0, LeaderId 1, LeaderEpoch 5
        02 00000001 02 00000001 01 00 --     ReplicaNodes [1], IsrNodes [1], OfflineReplicas [], tags
      80000000 00                     --   TopicAuthorizedOperations (unset), tags
      0003 03 7a7a ${ZERO_ID} 00 01   --   ErrorCode 3 UNKNOWN_TOPIC_OR_PARTITION, Name "zz", zero id, no partitions
      80000000 00
    ${version === 10 ? '80000000' : ''} -- ClusterAuthorizedOperations (v8–v10)
    00                                -- tagged fields
  `.replace(/--[^\n]*/g, ''));
}

describe('Metadata response', () => {
  const expected = [
    { name: 'ab', errorCode: 0, topicId: 'AQIDBAUGBwgJCgsMDQ4PEA' },
    { name: 'zz', errorCode: 3, topicId: null },
  ];

  it('v12 and v11: each topic\'s name, error and topic ID in Kafka\'s text form', () => {
    expect(decodeMetadataResponse(response(12), 12)).toEqual(expected);
    expect(decodeMetadataResponse(response(11), 11)).toEqual(expected);
  });

  it('v10 carries ClusterAuthorizedOperations before its tagged fields', () => {
    expect(decodeMetadataResponse(response(10), 10)).toEqual(expected);
    expect(() => decodeMetadataResponse(response(12), 10)).toThrow(MetadataDecodeError);
  });

  it('tagged fields in the response header are skipped by their sizes', () => {
    expect(decodeMetadataResponse(response(12, '02 00 02 abcd 05 01 ff'), 12)).toEqual(expected);
  });

  it('a truncated or over-long response is an error, not a guess', () => {
    const full = response(12);
    for (const cut of [1, 5, 20, full.length - 1]) expect(() => decodeMetadataResponse(full.subarray(0, cut), 12)).toThrow(MetadataDecodeError);
    expect(() => decodeMetadataResponse(Buffer.concat([full, hex('00')]), 12)).toThrow(/1 bytes after its end/);
  });

  it('topic IDs are printed as Kafka prints them (kafka-topics --describe: URL-safe base64, no padding)', () => {
    expect(uuidText(hex('ffffffffffffffffffffffffffffffff'))).toBe('_____________________w');
  });
});

describe('the version asked for', () => {
  it('the highest of v10–v12 the broker supports; none below v10', () => {
    expect([undefined, 6, 9, 10, 11, 12, 13].map(metadataVersionFor)).toEqual([null, null, null, 10, 11, 12, 12]);
  });
});
