import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { plaintextClient, secureClient, type ClientSecurity } from '../security/grpc-security';

type Client = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

function clientFor(protoFile: string, serviceName: string, address: string, security: ClientSecurity): Client {
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(protoFile, { keepCase: true, enums: String }));
  const ctor = serviceName.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], pkg) as grpc.ServiceClientConstructor;
  return secureClient(ctor, address, security) as unknown as Client;
}

/** Asks `grpc.health.v1.Health/Check` for a service ('' = the whole server). */
export function checkHealth(address: string, service = '', security: ClientSecurity = plaintextClient()): Promise<string> {
  const client = clientFor(healthProtoPath, 'grpc.health.v1.Health', address, security);
  return new Promise((resolve, reject) => {
    client.Check({ service }, { deadline: Date.now() + 5000 }, (err: Error | null, res: { status: string }) => {
      client.close();
      if (err) reject(err);
      else resolve(res.status);
    });
  });
}

/** Lists the services a server exposes through gRPC reflection (what `grpcurl list` shows). */
export function listServicesByReflection(address: string, security: ClientSecurity = plaintextClient()): Promise<string[]> {
  const protoFile = join(require.resolve('@grpc/reflection'), '../../proto/grpc/reflection/v1/reflection.proto');
  const client = clientFor(protoFile, 'grpc.reflection.v1.ServerReflection', address, security);
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo({ deadline: Date.now() + 5000 }) as grpc.ClientDuplexStream<unknown, {
      list_services_response?: { service: { name: string }[] };
    }>;
    call.on('data', (res: { list_services_response?: { service: { name: string }[] } }) => {
      resolve((res.list_services_response?.service ?? []).map((s) => s.name).sort());
      call.end();
      client.close();
    });
    call.on('error', reject);
    call.write({ list_services: '' });
  });
}
