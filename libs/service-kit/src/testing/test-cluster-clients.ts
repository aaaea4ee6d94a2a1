/** Clients on the real test clusters for integration tests: the super user, or an ACL-bound user. */
import { KafkaAdmin, createKafkaClient, type KafkaClient } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { testClusters } from '@mirrormaker/testing';

export type ClusterRole = 'source' | 'target';

const testLogger = () => createLogger({ service: 'int-test', level: process.env.MM_TEST_LOG_LEVEL ?? 'silent' });

/** A client on a test cluster as its super user (PLAINTEXT). */
export function superClient(role: ClusterRole): KafkaClient {
  return createKafkaClient(
    { clusterAlias: role, brokers: [testClusters()[role].bootstrap], clientId: `int-test-${role}`, retry: { retries: 2, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 } },
    testLogger(),
  );
}

/** An admin on a test cluster as its super user (PLAINTEXT). */
export function superAdmin(role: ClusterRole): KafkaAdmin {
  return new KafkaAdmin(superClient(role));
}

/** A SASL/PLAIN client on a test cluster as one of its ACL-bound users. */
export function userClient(role: ClusterRole, user: 'alice' | 'bob'): KafkaClient {
  const info = testClusters()[role];
  const { username, password } = info.users[user];
  return createKafkaClient(
    {
      clusterAlias: role,
      brokers: [info.saslBootstrap],
      clientId: `int-test-${role}-${user}`,
      security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'plain', username, password } },
      retry: { retries: 1, initialRetryTimeMs: 100, maxRetryTimeMs: 500 },
    },
    testLogger(),
  );
}
