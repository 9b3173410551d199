/** `avma run --config FILE` hands the configuration's SPLA rules to the API it serves. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAgentRun } from '../../../../agent/cli/commands/agent-options.js';

const io = { stdout: () => undefined, stderr: () => undefined, readStdin: async () => '' };

describe('agent/cli/commands/agent-options', () => {
  it('passes the spla section of --config on, and no rules without one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-options-'));
    try {
      const spla = { standardVmsPerLicenceSet: 2, skus: { 'Windows Server Standard': 'STD-0001' } };
      await writeFile(join(dir, 'agent.json'), JSON.stringify({ spla }));
      const configured = await resolveAgentRun(
        { io, options: { config: join(dir, 'agent.json') }, positionals: [] },
        () => undefined,
      );
      expect(configured.spla).toEqual(spla);
      const plain = await resolveAgentRun({ io, options: {}, positionals: [] }, () => undefined);
      expect(plain.spla).toEqual({});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
