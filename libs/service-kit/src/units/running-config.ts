import { changedFlows, type FlowFingerprint, type MirrorConfig } from '@mirrormaker/config';
import { parseUnitId } from '@mirrormaker/lease';
import type { Logger } from '@mirrormaker/observability';
import type { ConfigApplied } from '../leases/lease-client';
import { loadServiceConfig } from '../load-service-config';
import type { ServiceFlags } from '../service-flags';

export interface RunningConfigOptions {
  flags: Pick<ServiceFlags, 'configPath' | 'configProviderDirs'>;
  /** Contents of `--config`, when given: run from it until the coordinator sends a revision. */
  initialText?: string;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** Called after a revision replaced the config, with the flows whose units must restart. */
  onChange?(config: MirrorConfig, changed: ReadonlySet<string>): void;
  /** What this service's units of a flow run on. @default every setting of the flow and both its clusters */
  fingerprint?: FlowFingerprint;
}

/**
 * The config a worker runs: its own `--config` at start (optional), then every revision the
 * coordinator pushes over the lease session. A revision that does not load is refused whole (the
 * previous config keeps running); one that loads restarts only the units of flows it changed.
 * Provider references in a revision are resolved here, under this process's own allowed dirs.
 */
export class RunningConfig {
  private current: MirrorConfig | undefined;

  constructor(private readonly options: RunningConfigOptions) {
    if (options.initialText !== undefined) {
      this.current = loadServiceConfig(options.initialText, options.flags, options.env, options.logger);
    }
  }

  /** The config in force; undefined until `--config` or a first revision gave one. */
  get config(): MirrorConfig | undefined {
    return this.current;
  }

  /** LeaseClient's `applyConfig`: throws (naming line and key) when the revision does not load. */
  apply(revision: bigint, text: string): ConfigApplied {
    const next = loadServiceConfig(text, this.options.flags, this.options.env, this.options.logger, `config revision ${revision}`);
    const changed = changedFlows(this.current, next, this.options.fingerprint);
    this.current = next;
    this.options.onChange?.(next, changed);
    return { restart: (unitId) => changed.has(parseUnitId(unitId).flow) };
  }
}
