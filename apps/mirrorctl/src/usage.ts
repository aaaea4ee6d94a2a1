export const USAGE = `usage: mirrorctl [connection flags] <command> [flags]

Talks to the coordinator's control API (gRPC).

commands
  status [--flow A->B]... [--partitions] [--watch [--interval <s>]]
                               flows, topics, lag, throughput, latency p50/p99, holders, checkpoint
                               ages, instances; --partitions adds partitions and groups; --watch redraws
  flows list                   every flow with enabled/paused and the config revision
  flows get <A->B>             one flow's effective settings (secrets redacted)
  flows apply -f <file> [--dry-run]
                               replace the whole config with an mm2.properties (or .json) file
  flows patch <A->B> [--set key=value]... [--unset key]...
                               change keys of one flow (MM2 names without the "A->B." prefix)
  flows pause|resume|delete <A->B>
  instances list               worker instances, their leases and applied config revision
  instances drain <instance-id>
                               hand the instance's units to others at once
  translate --flow <A->B> --group <g>
                               a source group's committed offsets translated to the target
  failover --flow <A->B> --group <g>[,<g>...] [--dry-run]
                               move groups from the flow's source to its target at translated offsets;
                               reports per partition where each resumes, re-reads and the data at risk
  failback --flow <A->B> --group <g>[,<g>...] [--dry-run]
                               move them back once the reverse flow (B->A) has copied everything
  refresh [--flow A->B]...     discover topics and groups now

connection flags (each also read from the environment variable in brackets)
  --coordinator <host:port[,host:port...]>  one address per replica; the leader is found (MM_COORDINATOR,
                               default localhost:7000)
  --tls-ca <pem>               CA that signed the coordinator's certificate, default the system roots (MM_TLS_CA)
  --tls-cert <pem> --tls-key <pem>
                               a client certificate, for coordinators that require one (MM_TLS_CERT, MM_TLS_KEY)
  --token-file <file>          bearer token: viewer for reading, operator for changes (MM_TOKEN_FILE, or the
                               token itself in MM_TOKEN)
  --insecure-plaintext         call without TLS, for a coordinator started with --insecure-plaintext
  --timeout-ms <n>             per call, default 15000

output
  --json                       the reply in protobuf's JSON mapping (one object per line with --watch)
  -h, --help                   this text

exit codes
  0 done   1 the coordinator refused or failed the request   2 bad command line or unreadable file
  3 no coordinator answered (address, TLS)   4 the credential is missing, unknown or lacks the role
`;
