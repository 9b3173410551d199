import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../agent/config/config-error.js';
import { loadConfig, parseConfig } from '../../../agent/config/load-config.js';

function refusal(text: string): { code: string; message: string } {
  try {
    parseConfig(text, 'agent.json');
  } catch (error) {
    if (error instanceof ConfigError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('agent/config/load-config', () => {
  it('accepts every documented field', () => {
    const config = parseConfig(
      JSON.stringify({
        driver: 'powershell',
        hosts: ['localhost', 'HV02.contoso.local', '.'],
        db: 'avma.sqlite',
        interval: 60,
        staleAfter: 600,
        silentAfterSweeps: 3,
        concurrency: 4,
        labSpeed: 60,
        memoryChangePercent: 2.5,
        tenants: [
          { prefix: 'contoso-', tenant: 'contoso' },
          { regex: '^fab\\d+$', tenant: 'fabrikam' },
        ],
        optOuts: [{ vm: 'sql01', reason: 'own licence' }, { vm: '6a3f5c2e-0b1d-4e8f-9a7b-000000000001' }],
        powershell: { executable: 'pwsh', timeoutMs: 120000, jobTimeoutSeconds: 60, kvpWriteApi: 'cim' },
        spla: {
          standardVmsPerLicenceSet: 1,
          reportHostsWithoutWindowsServerVms: true,
          minCoresPerServer: 0,
          excludeTenantLicensedFromStandard: false,
          skus: { 'Windows Server Datacenter': 'DC-0001', 'Windows Server Standard': 'STD-0001' },
          runningStates: ['Running'],
        },
      }),
      'agent.json',
    );
    expect(config.hosts).toHaveLength(3);
    expect(config.powershell?.kvpWriteApi).toBe('cim');
    expect(config.spla?.skus?.['Windows Server Standard']).toBe('STD-0001');
    expect(config.memoryChangePercent).toBe(2.5);
  });

  it.each([
    [
      '{"colour": "red"}',
      'INVALID',
      'agent.json: (top level): unknown field "colour", expected only the documented fields',
    ],
    ['{"interval": 0}', 'INVALID', /^agent\.json: interval: /],
    ['{"memoryChangePercent": 80}', 'INVALID', /^agent\.json: memoryChangePercent: /],
    ['{"driver": "vmware"}', 'INVALID', /^agent\.json: driver: /],
    ['{"hosts": ["HV01; Remove-Item C:"]}', 'INVALID', 'agent.json: hosts[0]: expected a host name'],
    ['{"tenants": [{"regex": "(", "tenant": "x"}]}', 'INVALID', /^agent\.json: tenants\[0\]/],
    ['{"tenants": [{"prefix": "a", "regex": "b", "tenant": "x"}]}', 'INVALID', /^agent\.json: tenants\[0\]/],
    ['{"optOuts": [{"vm": ""}]}', 'INVALID', /^agent\.json: optOuts\[0\]\.vm: /],
    [
      '{"tenants": [{"prefix": "a-", "tenant": "a"}, {"regex": "^b", "tenant": "b\\u0000"}]}',
      'INVALID',
      'agent.json: tenants[1].tenant: expected a non-empty string of at most 256 characters without NUL',
    ],
    [
      '{"optOuts": [{"vm": "sql01", "reason": "own\\u0000licence"}]}',
      'INVALID',
      'agent.json: optOuts[0].reason: expected a non-empty string of at most 1024 characters without NUL',
    ],
    ['{"powershell": {"timeoutMs": 5}}', 'INVALID', /^agent\.json: powershell\.timeoutMs: /],
    ['[1, 2]', 'INVALID', /^agent\.json: \(top level\): /],
    [
      '{"spla": {"standardVmsPerLicenceSet": 3}}',
      'INVALID',
      'agent.json: spla.standardVmsPerLicenceSet: expected 1 or 2',
    ],
    ['{"spla": {"minCoresPerServer": 8}}', 'INVALID', 'agent.json: spla.minCoresPerServer: expected 0 or 16'],
    [
      '{"spla": {"skus": {"Windows Server Standard": "=HYPERLINK(1)"}}}',
      'INVALID',
      /^agent\.json: spla\.skus\.Windows Server Standard: expected a SKU/,
    ],
    [
      '{"spla": {"vmsPerSet": 2}}',
      'INVALID',
      'agent.json: spla: unknown field "vmsPerSet", expected only the documented fields',
    ],
    ['{"interval": 60,}', 'NOT_JSON', 'agent.json: not valid JSON; expected a JSON object of agent settings'],
  ])('refuses %s in one line naming the path', (text, code, message) => {
    const refused = refusal(text);
    expect(refused.code).toBe(code);
    if (typeof message === 'string') expect(refused.message).toBe(message);
    else expect(refused.message).toMatch(message);
    expect(refused.message.includes('\n')).toBe(false);
  });

  it('reads a file, resolving db and scenario next to it, and accepts a UTF-8 byte-order mark', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    await writeFile(
      join(dir, 'agent.json'),
      `\uFEFF${JSON.stringify({ db: 'data/avma.sqlite', scenario: '/abs/lab.json' })}`,
    );
    expect(await loadConfig(join(dir, 'agent.json'))).toEqual({
      db: join(dir, 'data/avma.sqlite'),
      scenario: '/abs/lab.json',
    });
  });

  it('keeps a PostgreSQL URL as db instead of resolving it as a path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'config-'));
    const url = 'postgres://avma@pg01.contoso.local:5432/avma';
    await writeFile(join(dir, 'agent.json'), JSON.stringify({ db: url }));
    expect(await loadConfig(join(dir, 'agent.json'))).toEqual({ db: url });
  });

  it('refuses a missing file as unreadable', async () => {
    await expect(loadConfig('/nonexistent/agent.json')).rejects.toMatchObject({
      code: 'UNREADABLE',
      message: 'cannot read /nonexistent/agent.json: no such file',
    });
  });
});
