/**
 * PostgreSQL for a test file: a fresh database per call on the suite's server (postgres-global-setup.ts
 * or AVMA_TEST_PG_URL), dropped by `drop()`. Without a server the suites skip locally, saying so, and
 * fail under CI=true: CI never skips them.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL: string | null = process.env.AVMA_TEST_PG_URL || null;

/** Why the PostgreSQL suites do not run here, or null when they do. Throws under CI=true. */
export function postgresMissing(): string | null {
  if (PG_URL !== null) return null;
  const reason =
    'PostgreSQL suites skipped: no server binaries in /usr/lib/postgresql and no AVMA_TEST_PG_URL (apt install postgresql)';
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true this is a failure`);
  console.warn(reason);
  return reason;
}

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates an empty database and resolves to its URL. */
export async function createTestDatabase(prefix = 'avma_test'): Promise<TestDatabase> {
  if (PG_URL === null) throw new Error('no PostgreSQL server for tests (postgresMissing() first)');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: PG_URL as string });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
