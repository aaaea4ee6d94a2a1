import { describeServiceProcess } from '@mirrormaker/service-kit/testing';

describeServiceProcess({ app: 'coordinator', grpcServices: ['mirrormaker.v1.ControlService', 'mirrormaker.v1.LeaseService'] });
