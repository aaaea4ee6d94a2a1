export interface ConnectWorkerTopics {
  readonly offsets: string;
  readonly status: string;
  readonly configs: string;
}

/**
 * Topics of the Connect worker that runs flow `<source>-><target>` in dedicated mode, all on the target
 * cluster. MM2 hard-codes the `.` here: the replication separator does not apply.
 */
export function connectWorkerTopics(sourceClusterAlias: string): ConnectWorkerTopics {
  return {
    offsets: `mm2-offsets.${sourceClusterAlias}.internal`,
    status: `mm2-status.${sourceClusterAlias}.internal`,
    configs: `mm2-configs.${sourceClusterAlias}.internal`,
  };
}
