// Typed run options → a frozen, validated RunSpec. Each option's own syntax and bounds were checked by
// its parser (options.ts); here are the rules between options. Every problem is reported, one line each.
import { DEFAULT_DRIVER } from './driver-names.js';
import { ERROR_CODES } from '../errors.js';
import { given, resolveOptions, type Resolved } from './collect.js';
import { kebab, Problems, type ArgsOf, type Source } from './option.js';
import { LIMITS, RUN_OPTIONS, type GroupChangeEntry } from './options.js';
import { PRODUCER_PROPERTIES } from './producer-settings.js';
import { keyLabel, type GroupChange, type RunSpec } from './run-spec.js';
import { formatDuration, runPointMs } from './units.js';
import { defaultModel, idleMedianMs } from '../engines/sim/model.js';

export type RunOptions = Resolved<typeof RUN_OPTIONS>;

/**
 * Applies --producer-config, then --producer-props (later wins), each property to the option the
 * mapping table names, read by that option's own parser. A named option given anywhere (flag,
 * KBENCH_* variable, workload field) wins over a property for the same setting.
 */
function withProducerProperties({ values, sources }: RunOptions, problems: Problems): RunOptions {
  const props = [...(values.producerConfig?.properties ?? []), ...(values.producerProps ?? [])];
  if (props.length === 0) return { values, sources };
  const v: Record<string, unknown> = { ...values };
  const s: Record<string, Source | undefined> = { ...sources };
  for (const p of props) {
    const { option, value } = PRODUCER_PROPERTIES[p.key];
    const name = option as keyof typeof RUN_OPTIONS;
    if (given(sources[name])) continue;
    const parsed = problems.try(() => RUN_OPTIONS[name].parse(value(p.value), p.label));
    if (parsed === undefined) continue;
    v[name] = parsed;
    s[name] = { kind: 'file', label: p.label };
  }
  return { values: v as RunOptions['values'], sources: s as RunOptions['sources'] };
}

export function resolveRunSpec(options: RunOptions): Readonly<RunSpec> {
  const problems = new Problems();
  const { values: o, sources } = withProducerProperties(options, problems);
  const label = (name: keyof typeof RUN_OPTIONS) => sources[name]?.label ?? name;
  const conflict = (line: string) => problems.add(line, ERROR_CODES.badOption);

  const producerClients = 'count' in o.producers ? Array.from({ length: o.producers.count }, () => o.client) : o.producers.mix;
  const client = 'mix' in o.producers ? producerClients[0] : o.client;
  const brokers = o.brokers ?? null;
  const maxRate = o.rate === 'max';
  if (maxRate && brokers === null) {
    conflict(`${label('rate')} max needs a live broker (--brokers); the simulator needs a finite rate such as 50000`);
  }
  const rate = o.rate === 'max' ? 0 : o.rate;

  let durationMs = o.duration;
  let messages: number;
  if (o.messages !== undefined) {
    messages = o.messages;
    if (!given(sources.duration)) durationMs = maxRate ? LIMITS.durationMs : (messages / rate) * 1000;
    else if (!maxRate) messages = Math.min(messages, Math.floor((rate * durationMs) / 1000));
  } else {
    messages = maxRate ? 0 : Math.floor((rate * durationMs) / 1000);
  }
  if (!maxRate && messages < 1) {
    conflict(`the run would send no records (rate ${rate}/s for ${durationMs} ms); raise ${label('duration')} or ${label('rate')}`);
  }
  if (!maxRate && messages > LIMITS.messages) {
    conflict(`the run would send ${Math.floor(messages).toLocaleString('en-US')} records (${label('rate')} × ${label('duration')}); at most ${LIMITS.messages.toLocaleString('en-US')} are supported`);
  }
  if (!maxRate && durationMs > LIMITS.durationMs) {
    conflict(`the run would last ${Math.round(durationMs / 1000)} s (${label('messages')} at ${label('rate')}); at most ${LIMITS.durationMs / 3_600_000} h are supported`);
  }
  if (maxRate && o.growTo !== undefined && !given(sources.duration)) {
    conflict(`${label('growTo')} with --rate max needs --duration (growth happens at a point in the run's time)`);
  }

  const explicitPartition = o.partition ?? null;
  if (explicitPartition !== null && explicitPartition >= o.partitions) {
    conflict(`${label('partition')} ${explicitPartition} does not exist on a ${o.partitions}-partition topic; use 0..${o.partitions - 1}`);
  }
  const growTo = o.growTo ?? null;
  if (growTo !== null && growTo <= o.partitions) {
    conflict(`${label('growTo')} ${growTo} must be above ${label('partitions')} ${o.partitions}; Kafka can only add partitions`);
  }
  const growAtMs = growTo === null ? null : runPointMs(o.growAt, durationMs);
  if (growAtMs !== null && (growAtMs <= 0 || growAtMs >= durationMs)) {
    conflict(`${label('growAt')} must fall inside the run (0 < t < ${durationMs} ms)`);
  }
  const groupChanges = resolveGroupChanges(o, durationMs, o.workers !== undefined, growTo !== null, label, conflict);
  if (brokers !== null && o.assignor === 'cooperative-sticky') {
    conflict(`${label('assignor')} cooperative-sticky needs the cooperative rebalance protocol, which kafkajs lacks; use it with the simulator, or range, roundrobin or kafkajs against a broker`);
  }
  // Kafka's rule: an idempotent producer needs acks=all. Asked for both, that is a contradiction; with
  // idempotence at its default, acks 0 or 1 turn it off (as the Java client does since 3.0).
  const idempotent = o.idempotent && (o.acks === 'all' || given(sources.idempotent));
  if (idempotent && o.acks !== 'all') {
    conflict(`${label('acks')} ${o.acks} contradicts ${label('idempotent')}: an idempotent producer needs acks=all; use --acks all, or --no-idempotent`);
  }
  // Kafka's rule too (the broker keeps the last 5 batches' sequences per producer); what a driver
  // allows below it is checked when the driver is chosen.
  if (idempotent && o.maxInFlight > 5) {
    conflict(`${label('maxInFlight')} ${o.maxInFlight} is more than an idempotent producer may have in flight (Kafka allows 5); use --max-in-flight 5 or less, or --no-idempotent`);
  }
  if (o.workers !== undefined && brokers === null) {
    conflict(`${label('workers')} needs a live cluster (--brokers): workers are coordinated through Kafka`);
  }
  if (o.workers !== undefined && o.workers > producerClients.length + o.consumers) {
    conflict(`${label('workers')} ${o.workers} needs at least as many producers and consumers together (${producerClients.length} + ${o.consumers}): each worker runs at least one`);
  }
  problems.throwIfAny();

  const model = o.model ?? { path: null, model: defaultModel() };
  const spec: RunSpec = {
    key: keyLabel(o.key),
    keySpec: o.key,
    users: o.users,
    userDist: o.userDist,
    countryDist: o.countryDist,
    devices: o.devices,
    fileOrder: o.fileOrder,
    explicitPartition,
    partitions: o.partitions,
    client,
    producers: producerClients.length,
    producerClients,
    rate,
    durationMs,
    messages,
    recordSize: o.recordSize ?? null,
    seed: o.seed,
    consumers: o.consumers,
    assignor: o.assignor,
    consumerRate: o.consumerRate,
    consumerPaced: brokers !== null && given(sources.consumerRate),
    partitionCapacity: o.partitionCapacity ?? model.model.ceilings.partition.recordsPerSec,
    produceLatencyMs: o.produceLatency ?? idleMedianMs(model.model),
    model,
    simGiven: { produceLatency: o.produceLatency !== undefined, partitionCapacity: o.partitionCapacity !== undefined, linger: given(sources.linger), batchSize: given(sources.batchSize) },
    rebalanceMs: o.rebalanceTime ?? model.model.rebalanceMs,
    growTo,
    growAtMs,
    groupChanges,
    sessionTimeoutMs: o.sessionTimeout,
    autoCommitIntervalMs: o.autoCommitInterval,
    metadataRefreshMs: o.metadataRefresh ?? null,
    autoOffsetReset: o.autoOffsetReset,
    brokers,
    maxRate,
    connectTimeoutMs: o.connectTimeout,
    driver: o.driver ?? DEFAULT_DRIVER,
    consumerDriver: o.consumerDriver ?? null,
    keepTopic: o.keepTopic,
    replicationFactor: o.replicationFactor,
    drainTimeoutMs: o.drainTimeout,
    acks: o.acks,
    idempotent,
    maxInFlight: o.maxInFlight,
    lingerMs: o.linger,
    batchBytes: o.batchSize,
    compression: o.compression,
    threads: o.threads,
    deliveryTimeoutMs: o.deliveryTimeout,
    workers: o.workers ?? null,
    workerTimeoutMs: o.workerTimeout,
    workerPool: o.workerPool,
  };
  return Object.freeze(spec);
}

/** --scale-consumers and --kill-consumer as one list in time order (at one moment, scaling first), checked against the
 * group as it stands at each change. */
function resolveGroupChanges(o: RunOptions['values'], durationMs: number, distributed: boolean, grows: boolean,
  label: (name: keyof typeof RUN_OPTIONS) => string, conflict: (line: string) => void): GroupChange[] {
  const out: GroupChange[] = [];
  const at = (name: 'scaleConsumers' | 'killConsumer', e: GroupChangeEntry) => {
    const ms = runPointMs(e.at, durationMs);
    if (!(ms > 0 && ms < durationMs)) conflict(`${label(name)} ${e.count}@${'percent' in e.at ? `${e.at.percent}%` : formatDuration(e.at.ms)} must fall inside the run (0 < t < ${formatDuration(durationMs)})`);
    return ms;
  };
  for (const e of o.scaleConsumers ?? []) out.push({ kind: 'scale', atMs: at('scaleConsumers', e), consumers: e.count });
  for (const e of o.killConsumer ?? []) out.push({ kind: 'kill', atMs: at('killConsumer', e), member: e.count });
  if (out.length === 0) return out;
  out.sort((a, b) => a.atMs - b.atMs || (a.kind === b.kind ? 0 : a.kind === 'scale' ? -1 : 1));
  const name = o.scaleConsumers?.length ? 'scaleConsumers' : 'killConsumer';
  if (distributed) conflict(`${label(name)} cannot be combined with ${label('workers')} yet; run the group change from one kbench (without --workers)`);
  else if (o.consumers === 0) conflict(`${label(name)} needs a consumer group; ${label('consumers')} is 0`);
  else if (grows) conflict(`${label(name)} cannot be combined with ${label('growTo')} yet; simulate the growth and the group change in separate runs`);
  else {
    const alive = new Set(Array.from({ length: o.consumers }, (_, i) => i + 1));
    let slots = o.consumers;
    for (const g of out) {
      const when = formatDuration(g.atMs);
      if (g.kind === 'kill') {
        if (!alive.has(g.member)) {
          conflict(`${label('killConsumer')} ${g.member}@${when}: consumer ${g.member} is not in the group then (members: ${[...alive].sort((a, b) => a - b).join(', ') || 'none'})`);
          return out;
        }
        alive.delete(g.member);
      } else if (g.consumers > alive.size) {
        for (let k = alive.size; k < g.consumers; k++) alive.add(++slots);
        if (slots > LIMITS.consumers) {
          conflict(`${label('scaleConsumers')} would start ${slots} consumers over the run; at most ${LIMITS.consumers} are supported`);
          return out;
        }
      } else {
        const leaving = [...alive].sort((a, b) => b - a).slice(0, alive.size - g.consumers);
        for (const m of leaving) alive.delete(m);
      }
    }
  }
  return out;
}

/** A RunSpec from typed run options (the rest are defaults), for programs that build runs themselves
 * (plan, produce, benches): each value is held to its option's bounds and the same rules between
 * options apply as for flags. `labels` names the values in messages (plan's --simulate is the run's
 * duration). */
export function runSpecWith(overrides: Partial<ArgsOf<typeof RUN_OPTIONS>>, labels: Partial<Record<keyof typeof RUN_OPTIONS, string>> = {}): Readonly<RunSpec> {
  const base = resolveOptions(RUN_OPTIONS, { flags: {} });
  const sources: Record<string, Source | undefined> = { ...base.sources };
  const problems = new Problems();
  for (const [name, value] of Object.entries(overrides) as [keyof typeof RUN_OPTIONS, unknown][]) {
    if (value === undefined) continue;
    const label = labels[name] ?? `--${kebab(name)}`;
    sources[name] = { kind: 'flag', label };
    const b = RUN_OPTIONS[name].bounds;
    if (b && typeof value === 'number' && !(value >= b.min && value <= b.max)) {
      const show = (x: number) => (b.unit === 'ms' ? formatDuration(x) : x.toLocaleString('en-US'));
      problems.add(`${label} is ${show(value)}; it must be from ${show(b.min)} to ${show(b.max)}`);
    }
  }
  problems.throwIfAny();
  const values = { ...base.values, ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) };
  return resolveRunSpec({ values, sources: sources as RunOptions['sources'] });
}

/** A RunSpec from run options written as on the command line (`{ key: 'country', rate: '50k' }`). */
export function runSpecOf(flags: Partial<Record<keyof typeof RUN_OPTIONS, string>>): Readonly<RunSpec> {
  return resolveRunSpec(resolveOptions(RUN_OPTIONS, { flags }));
}
