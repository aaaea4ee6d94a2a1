import { parseProperties } from '@mirrormaker/config';
import {
  FULL_CHECKPOINT_PHASE,
  FULL_WORKLOADS,
  producerTuning,
  apacheMm2Properties,
  checkpointContenders,
  commitSchedule,
  commitsFor,
  contenderOrder,
  mirrormakerProperties,
  newTag,
  runNames,
  scaleWorkloads,
  warmUpContender,
  workloadBytes,
} from './bench-config';

/** Last value of each key, as Java reads the file. */
const propertiesOf = (text: string): Record<string, string> => Object.fromEntries(parseProperties(text).entries.map((e) => [e.key, e.value]));

const input = () => ({ names: runNames('ab12', 3, 'bench-100b-ab12'), sourceBootstrap: '127.0.0.1:1001', targetBootstrap: '127.0.0.1:2001', tasks: 8 });

describe('bench config', () => {
  it('names every run freshly: aliases, remote topic and config topic carry the tag and run number', () => {
    const names = runNames('ab12', 3, 'bench-100b-ab12');
    expect(names).toEqual({
      sourceAlias: 'sab12r3',
      targetAlias: 'tab12r3',
      topic: 'bench-100b-ab12',
      remoteTopic: 'sab12r3.bench-100b-ab12',
      configTopic: 'mirrormaker-config.bench-ab12-r3.internal',
      checkpointsTopic: 'sab12r3.checkpoints.internal',
    });
    expect(runNames('ab12', 4, 'bench-100b-ab12').remoteTopic).not.toBe(names.remoteTopic);
  });

  it('refuses topic names that would be read as a regular expression', () => {
    expect(() => runNames('ab12', 1, 'bench.100b')).toThrow(/letters, digits/);
    expect(() => runNames('a b', 1, 'x')).toThrow(/run tag/);
  });

  it('gives Apache MM2 one flow, tasks.max = partitions and the shared producer tuning', () => {
    const props = propertiesOf(apacheMm2Properties(input()));
    expect(props['clusters']).toBe('sab12r3, tab12r3');
    expect(props['sab12r3.bootstrap.servers']).toBe('127.0.0.1:1001');
    expect(props['tab12r3.bootstrap.servers']).toBe('127.0.0.1:2001');
    expect(props['sab12r3->tab12r3.enabled']).toBe('true');
    expect(props['sab12r3->tab12r3.topics']).toBe('bench-100b-ab12');
    expect(props['tasks.max']).toBe('8');
    for (const [k, v] of Object.entries(producerTuning())) expect(props[`tab12r3.producer.${k}`]).toBe(v);
    expect(props['coordinator.config.topic']).toBeUndefined();
  });

  it('gives mirrormaker the same flow and its own config topic', () => {
    const ours = propertiesOf(mirrormakerProperties(input()));
    const mm2 = propertiesOf(apacheMm2Properties(input()));
    for (const key of ['clusters', 'sab12r3->tab12r3.topics', 'tasks.max', 'emit.checkpoints.enabled', 'sync.topic.acls.enabled', 'replication.factor']) {
      expect(ours[key]).toBe(mm2[key]);
    }
    expect(ours['coordinator.config.topic']).toBe('mirrormaker-config.bench-ab12-r3.internal');
  });

  it('keeps checkpoints off unless the checkpoint-lag phase asks for them', () => {
    for (const text of [apacheMm2Properties(input()), mirrormakerProperties(input())]) {
      const props = propertiesOf(text);
      expect(props['emit.checkpoints.enabled']).toBe('false');
      expect(props['sync.group.offsets.enabled']).toBe('false');
      expect(props['sab12r3->tab12r3.groups']).toBeUndefined();
    }
  });

  it('checkpoints only the bench group, with the interval given or the mirror default', () => {
    const checkpoints = { group: 'bench-group-ab12-mm2-1s', intervalSeconds: 1, refreshGroupsSeconds: 5 };
    const mm2 = propertiesOf(apacheMm2Properties({ ...input(), checkpoints }));
    expect(mm2).toMatchObject({
      'emit.checkpoints.enabled': 'true',
      'sab12r3->tab12r3.groups': 'bench-group-ab12-mm2-1s',
      'refresh.groups.interval.seconds': '5',
      'emit.checkpoints.interval.seconds': '1',
      'sync.group.offsets.enabled': 'false',
    });
    const ours = propertiesOf(mirrormakerProperties({ ...input(), checkpoints: { ...checkpoints, intervalSeconds: undefined } }));
    expect(ours['emit.checkpoints.enabled']).toBe('true');
    expect(ours['emit.checkpoints.interval.seconds']).toBeUndefined();
    expect(() => apacheMm2Properties({ ...input(), checkpoints: { ...checkpoints, group: 'a.b' } })).toThrow(/checkpoint group/);
  });

  it('turns the group offset sync on for a family of groups when asked to', () => {
    const checkpoints = { group: 'bench-fidelity-ab12-mm2-.*', intervalSeconds: 1, refreshGroupsSeconds: 5, syncGroupOffsetsSeconds: 1 };
    for (const text of [apacheMm2Properties({ ...input(), checkpoints }), mirrormakerProperties({ ...input(), checkpoints })]) {
      expect(propertiesOf(text)).toMatchObject({
        'emit.checkpoints.enabled': 'true',
        'emit.checkpoints.interval.seconds': '1',
        'sab12r3->tab12r3.groups': 'bench-fidelity-ab12-mm2-.*',
        'sync.group.offsets.enabled': 'true',
        'sync.group.offsets.interval.seconds': '1',
      });
    }
    expect(() => apacheMm2Properties({ ...input(), checkpoints: { ...checkpoints, group: 'a|b.*' } })).toThrow(/checkpoint group/);
  });

  it('measures MM2 at its default and at 1 s, and mirrormaker at its default; the smoke run skips the 60 s one', () => {
    expect(checkpointContenders(['mm2', 'mirrormaker'], false).map((c) => [c.id, c.intervalSeconds])).toEqual([
      ['mm2-default', 60],
      ['mm2-1s', 1],
      ['mirrormaker', 1],
    ]);
    expect(checkpointContenders(['mm2', 'mirrormaker'], true).map((c) => c.id)).toEqual(['mm2-1s', 'mirrormaker']);
    expect(checkpointContenders(['mirrormaker'], false).map((c) => c.id)).toEqual(['mirrormaker']);
  });

  it('spreads commits over at least two checkpoint intervals', () => {
    expect(commitsFor(FULL_CHECKPOINT_PHASE, 1)).toBe(25);
    expect(commitsFor(FULL_CHECKPOINT_PHASE, 60)).toBe(60);
    expect(commitsFor({ ...FULL_CHECKPOINT_PHASE, commits: 100 }, 60)).toBe(100);
  });

  it('spaces commits by the phase, each moved later by up to half the spacing', () => {
    const values = [0, 0.5, 0.999];
    expect(commitSchedule(FULL_CHECKPOINT_PHASE, 3, () => values.shift() ?? 0)).toEqual([0, 2500, 4999]);
    const random = commitSchedule(FULL_CHECKPOINT_PHASE, 50);
    for (const [i, at] of random.entries()) {
      expect(at).toBeGreaterThanOrEqual(i * 2000);
      expect(at).toBeLessThan(i * 2000 + 1000);
    }
  });

  it('scales workloads but keeps at least 1000 records', () => {
    const scaled = scaleWorkloads(FULL_WORKLOADS, 0.1);
    expect(scaled.map((w) => w.records)).toEqual([200_000, 50_000]);
    expect(scaleWorkloads(FULL_WORKLOADS, 0.0001).map((w) => w.records)).toEqual([1000, 1000]);
    expect(() => scaleWorkloads(FULL_WORKLOADS, 0)).toThrow(/--scale/);
    expect(workloadBytes(FULL_WORKLOADS[1]!)).toBe(500_000 * 1024);
  });

  it('alternates the mirrors, the physical limit first', () => {
    expect(contenderOrder('limit', ['mm2', 'mirrormaker'], 0)).toEqual(['limit', 'mm2', 'mirrormaker']);
    expect(contenderOrder('limit', ['mm2', 'mirrormaker'], 1)).toEqual(['limit', 'mirrormaker', 'mm2']);
    expect(contenderOrder(undefined, ['mm2', 'mirrormaker'], 2)).toEqual(['mm2', 'mirrormaker']);
  });

  it('warms the brokers with an unmeasured copy by the first mirror only when no limit run does it first', () => {
    const sequential = { throughput: true, parallel: false };
    expect(warmUpContender({ ...sequential, limit: false }, ['mm2', 'mirrormaker'])).toBe('mm2');
    expect(warmUpContender({ ...sequential, limit: false }, ['mirrormaker'])).toBe('mirrormaker');
    expect(warmUpContender({ ...sequential, limit: true }, ['mm2', 'mirrormaker'])).toBeUndefined();
    expect(warmUpContender({ ...sequential, limit: false }, [])).toBeUndefined();
    expect(warmUpContender({ throughput: true, parallel: true, limit: false }, ['mirrormaker'])).toBeUndefined();
    expect(warmUpContender({ throughput: false, parallel: false, limit: false }, ['mirrormaker'])).toBeUndefined();
  });

  it('makes short tags of letters and digits', () => {
    expect(newTag(() => 0)).toBe('0000');
    expect(newTag()).toMatch(/^[0-9a-z]{4}$/);
  });
});
