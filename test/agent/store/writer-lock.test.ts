// SQLite only: the one-writer lock file beside a database file; agents sharing PostgreSQL take a lease per host instead.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store, StoreError } from '../../../agent/store/index.js';
import { writerHolderPath } from '../../../agent/store/writer-lock.js';
import { HOST_FACTS, type TempDir, tempDir } from './store-test-kit.js';

const CHILD = fileURLToPath(new URL('./writer-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const AT = new Date('2026-11-01T00:00:00Z');
const ISO_SECONDS = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ';

async function refusal(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Starts a child process holding the writer lock of `db`; resolves once it holds it. */
function holdInChild(db: string): Promise<ReturnType<typeof spawn>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, db], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('holding')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`writer child exited (${code}): ${stderr}`)));
  });
}

describe('agent/store/writer-lock', () => {
  let dir: TempDir;
  const open: Store[] = [];

  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
    await dir.remove();
  });

  it('refuses a second writer with one line naming the holder; readers and operator writes go on', async () => {
    const db = dir.file('avma.sqlite');
    const writer = await openStore(db, { writer: { command: 'avma run' } });
    open.push(writer);
    const refused = await refusal(openStore(db, { writer: { command: 'avma sweep' } }));
    expect(refused.code).toBe('WRITER_BUSY');
    expect(refused.message).toMatch(
      new RegExp(
        `^store ${escaped(db)} is in use by another agent \\(pid ${process.pid} on ${escaped(hostname())}, "avma run", since ${ISO_SECONDS}\\); one writer per database$`,
      ),
    );
    await writer.transaction(async (tx) => {
      await tx.upsertHost('HV01', AT);
      await tx.recordHostFacts('HV01', AT, HOST_FACTS);
    });
    // A reader and a short operator transaction (no writer option) work beside the writer.
    const reader = await openStore(db, { readOnly: true });
    open.push(reader);
    expect((await reader.readSweepState()).hosts.map((host) => host.name)).toEqual(['HV01']);
    const operator = await openStore(db, { create: false });
    open.push(operator);
    await operator.transaction((tx) => tx.upsertHost('HV02', AT));
    expect((await writer.readSweepState()).hosts.map((host) => host.name).sort()).toEqual(['HV01', 'HV02']);
    // Closing the writer hands the lock on.
    await writer.close();
    const next = await openStore(db, { writer: { command: 'avma sweep' } });
    open.push(next);
    expect((await next.readSweepState()).hosts).toHaveLength(2);
  });

  it('says the holder is not recorded when its description is unreadable, never guessing one', async () => {
    const db = dir.file('avma.sqlite');
    open.push(await openStore(db, { writer: { command: 'avma run' } }));
    await writeFile(writerHolderPath(db), '{"pid": "4242\\u001b[31m", "host": 7}');
    const refused = await refusal(openStore(db, { writer: { command: 'avma sweep' } }));
    expect([refused.code, refused.message]).toEqual([
      'WRITER_BUSY',
      `store ${db} is in use by another agent (holder not recorded); one writer per database`,
    ]);
  });

  it('refuses a read-only writer and an empty or multi-line writer command', async () => {
    const db = dir.file('avma.sqlite');
    await (await openStore(db)).close();
    for (const options of [
      { readOnly: true, writer: { command: 'avma run' } },
      { writer: { command: '' } },
      { writer: { command: 'avma run\nforged line' } },
    ]) {
      expect((await refusal(openStore(db, options))).code).toBe('INVALID_ARGUMENT');
    }
  });

  it('is free again as soon as a SIGKILLed holder dies: no stale lock to clean up', async () => {
    const db = dir.file('avma.sqlite');
    await (await openStore(db)).close();
    const child = await holdInChild(db);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const refused = await refusal(openStore(db, { writer: { command: 'avma sweep' } }));
      expect(refused.message).toContain(`(pid ${child.pid} on ${hostname()}, "avma run", since `);
    } finally {
      child.kill('SIGKILL');
    }
    await exited;
    const next = await openStore(db, { writer: { command: 'avma sweep' } });
    open.push(next);
    expect(next.isWriter).toBe(true);
  }, 30_000);
});
