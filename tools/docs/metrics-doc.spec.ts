import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportedMetricNames, metricsInExpression, repoRoot } from '../deploy/service-catalog';

describe('docs/metrics.md', () => {
  const document = readFileSync(join(repoRoot, 'docs/metrics.md'), 'utf8');

  it('names only series some service declares', async () => {
    const exported = await exportedMetricNames();
    const named = [...new Set(metricsInExpression(document))];
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((name) => !exported.has(name))).toEqual([]);
  });

  it("maps every MM2 source and checkpoint attribute to its JMX exporter name", () => {
    for (const attribute of ['record_count', 'record_rate', 'byte_count', 'byte_rate', 'record_age_ms', 'replication_latency_ms']) {
      expect(document).toContain(`kafka_connect_mirror_source_connector_${attribute}\``);
    }
    expect(document).toContain('kafka_connect_mirror_checkpoint_connector_checkpoint_latency_ms`');
  });
});
