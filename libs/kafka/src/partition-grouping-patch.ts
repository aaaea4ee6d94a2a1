/**
 * kafkajs 2.2.4 groups a send's messages by partition with `[...current, message]` for every
 * message: quadratic in the number of messages per partition. A mirror sends thousands of small
 * records per request to one partition, where this alone took about an eighth of the data path's
 * CPU. The replacement below appends in place, with the same result (an object from partition to
 * its messages, in send order).
 *
 * kafkajs captures the function when its producer code loads, which happens as soon as anything
 * requires 'kafkajs' itself, so this module must run first: index.ts imports it before anything
 * else. When kafkajs was loaded earlier (e.g. a test file importing kafkajs directly), nothing is
 * replaced and kafkajs's own version stays in use: slower, same output.
 */
import { replaceModuleExports } from './module-replacement';

const GROUPING_MODULE = 'kafkajs/src/producer/groupMessagesPerPartition';
const CAPTURING_MODULE = 'kafkajs/src/producer/sendMessages';

interface GroupingInput<M> {
  topic: string;
  partitionMetadata: unknown[];
  messages: M[];
  partitioner: (args: { topic: string; partitionMetadata: unknown[]; message: M }) => number;
}

export function groupMessagesPerPartition<M>({ topic, partitionMetadata, messages, partitioner }: GroupingInput<M>): Record<number, M[]> {
  const result: Record<number, M[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const list = result[partition];
    if (list) list.push(message);
    else result[partition] = [message];
  }
  return result;
}

/** True when kafkajs's producer will use the linear grouping. */
export function installPartitionGroupingPatch(): boolean {
  return replaceModuleExports(GROUPING_MODULE, groupMessagesPerPartition, CAPTURING_MODULE);
}

installPartitionGroupingPatch();
