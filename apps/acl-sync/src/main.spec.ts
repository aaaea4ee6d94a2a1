import { describeServiceProcess } from '@mirrormaker/service-kit/testing';

describeServiceProcess({ app: 'acl-sync', worker: true, grpcServices: [] });
