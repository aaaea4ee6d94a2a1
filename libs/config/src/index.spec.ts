import * as api from './index';

describe('public API', () => {
  it('exposes the loaders, forms, accessors and redaction helpers', () => {
    const functions = [
      'parseProperties',
      'formatProperties',
      'formatComment',
      'loadMirrorConfig',
      'loadMirrorConfigOrThrow',
      'toJson',
      'fromJson',
      'fromJsonOrThrow',
      'toProperties',
      'flowName',
      'findFlow',
      'enabledFlows',
      'heartbeatFlows',
      'clientConfig',
      'workerConfig',
      'offsetStorageTopic',
      'offsetSyncsCluster',
      'redact',
      'redactedJson',
      'redactProperties',
      'isSensitiveKey',
      'parseSecurity',
      'parseJaasConfig',
      'formatProblem',
      'formatProblems',
      'hasErrors',
      'isMirrorConfigError',
    ] as const;
    for (const name of functions) expect(typeof api[name]).toBe('function');
    expect(api.REDACTED).toBe('[redacted]');
    expect(Object.keys(api.OUR_SETTINGS).map((f) => api.OUR_SETTINGS[f as keyof typeof api.OUR_SETTINGS].key)).toEqual([
      'lease.ttl.ms',
      'lease.renew.interval.ms',
      'lease.grace.ms',
      'coordinator.config.topic',
      'coordinator.home.cluster',
    ]);
    expect(api.FLOW_SETTINGS.exactlyOnceEnabled).toEqual(expect.objectContaining({ key: 'exactly.once.enabled', defaultValue: false, ours: true }));
  });
});
