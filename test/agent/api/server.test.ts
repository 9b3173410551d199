import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { isLoopback, parseListen, startServer } from '../../../agent/api/server.js';

const OPENSSL = '/usr/bin/openssl';
const haveOpenssl = existsSync(OPENSSL);

function get(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('agent/api/server', () => {
  it('reads --listen as HOST:PORT, [v6]:PORT or :PORT, and names the option when it cannot', () => {
    expect(parseListen('127.0.0.1:9740')).toEqual({ host: '127.0.0.1', port: 9740 });
    expect(parseListen('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(parseListen(':8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    for (const bad of ['9740', 'host:99999', 'a b:1', '']) {
      expect(() => parseListen(bad)).toThrow(/^--listen is ".*", expected HOST:PORT/);
    }
    expect([
      isLoopback('127.0.0.1'),
      isLoopback('::1'),
      isLoopback('localhost'),
      isLoopback('0.0.0.0'),
    ]).toEqual([true, true, true, false]);
  });

  it('says in one line why it cannot listen, and where', async () => {
    const app = express();
    const first = await startServer(app, { listen: { host: '127.0.0.1', port: 0 }, warn: () => undefined });
    const port = Number(new URL(first.url).port);
    try {
      await expect(
        startServer(app, { listen: { host: '127.0.0.1', port }, warn: () => undefined }),
      ).rejects.toThrow(
        `cannot listen on 127.0.0.1:${port}: the address is in use (another avma run?); choose another with --listen, or --no-listen`,
      );
    } finally {
      await first.close();
    }
  });

  it.skipIf(!haveOpenssl && process.env.CI !== 'true')(
    `serves HTTPS with a certificate and key${haveOpenssl ? '' : ' (skipped: openssl not installed)'}`,
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'avma-tls-'));
      try {
        const cert = join(dir, 'cert.pem');
        const key = join(dir, 'key.pem');
        execFileSync(
          OPENSSL,
          [
            'req',
            '-x509',
            '-newkey',
            'rsa:2048',
            '-nodes',
            '-days',
            '1',
            '-subj',
            '/CN=localhost',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
            '-keyout',
            key,
            '-out',
            cert,
          ],
          { stdio: 'ignore' },
        );
        const app = express();
        app.get('/healthz', (_req, res) => {
          res.json({ status: 'ok' });
        });
        const warnings: string[] = [];
        const server = await startServer(app, {
          listen: { host: '127.0.0.1', port: 0 },
          tls: { certFile: cert, keyFile: key },
          warn: (line) => warnings.push(line),
        });
        try {
          expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
          expect(await get(`${server.url}/healthz`, await readFile(cert))).toEqual({
            status: 200,
            body: '{"status":"ok"}',
          });
          expect(warnings).toEqual([]);
        } finally {
          await server.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
