import { runService } from '@mirrormaker/service-kit';
import { offsetSyncService } from './offset-sync-service';

void runService(offsetSyncService);
