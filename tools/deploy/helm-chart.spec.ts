import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot, yamlDocuments } from './service-catalog';

const chartDir = join(repoRoot, 'deploy/helm/mirrormaker');
const kustomizeDir = join(repoRoot, 'deploy/kubernetes');

type Values = Record<string, unknown>;

/**
 * Renders a template the way Helm does for the only forms the chart uses: `{{ .Release.Name }}`,
 * `{{ .Values.a.b }}` and `{{ .Values.a | indent N }}`. Anything else fails, so the chart cannot
 * grow template logic this check would not see.
 */
function render(template: string, values: Values, releaseName: string): string {
  return template.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (whole, expression: string) => {
    if (expression === '.Release.Name') return releaseName;
    const m = /^\.Values\.([A-Za-z0-9_.]+)(?:\s*\|\s*indent (\d+))?$/.exec(expression);
    if (!m) throw new Error(`the chart may only substitute values and the release name, found ${whole}`);
    const value = m[1]!.split('.').reduce<unknown>((at, key) => (at as Values | undefined)?.[key], values);
    if (value === undefined || (typeof value === 'object' && value !== null)) throw new Error(`${whole}: no scalar value .Values.${m[1]}`);
    if (m[2] === undefined) return String(value);
    const pad = ' '.repeat(Number(m[2]));
    return pad + String(value).replaceAll('\n', `\n${pad}`);
  });
}

interface Resource {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { replicas?: number; template?: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string; resources: unknown }[] } } };
}

const defaults = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Values;
const templates = readdirSync(join(chartDir, 'templates')).filter((f) => f.endsWith('.yaml'));

function renderChart(values: Values, releaseName = 'mm'): Resource[] {
  return yamlDocuments<Resource>(templates.map((f) => [f, render(readFileSync(join(chartDir, 'templates', f), 'utf8'), values, releaseName)] as const));
}

/** The object without the release's instance label, which deploy/kubernetes does not have. */
function withoutInstanceLabel(r: Resource): Resource {
  const copy = structuredClone(r);
  delete copy.metadata.labels?.['app.kubernetes.io/instance'];
  delete copy.spec?.template?.metadata.labels['app.kubernetes.io/instance'];
  return copy;
}

const key = (r: Resource) => `${r.kind}/${r.metadata.name}`;
const kustomization = parse(readFileSync(join(kustomizeDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
const manifests = yamlDocuments<Resource>(kustomization.resources.map((f) => [f, readFileSync(join(kustomizeDir, f), 'utf8')] as const));

describe('deploy/helm/mirrormaker', () => {
  it('renders with its default values exactly the objects of deploy/kubernetes: names, ports, probes, annotations, resources, config', () => {
    const rendered = renderChart(defaults);
    expect(rendered.map(key).sort()).toEqual(manifests.map(key).sort());
    for (const r of rendered) expect({ [key(r)]: withoutInstanceLabel(r) }).toEqual({ [key(r)]: manifests.find((m) => key(m) === key(r)) });
  });

  it('labels every object and pod with the release', () => {
    for (const r of renderChart(defaults, 'mirror-prod')) {
      expect({ [key(r)]: r.metadata.labels?.['app.kubernetes.io/instance'] }).toEqual({ [key(r)]: 'mirror-prod' });
      if (r.spec?.template) expect(r.spec.template.metadata.labels['app.kubernetes.io/instance']).toBe('mirror-prod');
    }
  });

  it('takes image, replicas and resources from the values', () => {
    const values = structuredClone(defaults) as Values & { image: Values; dataMirror: { replicas: number; resources: { requests: Values } } };
    values.image = { repository: 'registry.example/mirrormaker', tag: '1.2.3' };
    values.dataMirror.replicas = 8;
    values.dataMirror.resources.requests.cpu = '2000m';
    const rendered = renderChart(values);
    const dataMirror = rendered.find((r) => key(r) === 'Deployment/data-mirror')!;
    expect(dataMirror.spec!.replicas).toBe(8);
    expect(dataMirror.spec!.template!.spec.containers[0]!.resources).toMatchObject({ requests: { cpu: '2000m' } });
    for (const r of rendered.filter((r) => r.spec?.template)) expect(r.spec!.template!.spec.containers[0]!.image).toBe('registry.example/mirrormaker:1.2.3');
  });

  it('refuses a value the templates ask for but values.yaml lacks', () => {
    expect(() => renderChart({ ...defaults, tls: {} })).toThrow(/\.Values\.tls\.secretName/);
  });

  it('is versioned with the services it deploys', () => {
    const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as { apiVersion: string; name: string; appVersion: string };
    const version = /MIRRORMAKER_VERSION = '([^']+)'/.exec(readFileSync(join(repoRoot, 'libs/service-kit/src/version.ts'), 'utf8'))![1];
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'mirrormaker', appVersion: version });
  });
});
