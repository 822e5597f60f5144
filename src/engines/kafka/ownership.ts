// Whether a topic is the one kbench created: its name has a well-formed record in the registry AND
// the topic ID recorded there is the topic's current ID on the broker. Anything less (no registry,
// a registry that cannot be read, a record without an ID or that cannot be decoded, a broker that
// cannot tell topic IDs, a different ID) means "not kbench's", with the reason, so that alter and
// delete without --force are refused and describe/list never claim a topic they cannot prove.
import type { Driver, DriverAdmin, TopicIds } from '../../drivers/driver.js';
import { describeError } from '../../drivers/errors.js';
import { ERROR_CODES, usageError, type KbenchError } from '../../errors.js';
import { DEFAULT_REGISTRY, readRegistry, type Registry, type RegistryView } from './registry.js';

export type Ownership =
  | { kind: 'owned'; topicId: string }
  | { kind: 'not-recorded' }
  | { kind: 'no-registry' }
  | { kind: 'registry-unreadable'; why: string }
  | { kind: 'no-id' }
  | { kind: 'damaged'; why: string }
  | { kind: 'recreated'; recorded: string; current: string }
  | { kind: 'gone' }
  | { kind: 'unverifiable'; why: string };

/** The verdict for one topic, from what the registry says and what the broker says now (`ids`:
 * null when kbench did not ask, because no record had an ID to compare). */
export function judgeOwnership(topic: string, registry: RegistryView, ids: TopicIds | null): Ownership {
  if (registry.state === 'missing') return { kind: 'no-registry' };
  if (registry.state === 'unreadable') return { kind: 'registry-unreadable', why: registry.why };
  const record = registry.records.get(topic);
  if (!record) return { kind: 'not-recorded' };
  if (record.kind === 'no-id') return { kind: 'no-id' };
  if (record.kind === 'damaged') return { kind: 'damaged', why: record.why };
  if (!ids) return { kind: 'unverifiable', why: 'kbench did not ask the broker for its topic ID' };
  if (!ids.supported) return { kind: 'unverifiable', why: ids.why };
  const current = ids.ids.get(topic);
  if (!current) return { kind: 'gone' };
  return current === record.topicId ? { kind: 'owned', topicId: current } : { kind: 'recreated', recorded: record.topicId, current };
}

/** The broker's current topic IDs, or why it cannot give them. Never throws. */
export async function currentTopicIds(admin: DriverAdmin, topics: readonly string[]): Promise<TopicIds> {
  return admin.topicIds(topics).catch((e): TopicIds => ({ supported: false, why: `the broker did not answer kbench's request for topic IDs: ${describeError(e)}` }));
}

/** The verdicts for `topics` (which exist, as far as the caller knows); `known`: their current IDs
 * when the caller has already asked. Never throws: whatever cannot be read or asked makes a topic
 * "not kbench's", with the reason. */
export async function ownershipOf(driver: Driver, admin: DriverAdmin, topics: readonly string[], registry: Registry = DEFAULT_REGISTRY, known?: TopicIds): Promise<Map<string, Ownership>> {
  const view = await readRegistry(driver, admin, registry);
  const toVerify = view.state === 'read' ? topics.filter((t) => view.records.get(t)?.kind === 'id') : [];
  const ids = known ?? (toVerify.length > 0 ? await currentTopicIds(admin, toVerify) : null);
  return new Map(topics.map((t) => [t, judgeOwnership(t, view, ids)]));
}

/** Verdicts that are certain the topic is not kbench's (the others only cannot prove it is). */
const CERTAIN = new Set<Ownership['kind']>(['not-recorded', 'no-registry', 'recreated']);

/** Why a topic is not kbench's, as a clause; null when there is nothing to add (owned, or plainly
 * never recorded). */
export function ownershipReason(o: Ownership, registry: Registry = DEFAULT_REGISTRY): string | null {
  const r = registry.topic;
  switch (o.kind) {
    case 'owned':
    case 'not-recorded':
      return null;
    case 'no-registry': return `there is no ${r} on this cluster`;
    case 'registry-unreadable': return `kbench cannot read its registry ${r}: ${o.why}`;
    case 'no-id': return `recorded without a topic ID by an older kbench, so kbench cannot tell it from a topic re-created under its name`;
    case 'damaged': return `its record in ${r} is damaged: ${o.why}`;
    case 'recreated': return `re-created since kbench created a topic of this name: its topic ID is ${o.current}, kbench recorded ${o.recorded}`;
    case 'gone': return 'it no longer exists';
    case 'unverifiable': return `kbench cannot verify its topic ID: ${o.why}`;
  }
}

/** How describe shows a verdict: null for "created by kbench" and for a topic never recorded. */
export function ownershipNote(o: Ownership, registry: Registry = DEFAULT_REGISTRY): string | null {
  const reason = ownershipReason(o, registry);
  if (reason === null) return null;
  return `${CERTAIN.has(o.kind) ? 'not created by kbench' : 'not treated as created by kbench'}: ${reason}`;
}

/** The one-line refusal to alter or delete a topic that is not kbench's (exit 2). */
export function refusal(topic: string, verb: string, o: Ownership, registry: Registry = DEFAULT_REGISTRY): KbenchError {
  const force = 'add --force if you mean it';
  if (o.kind === 'gone') return usageError(`topic ${topic} does not exist (kbench topic list shows the topics)`);
  if (o.kind === 'registry-unreadable') {
    return usageError(`kbench cannot read its registry ${registry.topic} (${o.why}); it treats no topic as its own, so it will not ${verb} ${topic}: ${force}`, ERROR_CODES.notOwned);
  }
  const reason = ownershipReason(o, registry);
  const what = CERTAIN.has(o.kind) ? `topic ${topic} was not created by kbench` : `kbench does not treat topic ${topic} as its own`;
  return usageError(`${what}${reason ? ` (${reason})` : ''}; refusing to ${verb} it (${force})`, ERROR_CODES.notOwned);
}
