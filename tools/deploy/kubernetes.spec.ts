import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { enabledFlows, flowName, hasErrors, loadMirrorConfig, parseProperties } from '@mirrormaker/config';
import { appDefaults, repoRoot, yamlDocuments } from './service-catalog';

const dir = join(repoRoot, 'deploy/kubernetes');
const read = (file: string) => readFileSync(join(dir, file), 'utf8');

interface Container {
  name: string;
  command: string[];
  ports: { name: string; containerPort: number }[];
  env: { name: string; value?: string; valueFrom?: unknown }[];
  readinessProbe: { httpGet?: { path: string; port: string } };
  livenessProbe: { httpGet?: { path: string; port: string } };
  resources: { requests: { cpu: string; memory: string }; limits: { memory: string } };
  volumeMounts: { name: string; mountPath: string }[];
}
interface Workload {
  kind: 'Deployment' | 'StatefulSet';
  metadata: { name: string };
  spec: {
    replicas: number;
    serviceName?: string;
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: { containers: Container[]; volumes: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[] };
    };
  };
}
interface Service {
  kind: 'Service';
  metadata: { name: string };
  spec: { clusterIP?: string; selector: Record<string, string>; ports: { name: string; port: number; targetPort: string }[] };
}
interface ConfigMap {
  kind: 'ConfigMap';
  metadata: { name: string };
  data: Record<string, string>;
}
type Resource = Workload | Service | ConfigMap;

const kustomization = parse(read('kustomization.yaml')) as { resources: string[] };
const resources = yamlDocuments<Resource>(kustomization.resources.map((file) => [file, read(file)] as const));
const workloads = resources.filter((r): r is Workload => r.kind === 'Deployment' || r.kind === 'StatefulSet');
const services = resources.filter((r): r is Service => r.kind === 'Service');
const envOf = (c: Container, name: string) => c.env.find((e) => e.name === name)?.value;
const mebibytes = (quantity: string) => {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
};

describe('deploy/kubernetes', () => {
  const defaults = appDefaults();

  it('runs every app once, each from its own main on the ports it defaults to', () => {
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual([...defaults.keys()].sort());
    for (const w of workloads) {
      const [container] = w.spec.template.spec.containers;
      const app = w.metadata.name;
      expect(container!.command.slice(0, 2)).toEqual(['node', `dist/apps/${app}/main.js`]);
      const ports = Object.fromEntries(container!.ports.map((p) => [p.name, p.containerPort]));
      expect({ app, ports }).toEqual({ app, ports: { grpc: defaults.get(app)!.grpcPort, metrics: defaults.get(app)!.metricsPort } });
      const flag = (name: string) => Number(container!.command[container!.command.indexOf(name) + 1]);
      expect([flag('--grpc-port'), flag('--metrics-port')]).toEqual([ports.grpc, ports.metrics]);
      expect(w.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': app });
      expect(w.spec.template.metadata.labels).toMatchObject(w.spec.selector.matchLabels);
    }
  });

  it('puts a Service in front of every app, selecting its pods and naming its container ports', () => {
    for (const w of workloads) {
      const service = services.find((s) => s.metadata.name === w.metadata.name && s.spec.clusterIP === undefined);
      expect(service).toBeDefined();
      expect(service!.spec.selector).toEqual(w.spec.selector.matchLabels);
      const containerPorts = new Set(w.spec.template.spec.containers[0]!.ports.map((p) => p.name));
      for (const p of service!.spec.ports) expect(containerPorts.has(p.targetPort)).toBe(true);
      expect(service!.spec.ports.map((p) => p.port).sort()).toEqual(w.spec.template.spec.containers[0]!.ports.map((p) => p.containerPort).sort());
    }
  });

  it('is scraped by Prometheus on each metrics port, and probes /healthz for readiness and /metrics for liveness', () => {
    for (const w of workloads) {
      const container = w.spec.template.spec.containers[0]!;
      const metricsPort = container.ports.find((p) => p.name === 'metrics')!.containerPort;
      expect(w.spec.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort), 'prometheus.io/path': '/metrics' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/metrics', port: 'metrics' });
    }
  });

  it('runs the coordinator as replicas with stable names, which every worker lists and each replica advertises', () => {
    const coordinator = workloads.find((w) => w.metadata.name === 'coordinator')!;
    expect(coordinator.kind).toBe('StatefulSet');
    expect(coordinator.spec.replicas).toBeGreaterThanOrEqual(2);
    const headless = services.find((s) => s.metadata.name === coordinator.spec.serviceName)!;
    expect(headless.spec.clusterIP).toBe('None');
    const grpcPort = defaults.get('coordinator')!.grpcPort;
    const replicas = Array.from({ length: coordinator.spec.replicas }, (_, i) => `coordinator-${i}.${headless.metadata.name}:${grpcPort}`);
    const container = coordinator.spec.template.spec.containers[0]!;
    expect(envOf(container, 'MM_ADVERTISED_HOST')).toBe(`$(MM_INSTANCE_ID).${headless.metadata.name}`);
    for (const w of workloads.filter((w) => w !== coordinator)) {
      expect({ app: w.metadata.name, coordinators: envOf(w.spec.template.spec.containers[0]!, 'MM_COORDINATOR') }).toEqual({ app: w.metadata.name, coordinators: replicas.join(',') });
    }
  });

  it('runs with TLS and tokens from Secrets, never in plaintext', () => {
    for (const w of workloads) {
      const container = w.spec.template.spec.containers[0]!;
      expect(envOf(container, 'MM_INSECURE_PLAINTEXT')).toBeUndefined();
      const mounts = Object.fromEntries(container.volumeMounts.map((m) => [m.name, m.mountPath]));
      for (const [variable, volume] of [['MM_TLS_CERT', 'tls'], ['MM_TLS_KEY', 'tls'], ['MM_TLS_CA', 'tls'], ['MM_TOKENS_FILE', 'tokens'], ['MM_TOKEN_FILE', 'tokens']] as const) {
        expect(envOf(container, variable)?.startsWith(`${mounts[volume]}/`)).toBe(true);
      }
      const secrets = w.spec.template.spec.volumes.filter((v) => v.secret).map((v) => v.secret!.secretName).sort();
      expect(secrets).toEqual(['mirrormaker-tls', 'mirrormaker-tokens']);
    }
  });

  it('gives every service the mm2.properties of the ConfigMap, and that file loads', () => {
    const configMap = resources.find((r): r is ConfigMap => r.kind === 'ConfigMap')!;
    for (const w of workloads) {
      const container = w.spec.template.spec.containers[0]!;
      const volume = w.spec.template.spec.volumes.find((v) => v.configMap?.name === configMap.metadata.name)!;
      const mount = container.volumeMounts.find((m) => m.name === volume.name)!;
      const path = envOf(container, 'MM_CONFIG')!;
      expect(path.startsWith(`${mount.mountPath}/`)).toBe(true);
      expect(configMap.data[path.slice(mount.mountPath.length + 1)]).toBeDefined();
    }
    const text = configMap.data['mm2.properties']!;
    expect(parseProperties(text).entries.length).toBeGreaterThan(0);
    const loaded = loadMirrorConfig(text);
    expect(hasErrors(loaded.problems)).toBe(false);
    expect(enabledFlows(loaded.config).map(flowName)).toEqual(['primary->backup']);
  });

  it("sizes data-mirror's memory from the benchmark's peak with the defaults, and requests memory and CPU everywhere", () => {
    const benchmarks = readFileSync(join(repoRoot, 'docs/benchmarks.md'), 'utf8');
    const peak = /Data-mirror peak RSS with the defaults: \*\*(\d+) MiB\*\*/.exec(benchmarks);
    expect(peak).not.toBeNull();
    const dataMirror = workloads.find((w) => w.metadata.name === 'data-mirror')!.spec.template.spec.containers[0]!;
    expect(mebibytes(dataMirror.resources.requests.memory)).toBeGreaterThanOrEqual(Number(peak![1]));
    for (const w of workloads) {
      const { requests, limits } = w.spec.template.spec.containers[0]!.resources;
      expect(requests.cpu).toMatch(/^\d+m$/);
      expect(mebibytes(limits.memory)).toBeGreaterThanOrEqual(mebibytes(requests.memory));
    }
  });
});
