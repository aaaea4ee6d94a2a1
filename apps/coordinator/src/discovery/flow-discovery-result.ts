/** What discovery last found for one flow. */
export interface DiscoveredTopic {
  sourceTopic: string;
  remoteTopic: string;
  partitions: number;
}

export interface FlowDiscovery {
  flow: string;
  topics: DiscoveredTopic[];
  /** Source groups with committed offsets on replicated topics (MM2's checkpoint rule). */
  groups: string[];
  /** When the last successful discovery finished (ms since epoch); undefined before the first. */
  lastSuccessAt?: number;
  /** The last failure, cleared by a success. */
  error?: { message: string; at: number };
}
