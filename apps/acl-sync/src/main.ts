import { runService } from '@mirrormaker/service-kit';
import { aclSyncService } from './acl-sync-service';

void runService(aclSyncService);
