// kbench's fast path through kafkajs's producer: two of kafkajs 2.2.4's internal modules replaced
// with byte-identical, much cheaper ones (group-messages.ts, produce-request.ts) before kafkajs is
// loaded, so every producer in this thread uses them. Imported first by kbench's entry points (the
// CLI and each live-engine worker thread): require.cache is per thread. kafkajs is pinned to 2.2.4;
// another version keeps its own modules, as does a thread that loaded kafkajs before this ran, and
// KBENCH_KAFKAJS_FAST_PATH=0 turns it off (to compare, or to rule it out).
import { groupMessagesPerPartition } from './group-messages.js';
import { KAFKAJS_VERSION, replaceKafkajsModule } from './modules.js';
import { produceRequest } from './produce-request.js';

export const FAST_PATH_FOR = '2.2.4';

function install(): boolean {
  if (KAFKAJS_VERSION !== FAST_PATH_FOR || process.env.KBENCH_KAFKAJS_FAST_PATH === '0') return false;
  const grouped = replaceKafkajsModule('src/producer/groupMessagesPerPartition.js', groupMessagesPerPartition);
  const encoded = replaceKafkajsModule('src/protocol/requests/produce/v3/request.js', produceRequest);
  return grouped && encoded;
}

/** Whether this thread's kafkajs producers use the fast path. */
export const kafkajsFastPath = install();
