import { ReplicationPolicyError } from './errors';
import { HEARTBEATS_TOPIC, type ReplicationPolicy } from './replication-policy';

export interface DefaultReplicationPolicyOptions {
  /** `replication.policy.separator`. @default '.' */
  readonly separator?: string;
  /**
   * `replication.policy.internal.topic.separator.enabled`: when false the offset-syncs and checkpoints
   * topic names use `.` whatever the separator is. @default true
   */
  readonly internalTopicSeparatorEnabled?: boolean;
}

/** Remote topics are named `<source alias><separator><topic>`. */
export class DefaultReplicationPolicy implements ReplicationPolicy {
  readonly separator: string;
  readonly internalTopicSeparatorEnabled: boolean;

  constructor(options: DefaultReplicationPolicyOptions = {}) {
    const separator = options.separator ?? '.';
    if (separator.length === 0) {
      throw new ReplicationPolicyError('INVALID_SEPARATOR', 'replication.policy.separator must not be empty');
    }
    this.separator = separator;
    this.internalTopicSeparatorEnabled = options.internalTopicSeparatorEnabled ?? true;
  }

  formatRemoteTopic(sourceClusterAlias: string, topic: string): string {
    return sourceClusterAlias + this.separator + topic;
  }

  topicSource(topic: string): string | null {
    const pieces = splitLikeJava(topic, this.separator);
    return pieces.length < 2 ? null : pieces[0]!;
  }

  upstreamTopic(topic: string): string | null {
    const source = this.topicSource(topic);
    return source === null ? null : topic.substring(source.length + this.separator.length);
  }

  originalTopic(topic: string): string {
    let current = topic;
    for (;;) {
      const upstream = this.upstreamTopic(current);
      if (upstream === null || upstream === current) {
        return current;
      }
      current = upstream;
    }
  }

  heartbeatsTopic(): string {
    return HEARTBEATS_TOPIC;
  }

  offsetSyncsTopic(clusterAlias: string): string {
    return 'mm2-offset-syncs' + this.internalSeparator() + clusterAlias + this.internalSuffix();
  }

  checkpointsTopic(clusterAlias: string): string {
    return clusterAlias + this.checkpointsSuffix();
  }

  isHeartbeatsTopic(topic: string): boolean {
    return this.originalTopic(topic) === this.heartbeatsTopic();
  }

  isCheckpointsTopic(topic: string): boolean {
    return topic.endsWith(this.checkpointsSuffix());
  }

  isMM2InternalTopic(topic: string): boolean {
    return topic.endsWith(this.internalSuffix());
  }

  isInternalTopic(topic: string): boolean {
    return (
      topic.startsWith('__') ||
      topic.startsWith('.') ||
      topic.endsWith('.internal') ||
      topic.endsWith('-internal') ||
      this.isMM2InternalTopic(topic)
    );
  }

  private internalSeparator(): string {
    return this.internalTopicSeparatorEnabled ? this.separator : '.';
  }

  private internalSuffix(): string {
    return this.internalSeparator() + 'internal';
  }

  private checkpointsSuffix(): string {
    return this.internalSeparator() + 'checkpoints' + this.internalSuffix();
  }
}

/**
 * Java `String.split` on a literal: a leading separator yields an empty first piece, trailing empty
 * pieces are dropped. MM2 decides "is this remote?" from the piece count, so `a.` is local and `.a`
 * is remote with an empty source alias.
 */
function splitLikeJava(value: string, separator: string): string[] {
  const pieces = value.split(separator);
  while (pieces.length > 0 && pieces[pieces.length - 1] === '') {
    pieces.pop();
  }
  return pieces;
}
