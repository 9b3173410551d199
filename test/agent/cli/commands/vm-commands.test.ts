import { mkdtemp } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  vmAllowAvmaCommand,
  vmOptInCommand,
  vmOptOutCommand,
} from '../../../../agent/cli/commands/vm-commands.js';
import { dispatch } from '../../../../agent/cli/run-cli.js';
import { openStore } from '../../../../agent/store/index.js';
import { HOST_FACTS, observed, vmGuid } from '../../store/store-test-kit.js';

async function avma(args: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = await dispatch(args, [vmOptOutCommand, vmOptInCommand, vmAllowAvmaCommand], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => '',
  });
  return { code, stdout, stderr };
}

const AT = new Date('2026-11-01T00:00:00Z');

describe('agent/cli/commands/vm-commands', () => {
  let db: string;
  beforeEach(async () => {
    db = join(await mkdtemp(join(tmpdir(), 'vm-commands-')), 'avma.sqlite');
    const store = await openStore(db);
    await store.transaction(async (tx) => {
      await tx.upsertHost('HV01', AT);
      await tx.recordHostFacts('HV01', AT, HOST_FACTS);
      for (const [n, name] of [
        [1, 'web01'],
        [2, 'twin'],
        [3, 'TWIN'],
      ] as const) {
        await tx.upsertVm({ id: vmGuid(n), tenant: 'contoso' }, AT);
        await tx.recordVmName(vmGuid(n), AT, name);
        await tx.recordObservation(vmGuid(n), AT, observed());
      }
      await tx.setAvmaBlocked(vmGuid(1), true, { at: AT, actor: 'agent', reason: 'key replaced' });
    });
    await store.close();
  });

  async function audit() {
    const store = await openStore(db, { readOnly: true });
    try {
      return (await store.listAudit()).map((row) => [row.action, row.actor, row.vm, row.reason]);
    } finally {
      await store.close();
    }
  }

  it('opts a VM out by name, audited with who and why; repeating it changes and records nothing', async () => {
    const run = await avma([
      'vm',
      'opt-out',
      'WEB01',
      '--db',
      db,
      '--reason',
      'tenant brings its own licence',
      '--actor',
      'alice',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      id: vmGuid(1),
      name: 'web01',
      change: 'opt-out',
      changed: true,
      optedOut: true,
      avmaBlocked: true,
      actor: 'alice',
      reason: 'tenant brings its own licence',
    });
    expect(JSON.parse((await avma(['vm', 'opt-out', vmGuid(1), '--db', db])).stdout)).toMatchObject({
      changed: false,
      optedOut: true,
    });
    expect((await audit()).slice(1)).toEqual([
      ['opt-out', 'alice', vmGuid(1), 'tenant brings its own licence'],
    ]);
  });

  it('opts back in and clears the AVMA block, naming the OS user when no --actor is given', async () => {
    await avma(['vm', 'opt-out', 'web01', '--db', db]);
    expect(JSON.parse((await avma(['vm', 'opt-in', 'web01', '--db', db])).stdout)).toMatchObject({
      optedOut: false,
      changed: true,
    });
    expect(JSON.parse((await avma(['vm', 'allow-avma', 'web01', '--db', db])).stdout)).toMatchObject({
      avmaBlocked: false,
      changed: true,
    });
    const who = userInfo().username;
    expect((await audit()).slice(1)).toEqual([
      ['opt-out', who, vmGuid(1), 'opt-out requested from the command line'],
      ['opt-in', who, vmGuid(1), 'opt-in requested from the command line'],
      ['allow-avma', who, vmGuid(1), 'allow-avma requested from the command line'],
    ]);
  });

  it('refuses an unknown VM, a name two VMs share, and a missing database, in one line each', async () => {
    const unknown = await avma(['vm', 'opt-out', 'ghost', '--db', db]);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe(
      'avma vm opt-out: no VM named or with id "ghost" in the database; expected a name or id from avma status\n',
    );
    const twin = await avma(['vm', 'opt-in', 'twin', '--db', db]);
    expect(twin.stderr).toBe(
      `avma vm opt-in: more than one VM is named "twin" (${vmGuid(2)}, ${vmGuid(3)}); give its id\n`,
    );
    const missing = await avma(['vm', 'opt-out', 'web01', '--db', `${db}.missing`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist; expected an avma-agent database\n$/);
    expect((await avma(['vm', 'opt-out', '--db', db])).stderr).toMatch(/missing argument NAME\|ID/);
  });
});
