/**
 * The store contract suite's backends: the write-side tests run once per entry with
 * `describe.each(STORE_BACKENDS)`, so SQLite and PostgreSQL answer the same assertions. A place is
 * where one test keeps its databases (a temporary directory, or fresh PostgreSQL databases on the
 * suite's server); `name` picks one of several databases in it ('avma.db' by default).
 * PostgreSQL is left out only when no server is available locally (postgresMissing() says why, and
 * throws under CI=true, so CI always runs both).
 */
import pg from 'pg';
import { openStore, type Store, type StoreOptions } from '../../../agent/store/index.js';
import type { DialectSql } from '../../../agent/store/sql-connection.js';
import { createTestDatabase, postgresMissing, type TestDatabase } from '../../support/postgres.js';
import { openRaw } from './raw-sqlite.js';
import { type StorePlace, tempDir } from './store-test-kit.js';

export type BackendName = 'sqlite' | 'postgres';
type Params = readonly (string | number | null)[];

/** SQL on a database behind the store's back (tampering, checking what is stored); `sql` per dialect. */
export interface RawSql {
  run(sql: string | DialectSql, params?: Params): Promise<void>;
  all(sql: string | DialectSql, params?: Params): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface BackendPlace extends StorePlace {
  readonly backend: BackendName;
  /** The file path or postgres:// URL of database `name` (PostgreSQL: created empty on first use). */
  target(name?: string): Promise<string>;
  raw(name?: string): Promise<RawSql>;
  /** Empties every database of the place (stores closed first): a fresh start without a new place. */
  reset(): Promise<void>;
  remove(): Promise<void>;
}

export interface StoreBackend {
  readonly name: BackendName;
  place(): Promise<BackendPlace>;
}

const DEFAULT_NAME = 'avma.db';
const INT8 = 20;
/** bigint columns (times, counts) as numbers, as SQLite returns them, so raw checks compare alike. */
const RAW_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? Number : pg.types.getTypeParser(oid, format as 'text'),
} as unknown as pg.CustomTypesConfig;
const textOf = (sql: string | DialectSql, dialect: BackendName) =>
  typeof sql === 'string' ? sql : sql[dialect];

async function sqlitePlace(): Promise<BackendPlace> {
  let dir = await tempDir();
  return {
    backend: 'sqlite',
    target: async (name = DEFAULT_NAME) => dir.file(name),
    open: (options, name) => dir.open(options, name),
    async raw(name = DEFAULT_NAME) {
      const db = await openRaw(dir.file(name));
      return {
        run: (sql, params) => db.run(textOf(sql, 'sqlite'), params),
        all: (sql, params) => db.all(textOf(sql, 'sqlite'), params),
        close: () => db.close(),
      };
    },
    async reset() {
      await dir.remove();
      dir = await tempDir();
    },
    remove: () => dir.remove(),
  };
}

async function postgresPlace(): Promise<BackendPlace> {
  const databases = new Map<string, Promise<TestDatabase>>();
  const database = (name: string) => {
    let db = databases.get(name);
    if (db === undefined) {
      db = createTestDatabase();
      databases.set(name, db);
    }
    return db;
  };
  const target = async (name = DEFAULT_NAME) => (await database(name)).url;
  async function raw(name = DEFAULT_NAME): Promise<RawSql> {
    const client = new pg.Client({ connectionString: await target(name), types: RAW_TYPES });
    await client.connect();
    return {
      // Without parameters as a simple query, so a script of several statements runs.
      run: async (sql, params = []) => {
        if (params.length === 0) await client.query(textOf(sql, 'postgres'));
        else await client.query(textOf(sql, 'postgres'), [...params]);
      },
      all: async (sql, params = []) => (await client.query(textOf(sql, 'postgres'), [...params])).rows,
      close: () => client.end(),
    };
  }
  return {
    backend: 'postgres',
    target,
    open: async (options: StoreOptions = {}, name = DEFAULT_NAME): Promise<Store> =>
      openStore(await target(name), options),
    raw,
    // TRUNCATE instead of a new database per run: CREATE DATABASE costs a copy of the template.
    async reset() {
      for (const name of databases.keys()) {
        const client = await raw(name);
        try {
          const tables = await client.all(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'avma_schema'",
          );
          const list = tables.map((t) => `"${String(t.tablename)}"`).join(', ');
          if (list !== '') await client.run(`TRUNCATE ${list} RESTART IDENTITY`);
        } finally {
          await client.close();
        }
      }
    },
    async remove() {
      await Promise.all([...databases.values()].map(async (db) => (await db).drop()));
    },
  };
}

const SQLITE: StoreBackend = { name: 'sqlite', place: sqlitePlace };
const POSTGRES: StoreBackend = { name: 'postgres', place: postgresPlace };

/** Every backend this machine can run: SQLite always, PostgreSQL unless postgresMissing(). */
export const STORE_BACKENDS: readonly StoreBackend[] =
  postgresMissing() === null ? [SQLITE, POSTGRES] : [SQLITE];

/** Runs one raw query on database `name` of the place on a fresh connection, and closes it. */
export async function rawQuery(
  place: BackendPlace,
  sql: string | DialectSql,
  params: Params = [],
  name = DEFAULT_NAME,
): Promise<Record<string, unknown>[]> {
  const raw = await place.raw(name);
  try {
    return await raw.all(sql, params);
  } finally {
    await raw.close();
  }
}
