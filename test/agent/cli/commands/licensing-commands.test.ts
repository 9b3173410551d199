import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { avma, isOneLineError } from '../cli-harness.js';

describe('agent/cli/commands/licensing-commands', () => {
  it.each([
    // spla-and-peers.md §1.5 worked examples (SPLA: 8 per processor, no per-server floor, 2-core packs).
    [2, 12, { coreLicenses: 24, twoCorePacks: 12 }],
    [2, 8, { coreLicenses: 16, twoCorePacks: 8 }],
    [1, 6, { coreLicenses: 8, twoCorePacks: 4 }],
    [2, 4, { coreLicenses: 16, twoCorePacks: 8 }],
    [4, 4, { coreLicenses: 32, twoCorePacks: 16 }],
    [1, 10, { coreLicenses: 10, twoCorePacks: 5 }],
  ])('licenses %i sockets x %i cores as %o', async (sockets, cores, expected) => {
    const run = await avma(['spla', '--sockets', String(sockets), '--cores-per-socket', String(cores)]);
    expect(run.json()).toEqual(expected);
  });

  it('applies a 16-core per-server floor only when asked', async () => {
    const run = await avma([
      'spla',
      '--sockets',
      '1',
      '--cores-per-socket',
      '6',
      '--min-cores-per-server',
      '16',
    ]);
    expect(run.json()).toEqual({ coreLicenses: 16, twoCorePacks: 8 });
  });

  it('refuses zero sockets and fractional cores in one line', async () => {
    expect(isOneLineError(await avma(['spla', '--sockets', '0', '--cores-per-socket', '8']))).toBe(true);
    const fractional = await avma(['spla', '--sockets', '2', '--cores-per-socket', '8.5']);
    expect(isOneLineError(fractional)).toBe(true);
    expect(fractional.stderr).toContain('"8.5"');
  });

  it('explains an AVMA HRESULT in every accepted spelling', async () => {
    const expected = {
      code: '0xC004FD02',
      symbol: 'SL_E_IA_PARENT_PARTITION_NOT_ACTIVATED',
      message: "Windows isn't activated on the host machine. Please contact your system administrator.",
    };
    for (const spelling of ['0xC004FD02', 'c004fd02', '3221552386', '-1073414910']) {
      expect((await avma(['error', spelling])).json()).toEqual(expected);
    }
  });

  it('refuses a malformed error code in one line', async () => {
    const run = await avma(['error', 'not-a-code']);
    expect(isOneLineError(run)).toBe(true);
    expect(run.stderr).toContain('not-a-code');
  });

  it('parses the KMS client sample of slmgr /dli from the volume activation guide', async () => {
    const text = await readFile(
      new URL('../../../fixtures/avma/seed-004-kms-client-dli.txt', import.meta.url),
      'utf8',
    );
    const run = await avma(['slmgr', 'parse'], text);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('VOLUME_KMSCLIENT');
    expect(run.stdout).toContain('DVQ7P');
    expect(run.stdout).toContain('243720');
  });

  it('refuses text that is not slmgr output in one line', async () => {
    expect(isOneLineError(await avma(['slmgr', 'parse'], 'hello world\n'))).toBe(true);
  });

  it('prints an unattend fragment carrying the real AVMA key', async () => {
    const run = await avma(['unattend', '--version', '2019', '--edition', 'standard']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('<ProductKey>TNK62-RXVTB-4P47B-2D623-4GF74</ProductKey>');
  });
});
