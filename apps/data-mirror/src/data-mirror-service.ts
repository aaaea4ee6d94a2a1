import { MIRRORMAKER_VERSION, type ServiceSpec } from '@mirrormaker/service-kit';

/** Copies records of leased source partitions to the target cluster. */
export const dataMirrorService: ServiceSpec = {
  name: 'data-mirror',
  version: MIRRORMAKER_VERSION,
  grpcPort: 7001,
  metricsPort: 9401,
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
