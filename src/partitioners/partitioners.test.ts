// Every vector here comes from a client project's own test suite, as listed in
// ../shared/reference/partitioners.md §8 (file named beside each block).
import { describe, expect, it } from 'vitest';
import { crc32, fnv1a32, kafkajsLegacyMurmur2, murmur2 } from './hashes.js';
import { absModulo, maskedModulo, unsignedModulo } from './to-partition.js';
import { CLIENT_PROFILES, keyBytes } from './profiles.js';

const b = keyBytes;
const LONG = 'this is another string with more length to it perhaps';

describe('murmur2 (Java Utils.murmur2)', () => {
  // apache/kafka UtilsTest#testMurmur2
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('kafka UtilsTest %s → %i', (key, expected) => expect(murmur2(b(key))).toBe(expected));

  // tulios/kafkajs default/murmur2.spec.js (generated with Java)
  it.each([
    ['0', 971027396], ['1', -1993445489], ['128', -326012175], ['2187', -1508407203],
    ['16384', -325739742], ['78125', -1654490814], ['279936', 1462227128], ['823543', -2014198330],
    ['2097152', 607668903], ['4782969', -1182699775], ['10000000', -1830336757], ['19487171', -1603849305],
    ['35831808', -857013643], ['62748517', -1167431028], ['105413504', -381294639], ['170859375', -1658323481],
    ['100:48069', 1009543857],
  ])('kafkajs spec %s → %i', (key, expected) => expect(murmur2(b(key))).toBe(expected));

  // confluentinc/librdkafka rdmurmur2.c unittest (uint32 values)
  it.each([
    ['kafka', 0xd067cf64], ['giberish123456789', 0x8f552b0c], ['1234', 0x9fc97b14], ['234', 0xe7c009ca],
    ['34', 0x873930da], ['4', 0x5a4b5ca1], ['PreAmbleWillBeRemoved,ThePrePartThatIs', 0x78424f1c],
    ['reAmbleWillBeRemoved,ThePrePartThatIs', 0x4a62b377], ['eAmbleWillBeRemoved,ThePrePartThatIs', 0xe0e4e09e],
    ['AmbleWillBeRemoved,ThePrePartThatIs', 0x62b8b43f], ['', 0x106e08d9],
  ])('librdkafka %s → 0x%s', (key, expected) => expect(murmur2(b(key)) >>> 0).toBe(expected));

  // IBM/sarama partitioner_test.go#TestMurmur2
  it.each([['foo', 597841616], ['bar', 988958145], ['baz', 1973573280], ['sarama', 770765511], ['', 275646681]])(
    'sarama %s → %i', (key, expected) => expect(murmur2(b(key))).toBe(expected));
});

describe('kafkajs legacy murmur2', () => {
  // tulios/kafkajs legacy/murmur2.spec.js
  it.each([
    ['0', 272173970], ['1', 1311020360], ['128', 2053105854], ['2187', -2081355488], ['16384', 204404061],
    ['78125', -677491393], ['279936', -622460209], ['823543', 651276451], ['2097152', 944683677],
    ['4782969', -892695770], ['10000000', -1778616326], ['19487171', -518311627], ['35831808', 556972389],
    ['62748517', -233806557], ['105413504', -109398538], ['170859375', 102939717],
  ])('%s → %i', (key, expected) => expect(kafkajsLegacyMurmur2(b(key))).toBe(expected));
});

describe('key → partition vectors', () => {
  // IBM/sarama TestMurmur2Partitioner: "known Java-compatible partition assignments"
  it.each([['foo', 16], ['bar', 45], ['baz', 80], ['kafka', 80], ['sarama', 11]])(
    'Java murmur2 %s @100 → %i', (key, p) => {
      expect(maskedModulo(murmur2(b(key)), 100)).toBe(p);
      expect(CLIENT_PROFILES.java.partitionForKey(b(key), 100)).toBe(p);
    });

  // confluentinc/librdkafka tests/0048-partitioner.c (7 and 17 partitions)
  it.each([
    ['', 2, 11], ['23456', 5, 9], [LONG, 1, 11], ['hejsan', 6, 5],
  ])('librdkafka murmur2 %s → %i/%i', (key, p7, p17) => {
    expect(maskedModulo(murmur2(b(key)), 7)).toBe(p7);
    expect(maskedModulo(murmur2(b(key)), 17)).toBe(p17);
  });
  it.each([
    ['', 0, 0], ['23456', 5, 7], [LONG, 6, 15], ['hejsan', 3, 14],
  ])('librdkafka consistent (crc32) %s → %i/%i', (key, p7, p17) => {
    expect(unsignedModulo(crc32(b(key)), 7)).toBe(p7);
    expect(unsignedModulo(crc32(b(key)), 17)).toBe(p17);
  });
  it.each([
    ['', 2, 0], ['23456', 5, 6], [LONG, 6, 0], ['hejsan', 3, 4],
  ])('librdkafka fnv1a %s → %i/%i', (key, p7, p17) => {
    expect(absModulo(fnv1a32(b(key)), 7)).toBe(p7);
    expect(absModulo(fnv1a32(b(key)), 17)).toBe(p17);
  });
  it('crc32 raw values from librdkafka 0048', () => {
    expect(crc32(b('23456'))).toBe(0xb1b451d7);
    expect(crc32(b(LONG))).toBe(0xb0150df7);
    expect(crc32(b('hejsan'))).toBe(0xd077037e);
  });

  // IBM/sarama TestConsistentCRCHashPartitioner (unsigned crc32 % 100)
  it.each([
    ['abc123def456', 57], ['SheetJS', 26], ['9e8c7f4cf45857cfff7645d6', 24],
    ['3900446192ff85a5f67da10c', 75], ['0f4407b7a67d6d27de372198', 50],
  ])('sarama CRC %s @100 → %i', (key, p) => {
    expect(unsignedModulo(crc32(b(key)), 100)).toBe(p);
    expect(CLIENT_PROFILES.librdkafka.partitionForKey(b(key), 100)).toBe(p);
  });

  // IBM/sarama TestHashPartitionerMinInt32: fnv1a32 = 2^31 must stay in range (computed 48 @50)
  it('sarama FNV-1a INT32_MIN case stays in range', () => {
    expect(fnv1a32(b('1468509572224'))).toBe(2147483648);
    expect(CLIENT_PROFILES.sarama.partitionForKey(b('1468509572224'), 50)).toBe(48);
  });

  // librdkafka rdfnv1a.c unittest: rd_fnv1a = abs(int32(fnv1a))
  it.each([
    ['kafka', 0xd33c4e1], ['giberish123456789', 0x77a58295], ['1234', 0x23bdd03], ['234', 0x2dea3cd2],
    ['34', 0x740fa83e], ['4', 0x310ca263], ['PreAmbleWillBeRemoved,ThePrePartThatIs', 0x65cbd69c], ['', 0x7ee3623b],
  ])('librdkafka rd_fnv1a %s', (key, expected) => {
    const h = fnv1a32(b(key)) | 0;
    expect((h < 0 ? -h : h) >>> 0).toBe(expected);
  });
});

describe('client profiles side by side (reference §8.4, N = 6)', () => {
  it.each([
    ['foo', 2, 2, 5, 5, 1], ['bar', 3, 3, 4, 2, 2], ['kafka', 4, 0, 1, 5, 5], ['21', 0, 2, 2, 4, 0],
    ['1', 3, 5, 2, 5, 4], ['order-1', 4, 4, 1, 1, 1], ['order-2', 3, 5, 4, 3, 4], ['order-3', 3, 5, 3, 5, 3],
    ['user-42', 4, 4, 2, 1, 3], ['abc', 3, 3, 5, 0, 5],
  ])('%s', (key, java, platformatic, legacy, librdkafka, sarama) => {
    const at = (c: keyof typeof CLIENT_PROFILES) => CLIENT_PROFILES[c].partitionForKey(b(key), 6);
    expect([at('java'), at('kafkajs'), at('franz-go'), at('platformatic'), at('kafkajs-legacy'), at('librdkafka'), at('sarama')])
      .toEqual([java, java, java, platformatic, legacy, librdkafka, sarama]);
  });
});

describe('keyBytes', () => {
  it('is the UTF-8 encoding of the key, ASCII or not', () => {
    const encoder = new TextEncoder();
    for (const key of ['', 'user-42', 'DE', '~\x7f', 'x'.repeat(20_000), 'ключ-é', '😀', 'a\u0080', 'lone \ud800 surrogate', 'mixed-ascii-then-ü']) {
      expect(keyBytes(key)).toEqual(encoder.encode(key));
    }
  });
});
