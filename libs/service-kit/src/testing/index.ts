export { checkHealth, listServicesByReflection } from './service-probe';
export { runServiceToExit, spawnService, type ExitedService, type SpawnedService } from './spawn-service';
export { describeServiceProcess, type ServiceProcessContract } from './service-process-contract';
export { startTestCoordinator, type TestCoordinator } from './test-coordinator';
export { startWithUnits, type RunningTestService } from './service-with-units';
export { superAdmin, superClient, userClient, type ClusterRole } from './test-cluster-clients';
export { readUntil } from './read-topic';
export { testSecurity, type TestCaller, type TestSecurity } from './test-security';
