// The ownership verdict and its messages, without a broker (test/kafka/ownership.test.ts has the
// same against the real one).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, EXIT } from '../../errors.js';
import { judgeOwnership, ownershipNote, refusal, type Ownership } from './ownership.js';
import { encodeRecord, parseRecord, type RegistryRecord, type RegistryView } from './registry.js';
import type { TopicIds } from '../../drivers/driver.js';

const A = 'AQIDBAUGBwgJCgsMDQ4PEA';
const B = 'j2tZFmaBS4mJBdDaosuwyQ';
const read = (records: Record<string, RegistryRecord>): RegistryView => ({ state: 'read', records: new Map(Object.entries(records)) });
const ids = (m: Record<string, string | null>): TopicIds => ({ supported: true, ids: new Map(Object.entries(m)) });

describe('registry records', () => {
  it('what kbench writes reads back as the topic ID', () => {
    expect(parseRecord(Buffer.from(encodeRecord(A)))).toEqual({ kind: 'id', topicId: A });
  });

  it('a record of an older kbench (no topicId) is told apart; anything else is damaged', () => {
    expect(parseRecord(Buffer.from('{"createdBy":"kbench","createdAt":"2025-01-01T00:00:00.000Z"}'))).toEqual({ kind: 'no-id' });
    expect(parseRecord(Buffer.from('\u0000\u00ffgarbage'))).toEqual({ kind: 'damaged', why: 'not JSON' });
    expect(parseRecord(Buffer.from('[1,2]'))).toEqual({ kind: 'damaged', why: 'not a record kbench wrote' });
    expect(parseRecord(Buffer.from('{"createdBy":"someone"}'))).toEqual({ kind: 'damaged', why: 'not a record kbench wrote' });
    for (const bad of ['"x1b"', '12', 'null', `"${A}="`, `"${A.slice(0, 21)}B"`]) {
      expect(parseRecord(Buffer.from(`{"createdBy":"kbench","topicId":${bad}}`))).toEqual({ kind: 'damaged', why: 'its topicId is not a Kafka topic ID' });
    }
  });
});

describe('the verdict', () => {
  it('owned only when the recorded ID is the topic\'s current ID', () => {
    expect(judgeOwnership('t', read({ t: { kind: 'id', topicId: A } }), ids({ t: A }))).toEqual({ kind: 'owned', topicId: A });
    expect(judgeOwnership('t', read({ t: { kind: 'id', topicId: A } }), ids({ t: B }))).toEqual({ kind: 'recreated', recorded: A, current: B });
    expect(judgeOwnership('t', read({ t: { kind: 'id', topicId: A } }), ids({ t: null }))).toEqual({ kind: 'gone' });
  });

  it('fails safe: no registry, an unreadable one, an old or damaged record, a broker without topic IDs', () => {
    const rec = read({ t: { kind: 'id', topicId: A } });
    expect(judgeOwnership('t', { state: 'missing' }, null).kind).toBe('no-registry');
    expect(judgeOwnership('t', { state: 'unreadable', why: 'x' }, ids({ t: A })).kind).toBe('registry-unreadable');
    expect(judgeOwnership('t', read({ t: { kind: 'no-id' } }), ids({ t: A })).kind).toBe('no-id');
    expect(judgeOwnership('t', read({ t: { kind: 'damaged', why: 'not JSON' } }), ids({ t: A })).kind).toBe('damaged');
    expect(judgeOwnership('t', rec, { supported: false, why: 'old broker' })).toEqual({ kind: 'unverifiable', why: 'old broker' });
    expect(judgeOwnership('t', rec, null).kind).toBe('unverifiable');
    expect(judgeOwnership('u', rec, ids({ t: A, u: B })).kind).toBe('not-recorded');
  });

  it('generated: owned exactly when a well-formed record\'s ID equals the broker\'s current ID', () => {
    const id = fc.constantFrom(A, B);
    const record = fc.oneof(
      fc.record({ kind: fc.constant('id' as const), topicId: id }),
      fc.constant({ kind: 'no-id' as const }),
      fc.constant({ kind: 'damaged' as const, why: 'x' }),
    );
    const view: fc.Arbitrary<RegistryView> = fc.oneof(
      fc.constant({ state: 'missing' as const }),
      fc.constant({ state: 'unreadable' as const, why: 'x' }),
      fc.option(record, { nil: undefined }).map((r) => read(r ? { t: r } : {})),
    );
    const broker: fc.Arbitrary<TopicIds | null> = fc.oneof(
      fc.constant(null),
      fc.constant({ supported: false as const, why: 'x' }),
      fc.option(id, { nil: null }).map((i) => ids({ t: i })),
    );
    fc.assert(fc.property(view, broker, (v, b) => {
      const r = v.state === 'read' ? v.records.get('t') : undefined;
      const current = b?.supported ? b.ids.get('t') : undefined;
      const expectOwned = r?.kind === 'id' && current === r.topicId;
      expect(judgeOwnership('t', v, b).kind === 'owned').toBe(expectOwned);
    }), { numRuns: 300 });
  });
});

describe('what kbench says', () => {
  const verdicts: Ownership[] = [
    { kind: 'not-recorded' }, { kind: 'no-registry' }, { kind: 'registry-unreadable', why: 'reading it took longer than 30 s' },
    { kind: 'no-id' }, { kind: 'damaged', why: 'not JSON' }, { kind: 'recreated', recorded: A, current: B }, { kind: 'unverifiable', why: 'old broker' },
  ];

  it('every refusal is one line, exit 2, KBENCH_NOT_OWNED, and names --force', () => {
    for (const v of verdicts) {
      const e = refusal('x1b', 'delete', v);
      expect(e.problems).toHaveLength(1);
      expect(e.exitCode).toBe(EXIT.usage);
      expect(e.code).toBe(ERROR_CODES.notOwned);
      expect(e.message).toMatch(/add --force if you mean it/);
    }
  });

  it('the reasons, in words', () => {
    const msg = (v: Ownership) => refusal('x1b', 'delete', v).message;
    expect(msg({ kind: 'not-recorded' })).toBe('topic x1b was not created by kbench; refusing to delete it (add --force if you mean it)');
    expect(msg({ kind: 'registry-unreadable', why: 'reading it took longer than 30 s' })).toBe(
      'kbench cannot read its registry kbench.owned-topics (reading it took longer than 30 s); it treats no topic as its own, so it will not delete x1b: add --force if you mean it');
    expect(msg({ kind: 'no-id' })).toBe('kbench does not treat topic x1b as its own (recorded without a topic ID by an older kbench, so kbench cannot tell it from a topic re-created under its name); refusing to delete it (add --force if you mean it)');
    expect(msg({ kind: 'recreated', recorded: A, current: B })).toBe(
      `topic x1b was not created by kbench (re-created since kbench created a topic of this name: its topic ID is ${B}, kbench recorded ${A}); refusing to delete it (add --force if you mean it)`);
    expect(msg({ kind: 'gone' })).toMatch(/^topic x1b does not exist/);
  });

  it('describe adds a note only when there is more to say than "not created by kbench"', () => {
    expect(ownershipNote({ kind: 'owned', topicId: A })).toBeNull();
    expect(ownershipNote({ kind: 'not-recorded' })).toBeNull();
    expect(ownershipNote({ kind: 'recreated', recorded: A, current: B })).toMatch(/^not created by kbench: re-created since/);
    expect(ownershipNote({ kind: 'no-id' })).toMatch(/^not treated as created by kbench: recorded without a topic ID by an older kbench/);
  });
});
