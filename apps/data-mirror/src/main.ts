// First: it must take effect before the other modules make the heap grow.
import { youngGeneration } from './young-generation';
import { runService } from '@mirrormaker/service-kit';
import { createDataMirrorService } from './data-mirror-service';

void runService(createDataMirrorService({ youngGeneration }));
