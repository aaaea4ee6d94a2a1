import { ServiceKind } from '@mirrormaker/proto';
import { LeaseClient, MIRRORMAKER_VERSION, RunningConfig, type ServiceSpec } from '@mirrormaker/service-kit';
import { FetchBuffer } from '@mirrormaker/kafka';
import { DataMirror, DEFAULT_FETCH_BUFFER_BYTES } from './data-mirror';
import { dataMirrorFingerprint } from './flow-plan';
import type { YoungGeneration } from './young-generation';
import { DEFAULT_TIMINGS, type DataMirrorTimings } from './timings';

export interface DataMirrorServiceOptions {
  /** Overrides of the default timings (tests use short ones). */
  timings?: Partial<DataMirrorTimings>;
  /** What main.ts did with V8's young generation (logged at start); in-process tests leave it. */
  youngGeneration?: YoungGeneration;
}

/**
 * The data mirror service: leases `partition` and `heartbeat` units from the coordinator and copies
 * records, positions, offset syncs and heartbeats (see DataMirror). Without `--config` it starts,
 * serves health and metrics, and takes no work.
 */
export function createDataMirrorService(options: DataMirrorServiceOptions = {}): ServiceSpec {
  const timings: DataMirrorTimings = { ...DEFAULT_TIMINGS, ...options.timings };
  return {
    name: 'data-mirror',
    version: MIRRORMAKER_VERSION,
    grpcPort: 7001,
    metricsPort: 9401,
    requiresCoordinator: true,
    numbers: {
      'fetch-buffer-bytes': {
        help: 'bytes fetched from sources and not yet copied, over all flows; past it fetching waits',
        defaultValue: DEFAULT_FETCH_BUFFER_BYTES,
        min: 1024 * 1024,
      },
    },
    async start({ flags, configText, logger, metrics, grpcClient }) {
      const youngGeneration = options.youngGeneration;
      if (youngGeneration === 'capped at 8 MiB') {
        logger.info({ youngGeneration }, 'V8 young generation capped at 8 MiB, for memory; NODE_OPTIONS=--max-semi-space-size=<MiB per semi-space> sizes it instead');
      } else if (youngGeneration) {
        logger.info({ youngGeneration }, 'V8 young generation sized by the node flags given');
      }
      // onChange runs only on revisions the coordinator pushes, after `mirror` exists.
      const running = new RunningConfig({
        flags,
        ...(configText === undefined ? {} : { initialText: configText }),
        env: process.env,
        logger,
        onChange: (config, changed) => mirror.applyConfig(config, changed),
        fingerprint: dataMirrorFingerprint,
      });
      const mirror = new DataMirror({
        config: running.config,
        instanceId: flags.instanceId,
        logger,
        registry: metrics,
        timings,
        fetchBuffer: new FetchBuffer(flags.numbers['fetch-buffer-bytes'] ?? DEFAULT_FETCH_BUFFER_BYTES),
      });
      const leases = new LeaseClient({
        coordinator: flags.coordinator!,
        security: grpcClient,
        instanceId: flags.instanceId,
        whenCoordinatorsUnreachable: flags.whenCoordinatorsUnreachable,
        kind: ServiceKind.SERVICE_KIND_DATA_MIRROR,
        version: MIRRORMAKER_VERSION,
        logger,
        metrics,
        applyConfig: (revision, text) => running.apply(revision, text),
        startUnit: (unit, epoch) => mirror.startUnit(unit, epoch),
        report: () => mirror.report(),
      });
      leases.start();
      return {
        grpcServices: [],
        health: () => {
          const report = mirror.health();
          return { healthy: report.healthy && leases.hasWorkingSession, details: { ...report.details, coordinatorSession: leases.sessionState() } };
        },
        stop: async () => {
          await leases.stop();
          await mirror.close();
        },
      };
    },
  };
}

