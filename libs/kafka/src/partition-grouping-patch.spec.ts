import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { groupMessagesPerPartition } from './partition-grouping-patch';

type Grouping = typeof groupMessagesPerPartition;

describe('linear partition grouping for the kafkajs producer', () => {
  const partitionMetadata = [{ partitionId: 0 }, { partitionId: 1 }, { partitionId: 2 }];
  const messages = Array.from({ length: 50 }, (_, i) => ({ value: `m${i}`, partition: (i * 7) % 3 }));
  const byField = ({ message }: { message: { partition: number } }) => message.partition;

  it('returns what kafkajs 2.2.4 returns: every partition with its messages in send order', () => {
    const original = jest.requireActual<Grouping>('kafkajs/src/producer/groupMessagesPerPartition');
    for (const input of [
      { topic: 't', partitionMetadata, messages, partitioner: byField },
      { topic: 't', partitionMetadata, messages: messages.slice(0, 1), partitioner: () => 2 },
      { topic: 't', partitionMetadata, messages: [], partitioner: byField },
      { topic: 't', partitionMetadata: [], messages, partitioner: byField },
    ]) {
      expect(groupMessagesPerPartition(input)).toEqual(original(input));
    }
    expect(groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner: byField })[1]!.map((m) => m.value)).toEqual(
      messages.filter((m) => m.partition === 1).map((m) => m.value),
    );
  });

  it('is what the kafkajs producer uses once @mirrormaker/kafka is loaded', () => {
    // A fresh process: jest's module registry is not the one kafkajs's producer sees in a service.
    const script = [
      "require('./libs/kafka/src/index.ts');",
      "const path = require.resolve('kafkajs/src/producer/groupMessagesPerPartition');",
      "process.stdout.write(String(require.cache[path].exports.toString().includes('list.push')));",
    ].join('\n');
    const root = join(__dirname, '../../..');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(out).toBe('true');
  });
});
