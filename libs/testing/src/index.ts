/** @mirrormaker/testing: real Apache Kafka clusters for tests and benchmarks, without Docker. */
export { KAFKA_VERSION, defaultDataRoot, findRepoRoot, kafkaCacheRoot, kafkaPomFile, testRunsRoot } from './paths';
export { renderProperties } from './properties';
export type { Properties, PropertyValue } from './properties';
export {
  BROKER_STARTED_LOG_LINE,
  DEFAULT_PORTS,
  DEFAULT_SUPER_USERS,
  DEFAULT_USERS,
  LOOPBACK,
  SINGLE_NODE_DEFAULTS,
  brokerProperties,
  checkClusterName,
  jvmOptions,
  log4j2Properties,
  newClusterId,
  plainJaasConfig,
  portsFromBase,
  quietToolLog4j2Properties,
  saslClientProperties,
  tlsJvmOptions,
  tlsListenerProperties,
} from './kafka-config';
export type { BrokerTls, BrokerConfigInput, ClusterPorts, JvmProfile, SaslUser } from './kafka-config';
export {
  KAFKA_TOOLS,
  ensureKafka,
  findJava,
  finishCdsRecording,
  planCds,
  runKafkaTool,
  toolJvmArgs,
  toolMainClass,
} from './kafka-distribution';
export type {
  CdsPlan,
  EnsureKafkaOptions,
  JavaRuntime,
  KafkaDistribution,
  KafkaProfile,
  KafkaToolResult,
  RunKafkaToolOptions,
} from './kafka-distribution';
export { API_VERSIONS_KEY, brokerAnswers, decodeApiVersionsResponse, encodeApiVersionsRequest, probeApiVersions } from './kafka-protocol';
export type { ApiVersionRange, ApiVersionsResult } from './kafka-protocol';
export { KafkaCluster, clusterStatus, isClusterProcess, listClusterDirs, readClusterState, stopClusterAt } from './kafka-cluster';
export type { ClusterInfo, ClusterStatus, KafkaClusterOptions } from './kafka-cluster';
export { startClusters, startExtraTestClusters } from './cluster-set';
export type { ClusterSet, ClusterSetOptions, ExtraTestClusters } from './cluster-set';
export { startTwoClusters, stopAll } from './two-clusters';
export type { TwoClusters, TwoClustersOptions } from './two-clusters';
export { eventually } from './eventually';
export type { EventuallyOptions } from './eventually';
export { ephemeralPortRange, freePort, freePorts, isPortFree, isProcessAlive, sleep, tailFile } from './process-util';
export type { FreePortOptions } from './process-util';
export {
  TEST_CLUSTERS_ENV,
  buildTestClustersInfo,
  testClusters,
  toConnection,
  uniqueName,
  writeTestClustersFile,
} from './test-clusters';
export type { ClusterConnection, TestClustersInfo } from './test-clusters';
export { storedBatchCodecs } from './log-segments';
export type { BatchCodec } from './log-segments';
export { localCa } from './local-ca';
export { keytoolCommand, testKeyStores } from './test-key-stores';
export type { TestKeyStores } from './test-key-stores';
export { upsertScramUsers, encodeAlterUserScramCredentials, decodeAlterUserScramCredentials } from './scram-users';
export type { ScramMechanism, ScramUpsertion, ScramResult } from './scram-users';
export { startTestOAuthServer } from './test-oauth-server';
export type { TestOAuthServer, TestOAuthServerOptions } from './test-oauth-server';
export { startSecureCluster } from './secure-cluster';
export type { SecureCluster, SecureClusterOptions } from './secure-cluster';
export type { CertificateFiles, LocalCa } from './local-ca';
