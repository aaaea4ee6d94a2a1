import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseProperties } from '@mirrormaker/config';

const root = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string | number>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const apps = { coordinator: 9400, 'data-mirror': 9401, 'offset-sync': 9402, 'topic-config-sync': 9403, 'acl-sync': 9404 };

describe('docker-compose.yml', () => {
  it('runs two Kafka clusters from the official apache/kafka image in KRaft mode', () => {
    const kafka = Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('apache/kafka:'));
    expect(kafka.map(([name]) => name).sort()).toEqual(['kafka-source', 'kafka-target']);
    for (const [name, s] of kafka) {
      expect(s.image).toMatch(/^apache\/kafka:4\./);
      expect(s.environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller' });
      expect(String(s.environment?.KAFKA_ADVERTISED_LISTENERS)).toContain(`${name}:9092`);
    }
  });

  it.each(Object.entries(apps))('runs %s from the one Dockerfile with its metrics port published', (app, metricsPort) => {
    const s = compose.services[app];
    expect(s).toBeDefined();
    expect(s.build).toBe('.');
    expect(s.command?.slice(0, 2)).toEqual(['node', `dist/apps/${app}/main.js`]);
    expect(s.command).toEqual(expect.arrayContaining(['--metrics-port', String(metricsPort)]));
    expect(s.ports).toContain(`${metricsPort}:${metricsPort}`);
    if (app !== 'coordinator') expect(s.environment?.MM_COORDINATOR).toBe('coordinator:7000,coordinator-2:7000');
  });

  it('runs the coordinator as two replicas, each advertising the name the workers reach it by', () => {
    for (const name of ['coordinator', 'coordinator-2']) {
      const s = compose.services[name];
      expect(s.command?.slice(0, 2)).toEqual(['node', 'dist/apps/coordinator/main.js']);
      expect(s.environment?.MM_ADVERTISED_HOST).toBe(name);
      expect(s.environment?.MM_CONFIG).toBe('/etc/mirrormaker/mm2.properties');
    }
    expect(compose.services['coordinator-2'].ports).toEqual(['127.0.0.1:7010:7000', '9410:9400']);
  });

  it('says that gRPC runs in plaintext on the compose network, and publishes it on loopback only', () => {
    for (const app of Object.keys(apps)) expect(compose.services[app].environment?.MM_INSECURE_PLAINTEXT).toBe('true');
    for (const name of ['coordinator', 'coordinator-2']) expect(compose.services[name].ports?.[0]).toMatch(/^127\.0\.0\.1:/);
  });

  it('gives every service a config file that names both compose clusters', () => {
    for (const app of Object.keys(apps)) {
      const mount = compose.services[app].volumes?.find((v) => v.endsWith(':/etc/mirrormaker/mm2.properties:ro'));
      expect(mount).toBeDefined();
      const props = new Map(parseProperties(read(mount!.split(':')[0])).entries.map((e) => [e.key, e.value]));
      expect(props.get('source.bootstrap.servers')).toBe('kafka-source:9092');
      expect(props.get('target.bootstrap.servers')).toBe('kafka-target:9092');
      expect(props.get('source->target.enabled')).toBe('true');
    }
  });

  it('has Prometheus scraping the metrics port of every service', () => {
    const prometheus = compose.services.prometheus;
    expect(prometheus.image).toMatch(/^prom\/prometheus:/);
    const configMount = prometheus.volumes!.find((v) => v.endsWith(':/etc/prometheus/prometheus.yml:ro'))!;
    const config = parse(read(configMount.split(':')[0])) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
    const targets = config.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets.sort()).toEqual([...Object.entries(apps).map(([app, port]) => `${app}:${port}`), 'coordinator-2:9400'].sort());
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds in one stage and runs from a slim runtime stage holding only dist and production modules', () => {
    expect(dockerfile).toMatch(/^FROM node:20\S* AS build$/m);
    expect(dockerfile).toMatch(/^FROM node:20\S* AS runtime$/m);
    expect(dockerfile).toContain('npm ci');
    expect(dockerfile).toContain('nx run-many -t build');
    expect(dockerfile).toContain('--omit=dev');
  });

  it('copies the package.json of every app before installing', () => {
    for (const app of Object.keys(apps)) expect(dockerfile).toContain(`COPY apps/${app}/package.json apps/${app}/`);
  });
});
