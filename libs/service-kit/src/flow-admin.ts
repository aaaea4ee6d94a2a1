import type { FlowConfig, MirrorConfig } from '@mirrormaker/config';
import { createKafkaClient, KafkaAdmin } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import { kafkaConnectionFor } from './kafka-connection';

/** An admin client on one side of a flow, with the principal the brokers see (for error messages). */
export interface FlowAdmin {
  readonly alias: string;
  readonly principal?: string;
  readonly admin: KafkaAdmin;
}

/**
 * Admin client for a flow's source or target, with short client-side retries: reconciling units
 * retry whole runs with backoff, so a request should fail fast rather than retry for minutes.
 */
export function flowAdmin(config: MirrorConfig, flow: FlowConfig, side: 'source' | 'target', role: string, logger: Logger): FlowAdmin {
  const cluster = config.clusters[flow[side]]!;
  const client = createKafkaClient(
    {
      ...kafkaConnectionFor(cluster, `${flow.name}|${role}|${side}`, flow.clients[side].admin, 'admin'),
      connectionTimeoutMs: 5_000,
      requestTimeoutMs: Math.min(flow.adminTimeoutMs, 30_000),
      retry: { retries: 2, initialRetryTimeMs: 250, maxRetryTimeMs: 2_000 },
    },
    logger,
  );
  return { alias: cluster.alias, ...(client.principal ? { principal: client.principal } : {}), admin: new KafkaAdmin(client) };
}
