/** Environment variable naming the host other processes reach this instance by. */
export const ADVERTISED_HOST_ENV = 'MM_ADVERTISED_HOST';

export interface AdvertisedAddressInput {
  /** `--host` (the listen address). */
  readonly host: string;
  /** `--grpc-port`; 0 means the port is picked when the server binds. */
  readonly grpcPort: number;
  /** Explicit host to advertise, when set. */
  readonly advertisedHost?: string | undefined;
  /** This machine's name, used when listening on every interface. */
  readonly hostname: string;
}

export type AdvertisedAddress = { readonly address: string } | { readonly address: undefined; readonly reason: string };

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * The `host:port` other processes reach this one by (the coordinator forwarding TranslateOffsets, workers sent to the leading coordinator). A wildcard listen
 * address is replaced by the machine's name. A port of 0 cannot be advertised: services learn
 * the bound port only after `start` has returned.
 */
export function advertisedAddress(input: AdvertisedAddressInput): AdvertisedAddress {
  if (input.grpcPort === 0) {
    return {
      address: undefined,
      reason: '--grpc-port 0 is only resolved after start-up, so this address cannot be advertised; give a fixed --grpc-port',
    };
  }
  const explicit = input.advertisedHost?.trim();
  const host = explicit ? explicit : WILDCARDS.has(input.host) ? input.hostname : input.host;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { address: `${bracketed}:${input.grpcPort}` };
}
