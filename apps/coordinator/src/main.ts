import { runService } from '@mirrormaker/service-kit';
import { coordinatorService } from './coordinator-service';

void runService(coordinatorService);
