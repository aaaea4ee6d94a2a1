/**
 * Node options each service runs with wherever this repository starts it: docker-compose.yml, the
 * demo (`npm start`) and the benchmark. data-mirror allocates a record's worth of objects per
 * record; left alone, V8 lets such a heap grow to several hundred MB before collecting it. Capped,
 * it stays under 200 MB with 64 partitions at a small cost in CPU (docs/benchmarks.md). The live
 * data is bounded by the fetch sizes (`consumer.fetch.max.bytes`), so raise the old space together
 * with them, or when one instance runs many flows.
 */
export const SERVICE_NODE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  'data-mirror': ['--max-old-space-size=128', '--max-semi-space-size=8'],
};

export function nodeOptionsOf(app: string): readonly string[] {
  return SERVICE_NODE_OPTIONS[app] ?? [];
}
