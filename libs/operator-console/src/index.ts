export { CONTROL_CALL_FAILURES, ControlCallError, isControlCallError, type ControlCallFailure } from './control-call-error';
export { ControlConnection, type ControlConnectionOptions, type ControlMethod } from './control-connection';
export { protoJson } from './json-output';
export { formatAge, formatBytes, formatCheckpointAge, formatCount, formatDuration, formatLatency, formatRate } from './format';
export { LiveView, type LiveFrame, type LiveOutput } from './live-view';
export { progressBar } from './progress-bar';
export { checkpointSummary, instancesTable, kindName, statusScreen, statusSummary, topicTotals, type StatusScreenOptions, type TopicTotals } from './status-screen';
export { renderTable, type Column } from './text-table';
