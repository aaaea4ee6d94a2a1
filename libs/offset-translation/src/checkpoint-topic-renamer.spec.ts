import { checkpointTopicRenamer, type CheckpointRenamePolicy } from './checkpoint-topic-renamer';

/** The default policy with separator ".", enough for renaming. */
const dotted: CheckpointRenamePolicy = {
  formatRemoteTopic: (alias, topic) => `${alias}.${topic}`,
  topicSource: (topic) => (topic.includes('.') ? topic.slice(0, topic.indexOf('.')) : null),
  originalTopic: (topic) => topic.slice(topic.lastIndexOf('.') + 1),
};

describe('checkpointTopicRenamer', () => {
  const rename = checkpointTopicRenamer(dotted, 'A', 'B');

  it('prefixes local and third-cluster topics with the source alias', () => {
    expect(rename('t')).toBe('A.t');
    expect(rename('C.t')).toBe('A.C.t');
  });

  it('maps a topic that came from the target back to its original name', () => {
    expect(rename('B.t')).toBe('t');
  });
});
