/**
 * Vitest global setup: a throwaway PostgreSQL cluster for the store contract suite and the multi-agent
 * tests, started from Debian's server binaries (/usr/lib/postgresql/N/bin) on a free loopback port and
 * removed at the end. `AVMA_TEST_PG_URL` set beforehand (a server of your own) skips all of this.
 * initdb refuses to run as root, so as root the cluster runs as the `postgres` user the package creates.
 * No server binaries: the PostgreSQL suites skip locally, and fail under CI=true (test/support/postgres.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function serverBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? null : join(root, versions[0] as string, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

function asServerUser(command: string, args: readonly string[]): void {
  const root = process.getuid?.() === 0;
  const [file, argv] = root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
  const result = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} failed (${result.status}): ${(result.stderr || result.stdout).trim().slice(0, 500)}`,
    );
  }
}

export default async function setup(): Promise<(() => void) | undefined> {
  if (process.env.AVMA_TEST_PG_URL !== undefined && process.env.AVMA_TEST_PG_URL !== '') return undefined;
  const bin = serverBin();
  if (bin === null) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'avma-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  asServerUser(join(bin, 'initdb'), [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  // fsync off: a test cluster that dies is thrown away anyway.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`;
  asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  process.env.AVMA_TEST_PG_URL = `postgres://postgres@127.0.0.1:${port}/postgres`;
  process.env.AVMA_TEST_PG_CTL = `${join(bin, 'pg_ctl')} ${data}`;
  return () => {
    try {
      asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
