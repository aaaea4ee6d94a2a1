import { isMirrorConfigError } from './errors';
import { clientConfig, enabledFlows, findFlow, flowName, heartbeatFlows, offsetStorageTopic, offsetSyncsCluster, workerConfig } from './flow-accessors';
import { loadMirrorConfig } from './mirror-config-loader';

const load = (...lines: string[]) =>
  loadMirrorConfig(['clusters = A, B, C', 'A.bootstrap.servers=a:1', 'B.bootstrap.servers=b:1', 'C.bootstrap.servers=c:1', ...lines].join('\n')).config;

describe('flow accessors', () => {
  it('names and finds flows', () => {
    const config = load();
    expect(flowName({ source: 'A', target: 'B' })).toBe('A->B');
    expect(findFlow(config, 'B->C')!.source).toBe('B');
    expect(findFlow(config, 'C', 'A')!.target).toBe('A');
    expect(findFlow(config, 'A->A')).toBeUndefined();
    expect(findFlow(config, 'A->Z')).toBeUndefined();
  });

  it('lists heartbeat pairs like MM2 herders: global switch, per-pair override, enabled or not', () => {
    expect(heartbeatFlows(load()).length).toBe(6);
    const config = load('emit.heartbeats.enabled = false', 'A->B.enabled = true', 'B->A.emit.heartbeats.enabled = true');
    expect(heartbeatFlows(config).map((f) => f.name)).toEqual(['B->A']);
    expect(enabledFlows(config).map((f) => f.name)).toEqual(['A->B']);
  });

  it('returns client configs as fresh copies, by flow or by name', () => {
    const config = load('A.consumer.client.rack = r1');
    const copy = clientConfig(config, 'A->B', 'source', 'consumer');
    copy['client.rack'] = 'changed';
    expect(clientConfig(config, findFlow(config, 'A->B')!, 'source', 'consumer')['client.rack']).toBe('r1');
    let caught: unknown;
    try {
      clientConfig(config, 'A->Z', 'source', 'consumer');
    } catch (error) {
      caught = error;
    }
    expect(isMirrorConfigError(caught)).toBe(true);
  });

  it('places the offset-syncs topic by location', () => {
    const config = load('B->C.offset-syncs.topic.location = target');
    expect(offsetSyncsCluster(findFlow(config, 'A->B')!)).toBe('A');
    expect(offsetSyncsCluster(findFlow(config, 'B->C')!)).toBe('C');
  });

  it('builds the worker config of a herder: target keys, then top-level worker keys, then fill-ins', () => {
    const config = load('B.offset.storage.topic = b-offsets', 'B.client.id = from-b', 'offset.storage.replication.factor = 1', 'C.group.id = gc');
    const ab = workerConfig(config, findFlow(config, 'A->B')!);
    expect(ab).toEqual(
      expect.objectContaining({
        'bootstrap.servers': 'b:1',
        'client.id': 'from-b',
        'group.id': 'A-mm2',
        'offset.storage.topic': 'b-offsets',
        'offset.storage.replication.factor': '1',
        'status.storage.topic': 'mm2-status.A.internal',
        'config.storage.topic': 'mm2-configs.A.internal',
        'key.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      }),
    );
    expect(workerConfig(config, findFlow(config, 'A->C')!)['group.id']).toBe('gc');
    expect(offsetStorageTopic(config, findFlow(config, 'C->B')!)).toBe('b-offsets');
    expect(offsetStorageTopic(config, findFlow(config, 'B->C')!)).toBe('mm2-offsets.B.internal');
  });

  it('lets a top-level offset.storage.topic win over the target cluster one, as MM2 does', () => {
    const config = load('B.offset.storage.topic = b-offsets', 'offset.storage.topic = everywhere');
    expect(offsetStorageTopic(config, findFlow(config, 'A->B')!)).toBe('everywhere');
  });
});
