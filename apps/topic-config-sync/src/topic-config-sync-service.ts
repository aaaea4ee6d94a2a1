import { MIRRORMAKER_VERSION, type ServiceSpec } from '@mirrormaker/service-kit';

/** Creates remote topics and keeps partitions and configs in step. */
export const topicConfigSyncService: ServiceSpec = {
  name: 'topic-config-sync',
  version: MIRRORMAKER_VERSION,
  grpcPort: 7003,
  metricsPort: 9403,
  requiresCoordinator: true,
  async start({ logger }) {
    logger.debug('no work loop yet');
    return {
      grpcServices: [
      ],
      health: () => ({ healthy: true }),
      stop: async () => undefined,
    };
  },
};
