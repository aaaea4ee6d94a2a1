import { UnitStatus } from './unit-status';

describe('UnitStatus', () => {
  const at = new Date('2026-01-02T03:04:05.000Z');

  it('shows the phase and keeps a problem until it is resolved', () => {
    const status = new UnitStatus(() => at);
    status.setPhase('waiting-for-offset-syncs', 'mm2-offset-syncs.B.internal on A does not exist yet');
    status.report('OFFSET_SYNCS_TOPIC_MISSING', 'no topic');
    expect(status.view()).toEqual({
      phase: 'waiting-for-offset-syncs',
      detail: 'mm2-offset-syncs.B.internal on A does not exist yet',
      problem: { cause: 'OFFSET_SYNCS_TOPIC_MISSING', message: 'no topic', at: '2026-01-02T03:04:05.000Z' },
    });
    expect(status.errorReports('groups/A->B/0')).toEqual([{ unitId: 'groups/A->B/0', cause: 'OFFSET_SYNCS_TOPIC_MISSING', message: 'no topic', at }]);
    status.resolve('SOMETHING_ELSE');
    expect(status.errorReports('u')).toHaveLength(1);
    status.resolve('OFFSET_SYNCS_TOPIC_MISSING');
    status.setPhase('running');
    expect(status.view()).toEqual({ phase: 'running' });
    expect(status.errorReports('u')).toEqual([]);
  });
});
