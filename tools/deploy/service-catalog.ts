/**
 * What the deployment files are checked against: the apps that exist with their default ports,
 * and the metric names the services declare. Read from the sources rather than imported, since
 * tools may not depend on apps.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createMetricsRegistry } from '@mirrormaker/observability';
import { parseAllDocuments } from 'yaml';

export const repoRoot = join(__dirname, '../..');

export interface AppDefaults {
  grpcPort: number;
  metricsPort: number;
}

/** Every service under apps/ (an app with a `<app>-service.ts` ServiceSpec; not the CLI) with its default ports. */
export function appDefaults(): Map<string, AppDefaults> {
  const apps = new Map<string, AppDefaults>();
  for (const app of readdirSync(join(repoRoot, 'apps'))) {
    const specFile = join(repoRoot, 'apps', app, 'src', `${app}-service.ts`);
    if (!existsSync(specFile)) continue;
    const text = readFileSync(specFile, 'utf8');
    const port = (flag: string) => {
      const match = new RegExp(`\\b${flag}: (\\d+),`).exec(text);
      if (!match) throw new Error(`${specFile} declares no default ${flag}`);
      return Number(match[1]);
    };
    apps.set(app, { grpcPort: port('grpcPort'), metricsPort: port('metricsPort') });
  }
  return apps;
}

/** Every YAML document of `texts` (file name → text) as plain data; a document that does not parse fails naming its file. */
export function yamlDocuments<T>(texts: ReadonlyArray<readonly [file: string, text: string]>): T[] {
  return texts.flatMap(([file, text]) =>
    parseAllDocuments(text).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as T;
    }),
  );
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'gen' && name !== 'testing') files.push(...sourceFiles(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) {
      files.push(path);
    }
  }
  return files;
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * Metric names the services declare: every string literal in apps' and libs' sources that is a
 * series name of ours or of MM2's, plus the process metrics every registry carries. A histogram
 * also answers to its `_bucket`, `_sum` and `_count` series.
 */
export async function exportedMetricNames(): Promise<{ has(name: string): boolean }> {
  const names = new Set<string>();
  for (const root of ['apps', 'libs']) {
    for (const file of sourceFiles(join(repoRoot, root))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/'((?:mirrormaker|kafka_connect_mirror)_[a-z0-9_]+)'/g)) names.add(m[1]!);
    }
  }
  const registry = createMetricsRegistry({ service: 'catalog', version: 'catalog' });
  for (const metric of await registry.getMetricsAsJSON()) names.add(metric.name);
  return {
    has: (name) => names.has(name) || HISTOGRAM_SUFFIXES.some((suffix) => name.endsWith(suffix) && names.has(name.slice(0, -suffix.length))),
  };
}

/** The series names a PromQL expression reads (ours and MM2's; functions and labels are skipped). */
export function metricsInExpression(expr: string): string[] {
  return [...expr.matchAll(/\b((?:mirrormaker|kafka_connect_mirror)_[a-zA-Z0-9_]+)\b/g)].map((m) => m[1]!);
}
