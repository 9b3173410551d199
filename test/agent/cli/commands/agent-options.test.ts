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

  it('gives each process a new agent id on a stable base, takes the lease TTL from config, refuses a bad id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-options-'));
    try {
      const config = join(dir, 'agent.json');
      await writeFile(
        config,
        JSON.stringify({ db: 'postgres://avma@db.example/avma', leases: { ttlSeconds: 5 } }),
      );
      const first = await resolveAgentRun({ io, options: { config }, positionals: [] }, () => undefined);
      const second = await resolveAgentRun({ io, options: { config }, positionals: [] }, () => undefined);
      expect(first.session.db).toBe('postgres://avma@db.example/avma');
      expect(first.session.leaseTtlMs).toBe(5000);
      const base = (id: string | undefined) => id?.replace(/\/[0-9a-f]{6}$/, '');
      expect(base(first.session.agentId)).toBe(base(second.session.agentId));
      expect(first.session.agentId).not.toBe(second.session.agentId);
      const named = await resolveAgentRun(
        { io, options: { config, 'agent-id': 'rack4-agent' }, positionals: [] },
        () => undefined,
      );
      expect(named.session.agentId).toMatch(/^rack4-agent\/[0-9a-f]{6}$/);
      const bad = resolveAgentRun({ io, options: { 'agent-id': 'a b' }, positionals: [] }, () => undefined);
      await expect(bad).rejects.toThrow(/--agent-id: expected 1\.\.100 letters/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes --lab-url for the lab driver only, on the loopback, never with a scenario of its own', async () => {
    const run = (options: Record<string, string>) =>
      resolveAgentRun({ io, options, positionals: [] }, () => undefined);
    expect((await run({ 'lab-url': 'http://127.0.0.1:9750' })).session.labUrl).toBe('http://127.0.0.1:9750');
    await expect(run({ 'lab-url': 'http://127.0.0.1:9750', scenario: 'x.json' })).rejects.toThrow(
      /--lab-url and --scenario contradict/,
    );
    await expect(run({ 'lab-url': 'http://lab.example:80' })).rejects.toThrow(
      /expected http:\/\/127\.0\.0\.1:PORT/,
    );
    await expect(run({ 'lab-url': 'http://127.0.0.1:9750', driver: 'powershell' })).rejects.toThrow(
      /--lab-url applies to the lab driver/,
    );
  });
});
