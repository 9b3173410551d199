/**
 * The API's HTTP(S) server: listens on `host:port` (default 127.0.0.1:9740), serves HTTPS when given a
 * certificate and key, warns when it listens beyond loopback without TLS (tokens would cross the network
 * in clear), and stops gracefully: no new connections, in-flight requests finish, idle keep-alive
 * connections close.
 */
import { readFile } from 'node:fs/promises';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { ApiError } from './api-error.js';

export const DEFAULT_LISTEN = '127.0.0.1:9740';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** `HOST:PORT`, `[v6]:PORT` or `:PORT` (all interfaces); ApiError BAD_PARAMETER naming --listen. */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port > 65_535) {
    throw new ApiError(
      'BAD_PARAMETER',
      `--listen is "${text.slice(0, 80)}", expected HOST:PORT such as ${DEFAULT_LISTEN}`,
    );
  }
  return { host: match[1] ?? (match[2] === '' ? '0.0.0.0' : (match[2] ?? '')), port };
}

/** Whether only this machine can reach `host`. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export interface ServerOptions {
  readonly listen: ListenAddress;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** One line for the operator (the non-loopback warning). */
  readonly warn: (line: string) => void;
}

export interface RunningServer {
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, closes idle connections. */
  close(): Promise<void>;
}

async function listening(server: Server, address: ListenAddress): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

export async function startServer(app: Express, options: ServerOptions): Promise<RunningServer> {
  const tls = options.tls;
  const server =
    tls === undefined
      ? createHttp(app)
      : createHttps({ cert: await readFile(tls.certFile), key: await readFile(tls.keyFile) }, app);
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;
  if (tls === undefined && !isLoopback(options.listen.host)) {
    options.warn(
      `warning: the API listens on ${options.listen.host} without TLS: bearer tokens cross the network in clear; use --tls-cert/--tls-key or listen on 127.0.0.1 behind a TLS proxy`,
    );
  }
  const bound = await listening(server, options.listen).catch((error: NodeJS.ErrnoException) => {
    const where = `${options.listen.host}:${options.listen.port}`;
    const why =
      error.code === 'EADDRINUSE'
        ? 'the address is in use (another avma run?)'
        : error.code === 'EACCES'
          ? 'permission denied'
          : `${error.code ?? 'error'}: ${error.message}`;
    throw new ApiError(
      'LISTEN_FAILED',
      `cannot listen on ${where}: ${why}; choose another with --listen, or --no-listen`,
      {
        cause: error,
      },
    );
  });
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
