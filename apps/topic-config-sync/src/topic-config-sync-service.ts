import type { FlowConfig, MirrorConfig } from '@mirrormaker/config';
import { KafkaAdmin, createKafkaClient, type KafkaConnection } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import { ServiceKind, type WorkUnit } from '@mirrormaker/proto';
import { LeaseClient, MIRRORMAKER_VERSION, SyncStatus, kafkaConnectionFor, loadServiceConfig, resolveUnitFlow, type ServiceSpec, type UnitWorker } from '@mirrormaker/service-kit';
import { flowRules } from './flow-rules';
import { internalTopicSpecs } from './internal-topics';
import { createTopicSyncMetrics, type TopicSyncMetrics } from './topic-sync-metrics';
import { TopicSyncUnit, type ClusterHandle, type TopicSyncSettings } from './topic-sync-unit';

/** What the service keeps per granted unit: a running sync, or an idle placeholder saying why not. */
interface HeldUnit {
  readonly status: SyncStatus;
  errorReports(): ReturnType<TopicSyncUnit['errorReports']>;
  stop(reason: string): Promise<void>;
}

export function topicSyncSettings(flow: FlowConfig): TopicSyncSettings {
  return {
    replicationFactor: flow.replicationFactor,
    refreshTopicsIntervalMs: flow.refreshTopicsEnabled ? flow.refreshTopicsIntervalSeconds * 1000 : null,
    syncConfigsIntervalMs: flow.syncTopicConfigsEnabled ? flow.syncTopicConfigsIntervalSeconds * 1000 : null,
  };
}

/** Admin client settings: short client-side retries, since the unit retries whole runs with backoff. */
function adminConnection(connection: KafkaConnection, flow: FlowConfig): KafkaConnection {
  return {
    ...connection,
    connectionTimeoutMs: 5_000,
    requestTimeoutMs: Math.min(flow.adminTimeoutMs, 30_000),
    retry: { retries: 2, initialRetryTimeMs: 250, maxRetryTimeMs: 2_000 },
  };
}

function clusterHandle(config: MirrorConfig, flow: FlowConfig, side: 'source' | 'target', logger: Logger): ClusterHandle {
  const cluster = config.clusters[flow[side]]!;
  const client = createKafkaClient(adminConnection(kafkaConnectionFor(cluster, `${flow.name}|topic-config-sync|${side}`), flow), logger);
  return { alias: cluster.alias, ...(client.principal ? { principal: client.principal } : {}), admin: new KafkaAdmin(client) };
}

function idleUnit(unitId: string, status: SyncStatus): HeldUnit {
  return {
    status,
    errorReports: () => status.errorReports(unitId),
    stop: async () => status.setStopped(),
  };
}

function startUnit(unit: WorkUnit, config: MirrorConfig, metrics: TopicSyncMetrics, logger: Logger): HeldUnit {
  const resolved = resolveUnitFlow(config, unit.id, 'topics');
  if (!resolved.ok) {
    const status = new SyncStatus(logger.child({ unit: unit.id }));
    const problem = resolved.cause === 'FLOW_DISABLED' ? undefined : { cause: resolved.cause, message: resolved.message, retriable: false, clusterWide: true, action: 'setup' as const };
    status.setIdle(resolved.message, problem);
    logger.warn({ unit: unit.id, cause: resolved.cause }, `not syncing topics: ${resolved.message}`);
    return idleUnit(unit.id, status);
  }
  const { flow } = resolved;
  const rules = flowRules(flow);
  let source: ClusterHandle;
  let target: ClusterHandle;
  try {
    source = clusterHandle(config, flow, 'source', logger);
    target = clusterHandle(config, flow, 'target', logger);
  } catch (err) {
    const status = new SyncStatus(logger.child({ unit: unit.id }));
    const message = `cannot connect to the clusters of flow ${flow.name}: ${(err as Error).message}`;
    status.setIdle(message, { cause: 'BAD_CONNECTION', message, retriable: false, clusterWide: true, action: 'setup' });
    logger.error({ unit: unit.id }, message);
    return idleUnit(unit.id, status);
  }
  const sync = new TopicSyncUnit({
    unitId: unit.id,
    flow: flow.name,
    rules,
    internalTopics: internalTopicSpecs(config, flow, rules.policy),
    settings: topicSyncSettings(flow),
    source,
    target,
    metrics,
    logger,
  });
  sync.start();
  return sync;
}

/** Creates remote topics and keeps partitions and configs in step. */
export const topicConfigSyncService: ServiceSpec = {
  name: 'topic-config-sync',
  version: MIRRORMAKER_VERSION,
  grpcPort: 7003,
  metricsPort: 9403,
  requiresCoordinator: true,
  async start({ flags, configText, logger, metrics }) {
    if (configText === undefined) {
      logger.warn('no --config (MM_CONFIG) given: not asking the coordinator for work');
      return { grpcServices: [], health: () => ({ healthy: true, details: { idle: 'no config' } }), stop: async () => undefined };
    }
    const config = loadServiceConfig(configText, flags.configPath, process.env, logger);
    const unitMetrics = createTopicSyncMetrics(metrics);
    const held = new Map<string, HeldUnit>();
    const leases = new LeaseClient({
      coordinator: flags.coordinator!,
      instanceId: flags.instanceId,
      kind: ServiceKind.SERVICE_KIND_TOPIC_CONFIG_SYNC,
      version: MIRRORMAKER_VERSION,
      logger,
      metrics,
      async startUnit(unit): Promise<UnitWorker> {
        const running = startUnit(unit, config, unitMetrics, logger);
        held.set(unit.id, running);
        return {
          async stop(reason) {
            await running.stop(reason);
            if (held.get(unit.id) === running) held.delete(unit.id);
          },
        };
      },
      report: () => ({ errors: [...held.values()].flatMap((u) => u.errorReports()) }),
    });
    leases.start();
    return {
      grpcServices: [],
      health: () => ({
        healthy: true,
        details: { coordinatorConnected: leases.isConnected, units: Object.fromEntries([...held].map(([id, u]) => [id, u.status.view()])) },
      }),
      stop: () => leases.stop(),
    };
  },
};
