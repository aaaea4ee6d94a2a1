import { ControlServiceService, LeaseServiceService } from '@mirrormaker/proto';
import { hostname } from 'node:os';
import { ADVERTISED_HOST_ENV, advertisedAddress, leaseServiceHandlers, MIRRORMAKER_VERSION, providerFileReader, ServiceError, type ServiceSpec } from '@mirrormaker/service-kit';
import { isConfigRejected } from './config/config-rejected';
import { Coordinator } from './coordinator';
import { controlServiceHandlers } from './grpc/control-service';
import { formatProblems } from '@mirrormaker/config';

/** Control plane: holds the replication config, discovers work and leases it to service instances. */
export const coordinatorService: ServiceSpec = {
  name: 'coordinator',
  version: MIRRORMAKER_VERSION,
  grpcPort: 7000,
  metricsPort: 9400,
  switches: { 'config-replaces-stored': 'the --config file replaces the revision stored in Kafka' },
  async start({ flags, configText, logger, metrics, grpcClient }) {
    const advertised = advertisedAddress({ host: flags.host, grpcPort: flags.grpcPort, advertisedHost: process.env[ADVERTISED_HOST_ENV], hostname: hostname() });
    const coordinator = new Coordinator({
      logger,
      metrics,
      file: flags.configPath === undefined || configText === undefined ? undefined : { path: flags.configPath, text: configText },
      fileReplacesStored: flags.switches['config-replaces-stored'] ?? false,
      env: process.env,
      readFile: providerFileReader(flags),
      instanceId: flags.instanceId,
      ...(advertised.address === undefined ? {} : { advertisedAddress: advertised.address }),
    });
    if (advertised.address === undefined) logger.warn(`${advertised.reason}; followers cannot send clients to this replica while it leads`);
    try {
      coordinator.start();
    } catch (err) {
      if (isConfigRejected(err)) {
        throw new ServiceError('CONFIG_UNREADABLE', `config ${flags.configPath} is invalid: ${formatProblems(err.problems).split('\n').join(' | ')}`);
      }
      throw err;
    }
    return {
      grpcServices: [
        { name: 'mirrormaker.v1.ControlService', definition: ControlServiceService, implementation: controlServiceHandlers(coordinator, logger, grpcClient) },
        { name: 'mirrormaker.v1.LeaseService', definition: LeaseServiceService, implementation: leaseServiceHandlers(coordinator.leases, logger, coordinator.leaseGate) },
      ],
      health: () => coordinator.health(),
      stop: () => coordinator.stop(),
    };
  },
};
