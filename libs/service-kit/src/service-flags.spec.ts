import { parseServiceFlags as parse, usage, type FlagDefaults } from './service-flags';

// These cases are about the other flags (security-flags.spec.ts has the TLS and token ones).
const parseServiceFlags = (service: string, argv: string[], env: Record<string, string>, d: FlagDefaults) => parse(service, argv, { MM_INSECURE_PLAINTEXT: 'true', ...env }, d);

const defaults = { grpcPort: 7001, metricsPort: 9401, switches: { 'config-replaces-stored': 'the file wins' } };
const worker = { grpcPort: 7001, metricsPort: 9401, requiresCoordinator: true };

describe('parseServiceFlags', () => {
  it('takes flags first, then MM_* environment variables, then defaults', () => {
    const flags = parseServiceFlags('data-mirror', ['--grpc-port', '8001'], { MM_GRPC_PORT: '9999', MM_METRICS_PORT: '9501', MM_COORDINATOR: 'c:7000' }, defaults);
    expect(flags).toMatchObject({ grpcPort: 8001, metricsPort: 9501, coordinator: 'c:7000', host: '0.0.0.0', logLevel: 'info' });
  });

  it('takes one coordinator address per replica, separated by commas', () => {
    expect(parseServiceFlags('data-mirror', ['--coordinator', 'a:7000, b:7000,c:7000'], {}, defaults).coordinator).toBe('a:7000, b:7000,c:7000');
  });

  it('reads service switches from flags or env', () => {
    expect(parseServiceFlags('c', ['--config-replaces-stored'], {}, defaults).switches).toEqual({ 'config-replaces-stored': true });
    expect(parseServiceFlags('c', [], { MM_CONFIG_REPLACES_STORED: 'true' }, defaults).switches).toEqual({ 'config-replaces-stored': true });
    expect(parseServiceFlags('c', [], {}, defaults).switches).toEqual({ 'config-replaces-stored': false });
  });

  it('reads service number flags from flags or env, with their default, and refuses a value below the minimum', () => {
    const withNumber = { ...defaults, numbers: { 'fetch-buffer-bytes': { help: 'h', defaultValue: 4096, min: 1024 } } };
    expect(parseServiceFlags('d', ['--fetch-buffer-bytes', '2048'], {}, withNumber).numbers).toEqual({ 'fetch-buffer-bytes': 2048 });
    expect(parseServiceFlags('d', [], { MM_FETCH_BUFFER_BYTES: '8192' }, withNumber).numbers).toEqual({ 'fetch-buffer-bytes': 8192 });
    expect(parseServiceFlags('d', [], {}, withNumber).numbers).toEqual({ 'fetch-buffer-bytes': 4096 });
    expect(() => parseServiceFlags('d', ['--fetch-buffer-bytes', '10'], {}, withNumber)).toThrow(/--fetch-buffer-bytes \(MM_FETCH_BUFFER_BYTES\) must be a whole number of at least 1024, got '10'/);
    expect(() => parseServiceFlags('d', ['--fetch-buffer-bytes', 'lots'], {}, withNumber)).toThrow(/whole number/);
  });

  it('reads allowed provider directories repeated or comma-separated, or from MM_CONFIG_PROVIDER_DIR', () => {
    expect(parseServiceFlags('c', ['--config-provider-dir', '/a,/b', '--config-provider-dir', '/c'], { MM_CONFIG_PROVIDER_DIR: '/x' }, defaults).configProviderDirs).toEqual(['/a', '/b', '/c']);
    expect(parseServiceFlags('c', [], { MM_CONFIG_PROVIDER_DIR: '/x, /y' }, defaults).configProviderDirs).toEqual(['/x', '/y']);
    expect(parseServiceFlags('c', [], {}, defaults).configProviderDirs).toEqual([]);
  });

  it('lets a worker choose what held units do when no coordinator answers, stopping them by default', () => {
    expect(parseServiceFlags('w', [], {}, worker).whenCoordinatorsUnreachable).toBe('stop');
    expect(parseServiceFlags('w', ['--when-coordinators-unreachable', 'keep-working'], {}, worker).whenCoordinatorsUnreachable).toBe('keep-working');
    expect(parseServiceFlags('w', [], { MM_WHEN_COORDINATORS_UNREACHABLE: 'keep-working' }, worker).whenCoordinatorsUnreachable).toBe('keep-working');
    expect(parseServiceFlags('w', ['--when-coordinators-unreachable', 'stop'], { MM_WHEN_COORDINATORS_UNREACHABLE: 'keep-working' }, worker).whenCoordinatorsUnreachable).toBe(
      'stop',
    );
    expect(usage('w', worker)).toContain('--when-coordinators-unreachable <stop|keep-working>');
  });

  it('refuses an unknown choice naming the flag, its variable and the allowed values', () => {
    expect(() => parseServiceFlags('w', ['--when-coordinators-unreachable', 'continue'], {}, worker)).toThrow(
      "--when-coordinators-unreachable (MM_WHEN_COORDINATORS_UNREACHABLE) must be one of stop, keep-working, got 'continue'",
    );
    expect(() => parseServiceFlags('w', [], { MM_WHEN_COORDINATORS_UNREACHABLE: 'Keep-Working' }, worker)).toThrow(/must be one of stop, keep-working/);
  });

  it('gives the coordinator no such flag: it holds no leases', () => {
    expect(() => parseServiceFlags('coordinator', ['--when-coordinators-unreachable', 'stop'], {}, defaults)).toThrow(/Unknown option '--when-coordinators-unreachable'/);
    expect(parseServiceFlags('coordinator', [], { MM_WHEN_COORDINATORS_UNREACHABLE: 'bogus' }, defaults).whenCoordinatorsUnreachable).toBe('stop');
    expect(usage('coordinator', defaults)).not.toContain('when-coordinators-unreachable');
  });

  it.each([
    [['--grpc-port', '70000'], /--grpc-port must be a port number/],
    [['--log-level', 'loud'], /--log-level must be one of/],
    [['--coordinator', 'nohost'], /--coordinator must be host:port/],
    [['--coordinator', 'a:7000,nohost'], /several separated by commas/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j with one line naming the flag', (argv, message) => {
    expect(() => parseServiceFlags('s', argv, {}, defaults)).toThrow(message);
  });
});
