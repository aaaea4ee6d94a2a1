import { describeServiceProcess } from '@mirrormaker/service-kit/testing';

describeServiceProcess({ app: 'topic-config-sync', worker: true, grpcServices: [] });
