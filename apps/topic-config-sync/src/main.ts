import { runService } from '@mirrormaker/service-kit';
import { topicConfigSyncService } from './topic-config-sync-service';

void runService(topicConfigSyncService);
