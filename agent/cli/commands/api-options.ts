/** The server's options, shared by `avma run` (sweep and server) and `avma serve` (server alone). */
import { DEFAULT_LISTEN, type ListenAddress, parseListen } from '../../api/server.js';
import { CliError } from '../cli-error.js';
import type { CommandContext, OptionSpec } from '../command.js';
import { flag, optionalString } from '../options.js';

/**
 * Where the server listens unless `--listen` says: `AVMA_LISTEN` from the environment (a service
 * definition, or a test suite that wants ephemeral ports), else 127.0.0.1:9740.
 */
export function defaultListen(): string {
  const fromEnvironment = process.env.AVMA_LISTEN;
  return fromEnvironment === undefined || fromEnvironment === '' ? DEFAULT_LISTEN : fromEnvironment;
}

export const API_OPTIONS: Readonly<Record<string, OptionSpec>> = Object.freeze({
  listen: {
    type: 'string',
    valueName: 'HOST:PORT',
    description: `where the API, /metrics and the dashboard listen (default $AVMA_LISTEN, else ${DEFAULT_LISTEN})`,
  },
  'tls-cert': { type: 'string', valueName: 'FILE', description: 'serve HTTPS with this PEM certificate' },
  'tls-key': { type: 'string', valueName: 'FILE', description: 'the PEM private key of --tls-cert' },
  'metrics-public': {
    type: 'boolean',
    description: '/metrics without a token (for a scraper on a trusted network)',
  },
});

export interface ApiSettings {
  readonly listen: ListenAddress;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly metricsPublic: boolean;
}

/** The server's settings from the flags; CliError USAGE for a bad --listen or half a TLS pair. */
export function apiSettings(context: CommandContext): ApiSettings {
  const listenText = optionalString(context, 'listen') ?? defaultListen();
  let listen: ListenAddress;
  try {
    listen = parseListen(listenText);
  } catch (error) {
    throw new CliError('USAGE', (error as Error).message);
  }
  const certFile = optionalString(context, 'tls-cert');
  const keyFile = optionalString(context, 'tls-key');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new CliError('USAGE', '--tls-cert and --tls-key go together: give both or neither');
  }
  return {
    listen,
    ...(certFile === undefined || keyFile === undefined ? {} : { tls: { certFile, keyFile } }),
    metricsPublic: flag(context, 'metrics-public'),
  };
}
