import { isOffsetTranslationError } from './errors';
import { parseTopicPartitionKey, topicPartitionKey } from './topic-partition';

describe('topic-partition keys', () => {
  it('round-trips names containing dashes and dots', () => {
    for (const tp of [{ topic: 'a', partition: 0 }, { topic: 'us-west.orders-v2', partition: 17 }]) {
      expect(parseTopicPartitionKey(topicPartitionKey(tp))).toEqual(tp);
    }
    expect(topicPartitionKey({ topic: 'A.t', partition: 3 })).toBe('A.t-3');
  });

  it.each(['t', 't-', '-1', 't-x', 't-1.5'])('rejects %p', (key) => {
    expect(() => parseTopicPartitionKey(key)).toThrow();
    try {
      parseTopicPartitionKey(key);
    } catch (err) {
      expect(isOffsetTranslationError(err) && err.code).toBe('INVALID_TOPIC_PARTITION');
    }
  });
});
