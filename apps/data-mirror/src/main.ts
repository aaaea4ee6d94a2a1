import { runService } from '@mirrormaker/service-kit';
import { dataMirrorService } from './data-mirror-service';

void runService(dataMirrorService);
