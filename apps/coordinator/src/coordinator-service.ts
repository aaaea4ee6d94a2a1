import { ControlServiceService, LeaseServiceService } from '@mirrormaker/proto';
import { MIRRORMAKER_VERSION, withUnimplemented, type ServiceSpec } from '@mirrormaker/service-kit';

/** Control plane: holds the replication config, discovers work and leases it to service instances. */
export const coordinatorService: ServiceSpec = {
  name: 'coordinator',
  version: MIRRORMAKER_VERSION,
  grpcPort: 7000,
  metricsPort: 9400,
  requiresCoordinator: false,
  async start({ logger }) {
    logger.debug('no work loop yet');
    return {
      grpcServices: [
        { name: 'mirrormaker.v1.ControlService', definition: ControlServiceService, implementation: withUnimplemented(ControlServiceService, 'mirrormaker.v1.ControlService') },
        { name: 'mirrormaker.v1.LeaseService', definition: LeaseServiceService, implementation: withUnimplemented(LeaseServiceService, 'mirrormaker.v1.LeaseService') },
      ],
      health: () => ({ healthy: true }),
      stop: async () => undefined,
    };
  },
};
