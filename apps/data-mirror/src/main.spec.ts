import { describeServiceProcess } from '@mirrormaker/service-kit/testing';

describeServiceProcess({ app: 'data-mirror', requiredArgs: ['--coordinator', '127.0.0.1:7000'], grpcServices: [] });
