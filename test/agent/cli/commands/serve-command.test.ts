/**
 * `avma serve --config FILE`: the API over the configuration's database answers month reports by its
 * `spla` rules. ST1 (Standard 2 x 8) runs three VMs together in November 2026; with two VMs per set
 * that is ceil(3 / 2) = 2 sets x 16 = 32 licences = 16 packs (the default rule would give 24).
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../../../agent/cli/commands/serve-command.js';
import { dispatch } from '../../../../agent/cli/run-cli.js';
import { openStore } from '../../../../agent/store/index.js';
import { HOST_FACTS, type TempDir, tempDir } from '../../store/store-test-kit.js';
import { simulate, steadyVm } from '../../usage/usage-test-kit.js';

describe('agent/cli/commands/serve-command', () => {
  let dir: TempDir;
  let token: string;
  beforeAll(async () => {
    dir = await tempDir();
    const store = await openStore(dir.file('avma.db'), { staleAfterMs: 12 * 3_600_000 });
    await simulate(store, {
      hosts: [{ name: 'ST1', facts: { ...HOST_FACTS, edition: 'standard', coresPerSocket: [8, 8] } }],
      vms: [1, 2, 3].map((n) => steadyVm(n, `vm${n}`, 'contoso', 'ST1')),
      stepMinutes: 360,
    });
    const at = new Date();
    token = (await store.createToken({ name: 'reader', role: 'reader', expiresAt: null, actor: 'test', at }))
      .token;
    await store.close();
    await writeFile(
      dir.file('agent.json'),
      JSON.stringify({ db: 'avma.db', spla: { standardVmsPerLicenceSet: 2 } }),
    );
  });
  afterAll(async () => {
    await dir.remove();
  });

  it('reports months by the configuration’s SPLA rules', async () => {
    let stderr = '';
    let announced: (url: string) => void = () => undefined;
    const url = new Promise<string>((resolve) => {
      announced = resolve;
    });
    const io = {
      stdout: () => undefined,
      stderr: (text: string) => {
        stderr += text;
        const match = /avma serve: (http:\/\/\S+) over/.exec(stderr);
        if (match?.[1] !== undefined) announced(match[1]);
      },
      readStdin: async () => '',
    };
    const served = dispatch(
      ['serve', '--config', dir.file('agent.json'), '--listen', '127.0.0.1:0'],
      [serveCommand],
      io,
    );
    // Resolves to the URL once it listens, or to why it stopped before (no rejection left behind).
    const base = await Promise.race([url, served.then((code) => `exited ${code}: ${stderr}`)]);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    try {
      const response = await fetch(`${base}/api/v1/usage/2026-11`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const report = (await response.json()) as {
        settings: { standardVmsPerLicenceSet: number };
        reseller: { quantity: number }[];
      };
      expect(report.settings.standardVmsPerLicenceSet).toBe(2);
      expect(report.reseller.map((r) => r.quantity)).toEqual([0, 16]);
    } finally {
      // serve stops on SIGTERM: the event its handler listens for, without a real signal.
      process.emit('SIGTERM');
      expect(await served).toBe(0);
    }
  });
});
