import { classifyProduceFailure } from './produce-failure';

describe('classifyProduceFailure', () => {
  it.each([
    [{ code: 'TOPIC_NOT_FOUND', retriable: true }, 'remote-topic-missing'],
    [{ code: 'PARTITION_NOT_FOUND', retriable: true }, 'remote-topic-missing'],
    [{ code: 'RECORD_TOO_LARGE', retriable: false }, 'rejected'],
    [{ code: 'INVALID_CONFIG', retriable: false }, 'rejected'],
    [{ code: 'AUTHORIZATION_FAILED', retriable: false }, 'rejected'],
    [{ code: 'UNKNOWN', retriable: false }, 'rejected'],
    [{ code: 'PRODUCER_FENCED', retriable: false }, 'fenced'],
    [{ code: 'UNREACHABLE', retriable: true }, 'transient'],
    [{ code: 'TIMEOUT', retriable: true }, 'transient'],
    [{ code: 'UNKNOWN', retriable: true }, 'transient'],
    [{}, 'transient'],
  ])('%j is %s', (error, kind) => {
    expect(classifyProduceFailure(error)).toBe(kind);
  });
});
