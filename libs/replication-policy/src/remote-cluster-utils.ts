import type { ReplicationPolicy } from './replication-policy';

// What MM2's MirrorClient / RemoteClusterUtils derive from a cluster's topic names alone.

export function heartbeatTopics(policy: ReplicationPolicy, topics: Iterable<string>): Set<string> {
  return filterTopics(topics, (topic) => policy.isHeartbeatsTopic(topic));
}

export function checkpointTopics(policy: ReplicationPolicy, topics: Iterable<string>): Set<string> {
  return filterTopics(topics, (topic) => policy.isCheckpointsTopic(topic));
}

/** Every cluster alias found along the hops of any heartbeat topic: `C.B.A.heartbeats` gives C, B and A. */
export function upstreamClusters(policy: ReplicationPolicy, topics: Iterable<string>): Set<string> {
  const clusters = new Set<string>();
  for (const heartbeats of heartbeatTopics(policy, topics)) {
    const seen = new Set<string>();
    let topic: string | null = heartbeats;
    let source = policy.topicSource(heartbeats);
    // Stops at a repeated alias: policies without cycle protection could otherwise loop forever.
    while (source !== null && topic !== null && !seen.has(source)) {
      seen.add(source);
      clusters.add(source);
      topic = policy.upstreamTopic(topic);
      source = topic === null ? null : policy.topicSource(topic);
    }
  }
  return clusters;
}

/**
 * Fewest hops between `sourceClusterAlias` and this cluster, judged by heartbeat topic names
 * (`A.heartbeats` is 1 hop from A, `B.A.heartbeats` 2), or -1 when no heartbeat topic shows a path.
 */
export function replicationHops(
  policy: ReplicationPolicy,
  topics: Iterable<string>,
  sourceClusterAlias: string,
): number {
  let best = -1;
  for (const topic of heartbeatTopics(policy, topics)) {
    const hops = hopsInTopic(policy, topic, sourceClusterAlias);
    if (hops !== -1 && (best === -1 || hops < best)) {
      best = hops;
    }
  }
  return best;
}

/** Non-internal topics with a source cluster; with an alias, only those copied directly from it. */
export function remoteTopics(
  policy: ReplicationPolicy,
  topics: Iterable<string>,
  sourceClusterAlias?: string,
): Set<string> {
  return filterTopics(topics, (topic) => {
    if (policy.isInternalTopic(topic)) {
      return false;
    }
    const source = policy.topicSource(topic);
    return source !== null && (sourceClusterAlias === undefined || source === sourceClusterAlias);
  });
}

function hopsInTopic(policy: ReplicationPolicy, heartbeats: string, sourceClusterAlias: string): number {
  const seen = new Set<string>();
  let topic: string | null = heartbeats;
  for (let hops = 1; topic !== null; hops++) {
    const source = policy.topicSource(topic);
    if (source === null) {
      return -1;
    }
    if (source === sourceClusterAlias) {
      return hops;
    }
    if (seen.has(source)) {
      return -1;
    }
    seen.add(source);
    topic = policy.upstreamTopic(topic);
  }
  return -1;
}

function filterTopics(topics: Iterable<string>, keep: (topic: string) => boolean): Set<string> {
  const kept = new Set<string>();
  for (const topic of topics) {
    if (keep(topic)) {
      kept.add(topic);
    }
  }
  return kept;
}
