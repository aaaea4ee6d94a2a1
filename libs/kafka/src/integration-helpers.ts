/**
 * Shared by this lib's *.int.spec.ts files (not exported from index.ts): clients for the real test
 * clusters that jest's integration global setup starts.
 */
import { testClusters, type ClusterConnection } from '@mirrormaker/testing';
import pino, { type Logger } from 'pino';
import { createKafkaClient, type KafkaClient } from './connection';
import type { ConsumedRecord } from './partition-consumer';

export type ClusterRole = 'source' | 'target';

/** Test logs stay quiet unless MM_TEST_LOG_LEVEL asks for more. */
export const testLogger: Logger = pino({ level: process.env.MM_TEST_LOG_LEVEL ?? 'silent' });

export function clusterInfo(role: ClusterRole): ClusterConnection {
  return testClusters()[role];
}

/** A PLAINTEXT client (super user ANONYMOUS), or a SASL/PLAIN client for one of the harness users. */
export function clientFor(role: ClusterRole, user?: 'admin' | 'alice' | 'bob'): KafkaClient {
  const info = clusterInfo(role);
  if (!user) {
    return createKafkaClient(
      { clusterAlias: role, brokers: [info.bootstrap], clientId: `kafka-int-${role}`, retry: { retries: 2, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 } },
      testLogger,
    );
  }
  const { username, password } = info.users[user];
  return createKafkaClient(
    {
      clusterAlias: role,
      brokers: [info.saslBootstrap],
      clientId: `kafka-int-${role}-${user}`,
      security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'plain', username, password } },
      retry: { retries: 1, initialRetryTimeMs: 100, maxRetryTimeMs: 500 },
    },
    testLogger,
  );
}

/** Records as plain values, for toEqual comparisons that print readably. */
export function plainRecords(records: readonly ConsumedRecord[]): Array<{
  offset: string;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
  timestamp: string;
}> {
  return records.map((r) => ({
    offset: r.offset.toString(),
    key: r.key === null ? null : r.key.toString('utf8'),
    value: r.value === null ? null : r.value.toString('utf8'),
    headers: r.headers.map((h) => [h.key, h.value === null ? null : h.value.toString('utf8')]),
    timestamp: r.timestamp.toString(),
  }));
}
