import { describeServiceProcess } from '@mirrormaker/service-kit/testing';

describeServiceProcess({ app: 'offset-sync', worker: true, grpcServices: ['mirrormaker.v1.OffsetSyncService'] });
