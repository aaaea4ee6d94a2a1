import { loadMirrorConfigOrThrow } from './mirror-config-loader';
import { checkClientOverride, mirrorConsumerSettings, mirrorProducerSettings } from './mirror-client-settings';

function flowOf(...lines: string[]) {
  const config = loadMirrorConfigOrThrow(['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', ...lines].join('\n'));
  return config.flows.find((f) => f.name === 'A->B')!;
}

describe('mirror client settings', () => {
  it('default to Java client defaults, except the documented fetch, batch and round sizes', () => {
    expect(mirrorConsumerSettings(flowOf())).toEqual({
      clientId: '',
      clientRack: '',
      fetchMinBytes: 1,
      fetchMaxWaitMs: 500,
      fetchMaxBytes: 10 * 1024 * 1024,
      maxPartitionFetchBytes: 1024 * 1024,
      maxPollRecords: 0,
      requestTimeoutMs: 30000,
    });
    expect(mirrorProducerSettings(flowOf())).toEqual({
      acks: 'all',
      batchSize: 512 * 1024,
      compressionType: 'none',
      maxRequestSize: 1024 * 1024,
      clientId: '',
      requestTimeoutMs: 30000,
      maxInFlight: 5,
    });
  });

  it('read the source consumer and target producer overrides with MM2 precedence', () => {
    const flow = flowOf(
      'A->B.consumer.client.id = mirror-in',
      'A.consumer.client.rack = eu-1a',
      'A->B.source.consumer.fetch.min.bytes = 65536',
      'A->B.consumer.fetch.max.wait.ms = 250',
      'A->B.consumer.max.poll.records = 200',
      'A->B.consumer.request.timeout.ms = 40000',
      'B.producer.acks = 1',
      'A->B.producer.batch.size = 65536',
      'A->B.producer.compression.type = ZSTD',
      'A->B.producer.client.id = mirror-out',
      'A->B.producer.override.request.timeout.ms = 45000',
    );
    expect(mirrorConsumerSettings(flow)).toEqual(
      expect.objectContaining({ clientId: 'mirror-in', clientRack: 'eu-1a', fetchMinBytes: 65536, fetchMaxWaitMs: 250, maxPollRecords: 200, requestTimeoutMs: 40000 }),
    );
    expect(mirrorProducerSettings(flow)).toEqual(
      expect.objectContaining({ acks: 1, batchSize: 65536, compressionType: 'zstd', clientId: 'mirror-out', requestTimeoutMs: 45000 }),
    );
  });

  it('keep at most 5 produce requests of a partition in flight, warning about a larger value', () => {
    expect(mirrorProducerSettings(flowOf('A->B.producer.max.in.flight.requests.per.connection = 2')).maxInFlight).toBe(2);
    expect(mirrorProducerSettings(flowOf('A->B.producer.max.in.flight.requests.per.connection = 10')).maxInFlight).toBe(5);
    expect(checkClientOverride('producer', 'max.in.flight.requests.per.connection', '10')).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/used as 5/) })]);
    expect(checkClientOverride('producer', 'max.in.flight.requests.per.connection', '0')).toEqual([expect.objectContaining({ severity: 'error' })]);
    expect(checkClientOverride('producer', 'max.in.flight.requests.per.connection', '5')).toEqual([]);
  });

  it('write with acks=1 for acks=0, acks=all with exactly-once, and cap batch.size by max.request.size', () => {
    expect(mirrorProducerSettings(flowOf('A->B.producer.acks = 0')).acks).toBe(1);
    expect(mirrorProducerSettings(flowOf('A->B.producer.acks = 1', 'A->B.exactly.once.enabled = true')).acks).toBe('all');
    expect(mirrorProducerSettings(flowOf('A->B.producer.batch.size = 2000000', 'A->B.producer.max.request.size = 100000')).batchSize).toBe(100000);
  });
});
