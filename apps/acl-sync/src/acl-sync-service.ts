import { MIRRORMAKER_VERSION, type ServiceSpec } from '@mirrormaker/service-kit';

/** Copies topic ACLs to the target by MM2 rules. */
export const aclSyncService: ServiceSpec = {
  name: 'acl-sync',
  version: MIRRORMAKER_VERSION,
  grpcPort: 7004,
  metricsPort: 9404,
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
