import { describeServiceProcess } from '@mirrormaker/service-kit/testing';

describeServiceProcess({ app: 'offset-sync', requiredArgs: ['--coordinator', '127.0.0.1:7000'], grpcServices: ['mirrormaker.v1.OffsetSyncService'] });
