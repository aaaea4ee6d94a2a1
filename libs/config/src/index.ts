export { changedFlows, flowFingerprint, type FlowFingerprint } from './flow-changes';
export { parseProperties, formatComment, formatProperties, replacePropertyValues, type ParsedProperties, type PropertyEntry } from './java-properties';
export {
  loadMirrorConfig,
  loadMirrorConfigOrThrow,
  type LoadOptions,
  type LoadResult,
} from './mirror-config-loader';
export type { ProviderSources } from './config-providers';
export {
  CLIENT_KINDS,
  FLOW_SIDES,
  type ClientConfigs,
  type ClientKind,
  type ClusterConfig,
  type FlowConfig,
  type FlowSide,
  type MirrorConfig,
  type PropertyMap,
  type ReplicationPolicyConfig,
} from './model';
export {
  FLOW_SETTINGS,
  type ExactlyOnceSupport,
  type FlowSettings,
  type OffsetSyncsTopicLocation,
  type ReplicationPolicyClass,
  type UseDefaultsFrom,
} from './flow-settings';
export { OUR_SETTINGS, type OurSettings } from './our-settings';
export { CONNECT_OFFSETS_PARTITIONS, WORKER_SETTINGS, offsetFlushIntervalMs, offsetStorageTopicLayout, type WorkerSettings } from './worker-settings';
export {
  MIRROR_CONSUMER_SETTINGS,
  MIRROR_PRODUCER_SETTINGS,
  mirrorConsumerSettings,
  mirrorProducerSettings,
  type MirrorAcks,
  type MirrorCompression,
  type MirrorConsumerSettings,
  type MirrorProducerSettings,
} from './mirror-client-settings';
export type { SettingSpec } from './setting-spec';
export {
  SECURITY_PROTOCOLS,
  STORE_TYPES,
  parseSecurity,
  securityToProperties,
  type SaslSettings,
  type SecurityConfig,
  type SecurityProtocol,
  type SslSettings,
} from './security';
export { parseJaasConfig, type JaasConfig } from './jaas-config';
export { CLIENT_CONNECTION_KEYS } from './key-catalog';
export {
  clientConfig,
  enabledFlows,
  findFlow,
  flowName,
  heartbeatFlows,
  offsetStorageTopic,
  offsetSyncsCluster,
  workerConfig,
} from './flow-accessors';
export { REDACTED, isSensitiveKey, redact, redactProperties, redactedJson } from './redaction';
export { findInlineSecrets, inlineSecretProblems, referInlineSecretsTo, type InlineSecret, type SecretsReferred } from './inline-secrets';
export {
  JSON_FORMAT_VERSION,
  fromJson,
  fromJsonOrThrow,
  toJson,
  type FromJsonOptions,
  type MirrorConfigJson,
} from './json-form';
export { toProperties, type ToPropertiesOptions } from './properties-form';
export { formatProblem, formatProblems, hasErrors, PROBLEM_CODES, type Problem, type ProblemCode, type Severity } from './problems';
export { CONFIG_ERROR_CODES, MirrorConfigError, isMirrorConfigError, type ConfigErrorCode } from './errors';
export { flowReplication, type FlowReplication } from './flow-replication';
export { CONFIGURATION_SECTIONS, configurationReference } from './configuration-reference';
