import { parseProperties } from '@mirrormaker/testing';
import {
  FULL_WORKLOADS,
  PRODUCER_TUNING,
  apacheMm2Properties,
  contenderOrder,
  mirrormakerProperties,
  newTag,
  runNames,
  scaleWorkloads,
  workloadBytes,
} from './bench-config';

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
    });
    expect(runNames('ab12', 4, 'bench-100b-ab12').remoteTopic).not.toBe(names.remoteTopic);
  });

  it('refuses topic names that would be read as a regular expression', () => {
    expect(() => runNames('ab12', 1, 'bench.100b')).toThrow(/letters, digits/);
    expect(() => runNames('a b', 1, 'x')).toThrow(/run tag/);
  });

  it('gives Apache MM2 one flow, tasks.max = partitions and the shared producer tuning', () => {
    const props = parseProperties(apacheMm2Properties(input()));
    expect(props['clusters']).toBe('sab12r3, tab12r3');
    expect(props['sab12r3.bootstrap.servers']).toBe('127.0.0.1:1001');
    expect(props['tab12r3.bootstrap.servers']).toBe('127.0.0.1:2001');
    expect(props['sab12r3->tab12r3.enabled']).toBe('true');
    expect(props['sab12r3->tab12r3.topics']).toBe('bench-100b-ab12');
    expect(props['tasks.max']).toBe('8');
    for (const [k, v] of Object.entries(PRODUCER_TUNING)) expect(props[`tab12r3.producer.${k}`]).toBe(v);
    expect(props['coordinator.config.topic']).toBeUndefined();
  });

  it('gives mirrormaker the same flow and its own config topic', () => {
    const ours = parseProperties(mirrormakerProperties(input()));
    const mm2 = parseProperties(apacheMm2Properties(input()));
    for (const key of ['clusters', 'sab12r3->tab12r3.topics', 'tasks.max', 'emit.checkpoints.enabled', 'sync.topic.acls.enabled', 'replication.factor']) {
      expect(ours[key]).toBe(mm2[key]);
    }
    expect(ours['coordinator.config.topic']).toBe('mirrormaker-config.bench-ab12-r3.internal');
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

  it('makes short tags of letters and digits', () => {
    expect(newTag(() => 0)).toBe('0000');
    expect(newTag()).toMatch(/^[0-9a-z]{4}$/);
  });
});
