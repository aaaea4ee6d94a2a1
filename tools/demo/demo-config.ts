/** The demo's mm2.properties: MM2's own format, one flow from source to target. */
export function demoProperties(sourceBootstrap: string, targetBootstrap: string): string {
  return [
    '# Written by `npm start`: mirror every topic from the local "source" cluster to "target".',
    'clusters = source, target',
    `source.bootstrap.servers = ${sourceBootstrap}`,
    `target.bootstrap.servers = ${targetBootstrap}`,
    'source->target.enabled = true',
    'source->target.topics = .*',
    '# Single-broker clusters: every topic we create gets one replica.',
    'replication.factor = 1',
    'offset-syncs.topic.replication.factor = 1',
    'checkpoints.topic.replication.factor = 1',
    'heartbeats.topic.replication.factor = 1',
    '',
  ].join('\n');
}
