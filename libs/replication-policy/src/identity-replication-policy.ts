import { DefaultReplicationPolicy, type DefaultReplicationPolicyOptions } from './default-replication-policy';

export interface IdentityReplicationPolicyOptions extends DefaultReplicationPolicyOptions {
  /**
   * `source.cluster.alias`: reported as the source of every non-heartbeat topic. Without it no
   * topic counts as remote (what MM2 does when the key is absent, e.g. in a bare MirrorClient).
   */
  readonly sourceClusterAlias?: string;
}

/**
 * Remote topics keep their name. Heartbeat topics (names ending in `heartbeats`) still get the
 * default prefix, which is what keeps heartbeats from cycling; everything else has no cycle
 * protection and cannot be told apart from local topics.
 */
export class IdentityReplicationPolicy extends DefaultReplicationPolicy {
  readonly sourceClusterAlias: string | null;

  constructor(options: IdentityReplicationPolicyOptions = {}) {
    super(options);
    this.sourceClusterAlias = options.sourceClusterAlias ?? null;
  }

  override formatRemoteTopic(sourceClusterAlias: string, topic: string): string {
    return this.looksLikeHeartbeat(topic) ? super.formatRemoteTopic(sourceClusterAlias, topic) : topic;
  }

  override topicSource(topic: string): string | null {
    return this.looksLikeHeartbeat(topic) ? super.topicSource(topic) : this.sourceClusterAlias;
  }

  override upstreamTopic(topic: string): string | null {
    return this.looksLikeHeartbeat(topic) ? super.upstreamTopic(topic) : topic;
  }

  override originalTopic(topic: string): string {
    return this.looksLikeHeartbeat(topic) ? super.originalTopic(topic) : topic;
  }

  private looksLikeHeartbeat(topic: string): boolean {
    return topic.endsWith(this.heartbeatsTopic());
  }
}
