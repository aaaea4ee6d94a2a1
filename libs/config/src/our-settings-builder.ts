import type { FlowConfig } from './model';
import { OUR_SETTINGS, type OurSettings } from './our-settings';
import type { Located, Report } from './source-entry';

export function buildOurs(
  values: Readonly<Record<string, Located<unknown>>>,
  aliases: readonly string[],
  flows: readonly FlowConfig[],
  report: Report,
): OurSettings {
  const value = <F extends keyof OurSettings>(field: F): OurSettings[F] =>
    (values[field]?.value as OurSettings[F] | undefined) ?? OUR_SETTINGS[field].defaultValue;
  const leaseTtlMs = value('leaseTtlMs');
  const leaseRenewIntervalMs = value('leaseRenewIntervalMs');
  if (leaseRenewIntervalMs >= leaseTtlMs) {
    report({
      severity: 'error',
      code: 'conflict',
      line: values['leaseRenewIntervalMs']?.line ?? values['leaseTtlMs']?.line,
      key: OUR_SETTINGS.leaseRenewIntervalMs.key,
      message: `leases would expire before being renewed (renew every ${leaseRenewIntervalMs} ms, TTL ${leaseTtlMs} ms)`,
      hint: 'keep lease.renew.interval.ms at most a third of lease.ttl.ms',
    });
  }
  let coordinatorHomeCluster = value('coordinatorHomeCluster');
  if (coordinatorHomeCluster !== '' && !aliases.includes(coordinatorHomeCluster)) {
    report({
      severity: 'error',
      code: 'unknown-cluster',
      line: values['coordinatorHomeCluster']?.line,
      key: OUR_SETTINGS.coordinatorHomeCluster.key,
      message: `coordinator.home.cluster names ${coordinatorHomeCluster}, which is not listed in clusters`,
      hint: `use one of ${aliases.join(', ')} or remove the key`,
    });
    coordinatorHomeCluster = '';
  }
  if (coordinatorHomeCluster === '') coordinatorHomeCluster = defaultHomeCluster(aliases, flows);
  return {
    leaseTtlMs,
    leaseRenewIntervalMs,
    leaseGraceMs: value('leaseGraceMs'),
    coordinatorConfigTopic: value('coordinatorConfigTopic'),
    coordinatorHomeCluster,
  };
}

/** The target of the first enabled flow, else the first cluster, else empty. */
export function defaultHomeCluster(aliases: readonly string[], flows: readonly FlowConfig[]): string {
  return flows.find((f) => f.enabled)?.target ?? aliases[0] ?? '';
}
