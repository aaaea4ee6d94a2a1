import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseProperties } from '@mirrormaker/config';
import { appDefaults, exportedMetricNames, metricsInExpression, repoRoot } from '../deploy/service-catalog';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const apps = { coordinator: 9400, 'data-mirror': 9401, 'offset-sync': 9402, 'topic-config-sync': 9403, 'acl-sync': 9404 };
const flagOf = (command: string[] | undefined, flag: string) => command?.[command.indexOf(flag) + 1];

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

  it('lets the host reach each broker through a second listener advertised as localhost on its published port', () => {
    for (const [name, hostPort] of [['kafka-source', 19092], ['kafka-target', 29092]] as const) {
      const env = compose.services[name].environment!;
      expect(String(env.KAFKA_LISTENERS)).toContain(`HOST://:${hostPort}`);
      expect(String(env.KAFKA_ADVERTISED_LISTENERS)).toContain(`HOST://localhost:${hostPort}`);
      expect(String(env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP)).toContain('HOST:PLAINTEXT');
      expect(compose.services[name].ports).toEqual([`${hostPort}:${hostPort}`]);
    }
  });

  it('gives every service a health check, and starts each only once what it needs is healthy', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect({ name, healthCheck: (s.healthcheck?.test.length ?? 0) > 1 }).toEqual({ name, healthCheck: true });
      if (s.depends_on === undefined) continue;
      expect(Array.isArray(s.depends_on)).toBe(false);
      for (const [dependency, { condition }] of Object.entries(s.depends_on as Record<string, { condition: string }>)) {
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_healthy' });
        expect(compose.services[dependency]).toBeDefined();
      }
    }
    for (const app of Object.keys(apps)) {
      // the services probe /healthz on their own metrics port, with the node the image has
      const metricsPort = flagOf(compose.services[app].command, '--metrics-port');
      expect(compose.services[app].healthcheck!.test.join(' ')).toContain(`http://127.0.0.1:${metricsPort}/healthz`);
    }
    expect(Object.keys(compose.services['data-mirror'].depends_on!)).toEqual(['coordinator', 'coordinator-2']);
    expect(Object.keys(compose.services.coordinator.depends_on!)).toEqual(['kafka-source', 'kafka-target']);
  });

  it('runs only apps that exist, on the ports they default to', () => {
    const defaults = appDefaults();
    expect([...defaults.keys()].sort()).toEqual(Object.keys(apps).sort());
    for (const [name, s] of Object.entries(compose.services)) {
      const main = /^dist\/apps\/([^/]+)\/main\.js$/.exec(s.command?.[1] ?? '');
      if (!main) continue;
      const app = main[1]!;
      expect({ name, app, known: defaults.has(app) }).toEqual({ name, app, known: true });
      expect(Number(flagOf(s.command, '--grpc-port'))).toBe(defaults.get(app)!.grpcPort);
      expect(Number(flagOf(s.command, '--metrics-port'))).toBe(defaults.get(app)!.metricsPort);
    }
  });

  it.each(Object.entries(apps))('runs %s from the one Dockerfile on its metrics port', (app, metricsPort) => {
    const s = compose.services[app];
    expect(s).toBeDefined();
    expect(s.build).toBe('.');
    expect(s.command?.slice(0, 2)).toEqual(['node', `dist/apps/${app}/main.js`]);
    expect(s.command).toEqual(expect.arrayContaining(['--metrics-port', String(metricsPort)]));
    // data-mirror scales: no fixed host port for its replicas to clash on
    if (app === 'data-mirror') expect(s.ports).toBeUndefined();
    else expect(s.ports).toContain(`${metricsPort}:${metricsPort}`);
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

  it('has Prometheus scraping the metrics port of every service, and of every data-mirror replica by DNS', () => {
    const prometheus = compose.services.prometheus;
    expect(prometheus.image).toMatch(/^prom\/prometheus:/);
    const configMount = prometheus.volumes!.find((v) => v.endsWith(':/etc/prometheus/prometheus.yml:ro'))!;
    const config = parse(read(configMount.split(':')[0]!)) as {
      scrape_configs: { static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; type: string; port: number }[] }[];
    };
    const targets = config.scrape_configs.flatMap((c) => c.static_configs?.flatMap((s) => s.targets) ?? []);
    const byDns = config.scrape_configs.flatMap((c) => c.dns_sd_configs?.flatMap((d) => d.names.map((n) => `${n}:${d.port}`)) ?? []);
    expect(byDns).toEqual(['data-mirror:9401']);
    expect([...targets, ...byDns].sort()).toEqual([...Object.entries(apps).map(([app, port]) => `${app}:${port}`), 'coordinator-2:9400'].sort());
  });

  describe('Grafana', () => {
    const grafana = compose.services.grafana;
    const mountOf = (inside: string) => grafana.volumes!.find((v) => v.split(':')[1] === inside)!.split(':')[0]!;
    const dashboard = JSON.parse(read(join(mountOf('/var/lib/grafana/dashboards'), 'mirrormaker.json'))) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };

    it('reads from the compose Prometheus through a provisioned data source, and loads the dashboard from its mount', () => {
      const provisioning = mountOf('/etc/grafana/provisioning');
      const datasources = parse(read(join(provisioning, 'datasources/prometheus.yml'))) as { datasources: { type: string; url: string; uid: string }[] };
      expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', uid: 'prometheus' })]);
      const providers = parse(read(join(provisioning, 'dashboards/mirrormaker.yml'))) as { providers: { options: { path: string } }[] };
      expect(providers.providers.map((p) => p.options.path)).toEqual(['/var/lib/grafana/dashboards']);
      expect(grafana.depends_on).toEqual({ prometheus: { condition: 'service_healthy' } });
    });

    it('queries only metrics the services export, ours and MM2-named ones', async () => {
      const exported = await exportedMetricNames();
      const queried = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsInExpression(t.expr).map((metric) => ({ panel: p.title, metric }))));
      expect(queried.length).toBeGreaterThan(10);
      expect(queried.filter((q) => !exported.has(q.metric))).toEqual([]);
      expect(queried.some((q) => q.metric.startsWith('kafka_connect_mirror_source_connector_'))).toBe(true);
      expect(queried.some((q) => q.metric.startsWith('kafka_connect_mirror_checkpoint_connector_'))).toBe(true);
    });

    it('would notice a metric nobody exports', async () => {
      const exported = await exportedMetricNames();
      expect(exported.has('mirrormaker_source_record_count_total')).toBe(true);
      expect(exported.has('mirrormaker_replication_latency_ms_bucket')).toBe(true);
      expect(exported.has('mirrormaker_no_such_series')).toBe(false);
      expect(exported.has('kafka_connect_mirror_source_connector_failed_record_count')).toBe(false);
    });
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
