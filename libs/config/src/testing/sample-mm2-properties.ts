import type { ProviderSources } from '../config-providers';

const ref = (reference: string): string => '${' + reference + '}';

/**
 * A typical production mm2.properties: a plain on-premises cluster A replicating to a cloud
 * cluster B that needs SASL_SSL, credentials kept out of the file through config providers.
 */
export const SAMPLE_MM2_PROPERTIES = String.raw`# MirrorMaker 2 dedicated mode: primary (A) -> backup (B)
clusters = A, B

config.providers = file, env
config.providers.file.class = org.apache.kafka.common.config.provider.FileConfigProvider
config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider

# ---- cluster A: on-premises, plaintext
A.bootstrap.servers = kafka-a-1:9092,kafka-a-2:9092,kafka-a-3:9092
A.consumer.max.poll.records = 2000

# ---- cluster B: managed, SASL_SSL with SCRAM
B.bootstrap.servers = b-1.example.net:9096, \
                      b-2.example.net:9096
B.security.protocol = SASL_SSL
B.sasl.mechanism = SCRAM-SHA-512
B.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required \
    username="mm2-replicator" \
    password="${ref('file:/etc/mm2/secrets.properties:b.password')}";
B.ssl.truststore.location = /etc/mm2/b-truststore.p12
B.ssl.truststore.type = PKCS12
B.ssl.truststore.password = ${ref('env:B_TRUSTSTORE_PASSWORD')}
B.producer.compression.type = lz4
B.offset.flush.interval.ms = 10000

# ---- defaults for every flow
replication.factor = 3
checkpoints.topic.replication.factor = 3
heartbeats.topic.replication.factor = 3
offset-syncs.topic.replication.factor = 3
tasks.max = 4
refresh.topics.interval.seconds = 30

# ---- A -> B: the real replication flow
A->B.enabled = true
A->B.topics = orders\\..*, payments\\..*, customers
A->B.topics.exclude = .*\\.tmp, .*[\\-\\.]internal, __.*
A->B.groups = app-.*
A->B.sync.group.offsets.enabled = true
A->B.emit.checkpoints.interval.seconds = 5
A->B.offset-syncs.topic.location = target
A->B.producer.override.acks = all

# ---- B -> A: not replicating, heartbeats only
B->A.enabled = false
`;

export const SAMPLE_SECRETS = { bPassword: 'Sup3r-S3cret!', truststorePassword: 'trust-me-123' };

export const SAMPLE_SOURCES: ProviderSources = {
  env: { B_TRUSTSTORE_PASSWORD: SAMPLE_SECRETS.truststorePassword, HOME: '/root' },
  readFile: (path) => {
    if (path !== '/etc/mm2/secrets.properties') throw new Error(`no such file: ${path}`);
    return `# managed by the secret store\nb.password = ${SAMPLE_SECRETS.bPassword}\n`;
  },
};
