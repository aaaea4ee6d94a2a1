import { describeServiceProcess } from '@mirrormaker/service-kit/testing';

describeServiceProcess({ app: 'topic-config-sync', requiredArgs: ['--coordinator', '127.0.0.1:7000'], grpcServices: [] });
