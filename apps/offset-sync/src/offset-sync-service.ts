import { OffsetSyncServiceService } from '@mirrormaker/proto';
import { MIRRORMAKER_VERSION, withUnimplemented, type ServiceSpec } from '@mirrormaker/service-kit';

/** Translates consumer group offsets and writes MM2 checkpoints. */
export const offsetSyncService: ServiceSpec = {
  name: 'offset-sync',
  version: MIRRORMAKER_VERSION,
  grpcPort: 7002,
  metricsPort: 9402,
  requiresCoordinator: true,
  async start({ logger }) {
    logger.debug('no work loop yet');
    return {
      grpcServices: [
        { name: 'mirrormaker.v1.OffsetSyncService', definition: OffsetSyncServiceService, implementation: withUnimplemented(OffsetSyncServiceService, 'mirrormaker.v1.OffsetSyncService') },
      ],
      health: () => ({ healthy: true }),
      stop: async () => undefined,
    };
  },
};
