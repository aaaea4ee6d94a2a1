import { describeServiceProcess } from '@mirrormaker/service-kit/testing';

describeServiceProcess({ app: 'data-mirror', worker: true, grpcServices: [] });
