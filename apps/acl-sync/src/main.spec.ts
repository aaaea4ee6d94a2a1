import { describeServiceProcess } from '@mirrormaker/service-kit/testing';

describeServiceProcess({ app: 'acl-sync', requiredArgs: ['--coordinator', '127.0.0.1:7000'], grpcServices: [] });
