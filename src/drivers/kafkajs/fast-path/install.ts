// kbench's patches to kafkajs 2.2.4's internal modules, put in place before kafkajs is loaded.
// Imported first by kbench's entry points (the CLI and each live-engine worker thread): require.cache
// is per thread. kafkajs is pinned to 2.2.4; another version keeps its own modules, as does a thread
// that loaded kafkajs before this ran.
// - The producer fast path: two modules replaced with byte-identical, much cheaper ones
//   (group-messages.ts, produce-request.ts). KBENCH_KAFKAJS_FAST_PATH=0 turns it off (to compare,
//   or to rule it out).
// - Java's commit timing for consumers (java-commits.ts): every auto-commit interval, before a
//   rejoin, before leaving; kafkajs commits after every batch. Always on: it is what the simulator
//   models and what a run's duplicates mean, not a speed-up to compare against.
import { groupMessagesPerPartition } from './group-messages.js';
import { javaCommitsConsumerGroup, javaCommitsRunner } from './java-commits.js';
import { KAFKAJS_VERSION, kafkajsFile, originalKafkajsModule, replaceKafkajsModule, requireCjs } from './modules.js';
import { produceRequest } from './produce-request.js';

export const FAST_PATH_FOR = '2.2.4';

function install(): boolean {
  if (KAFKAJS_VERSION !== FAST_PATH_FOR || process.env.KBENCH_KAFKAJS_FAST_PATH === '0') return false;
  const grouped = replaceKafkajsModule('src/producer/groupMessagesPerPartition.js', groupMessagesPerPartition);
  const encoded = replaceKafkajsModule('src/protocol/requests/produce/v3/request.js', produceRequest);
  return grouped && encoded;
}

/** Subclasses a kafkajs class module with `patch`, unless kafkajs has already loaded it in this thread. */
function subclass<T>(rel: string, patch: (original: T) => T): boolean {
  if (requireCjs.cache[kafkajsFile(rel)]) return false;
  return replaceKafkajsModule(rel, patch(originalKafkajsModule<T>(rel)));
}

function installCommits(): boolean {
  if (KAFKAJS_VERSION !== FAST_PATH_FOR) return false;
  const runner = subclass('src/consumer/runner.js', javaCommitsRunner);
  const group = subclass('src/consumer/consumerGroup.js', javaCommitsConsumerGroup);
  return runner && group;
}

/** Whether this thread's kafkajs producers use the fast path. */
export const kafkajsFastPath = install();
/** Whether this thread's kafkajs consumers commit on Java's schedule (java-commits.ts). */
export const kafkajsJavaCommits = installCommits();
