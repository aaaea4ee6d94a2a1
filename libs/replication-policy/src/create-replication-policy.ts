import { DefaultReplicationPolicy } from './default-replication-policy';
import { ReplicationPolicyError } from './errors';
import { IdentityReplicationPolicy } from './identity-replication-policy';
import type { ReplicationPolicy } from './replication-policy';

export interface ReplicationPolicyConfig {
  /**
   * `replication.policy.class`: Java class name, simple class name, or `default` / `identity`.
   * @default 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy'
   */
  readonly class?: string;
  /** `replication.policy.separator`. @default '.' */
  readonly separator?: string;
  /** `replication.policy.internal.topic.separator.enabled`; honoured only with an explicit separator. @default true */
  readonly internalTopicSeparatorEnabled?: boolean;
  /** `source.cluster.alias`; only the identity policy uses it. */
  readonly sourceClusterAlias?: string;
}

const DEFAULT_NAMES = new Set([
  'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
  'DefaultReplicationPolicy',
  'default',
]);
const IDENTITY_NAMES = new Set([
  'org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
  'IdentityReplicationPolicy',
  'identity',
]);

export function createReplicationPolicy(config: ReplicationPolicyConfig = {}): ReplicationPolicy {
  const className = (config.class ?? 'DefaultReplicationPolicy').trim();
  // MM2 reads the internal-separator switch only when a separator is configured.
  const separatorOptions =
    config.separator === undefined
      ? {}
      : { separator: config.separator, internalTopicSeparatorEnabled: config.internalTopicSeparatorEnabled };
  if (DEFAULT_NAMES.has(className)) {
    return new DefaultReplicationPolicy(separatorOptions);
  }
  if (IDENTITY_NAMES.has(className)) {
    return new IdentityReplicationPolicy({ ...separatorOptions, sourceClusterAlias: config.sourceClusterAlias });
  }
  throw new ReplicationPolicyError(
    'UNKNOWN_POLICY_CLASS',
    `Unsupported replication.policy.class '${className}': only DefaultReplicationPolicy and IdentityReplicationPolicy exist here`,
  );
}
