import { describe, expect, it } from 'vitest';
import { avma, isOneLineError } from '../cli-harness.js';

const host2022 = ['--host-version', '2022', '--host-edition', 'datacenter'];

describe('agent/cli/commands/eligibility-command', () => {
  it('finds a 2019 Standard guest on an activated 2022 Datacenter host eligible, with its key', async () => {
    const run = await avma([
      'eligibility',
      ...host2022,
      '--guest-version',
      '2019',
      '--guest-edition',
      'standard',
    ]);
    expect(run.code).toBe(0);
    expect(run.json()).toEqual({ eligible: true, key: 'TNK62-RXVTB-4P47B-2D623-4GF74', reasons: [] });
  });

  it('returns every reason that applies, not only the first', async () => {
    const run = await avma([
      'eligibility',
      '--host-version',
      '2016',
      '--host-edition',
      'standard',
      '--host-not-activated',
      '--guest-version',
      '2022',
      '--guest-edition',
      'datacenter',
      '--evaluation',
      '--data-exchange-off',
    ]);
    expect(run.json()).toEqual({
      eligible: false,
      key: null,
      reasons: [
        'HOST_NOT_DATACENTER',
        'HOST_NOT_ACTIVATED',
        'HOST_TOO_OLD',
        'GUEST_EVALUATION',
        'DATA_EXCHANGE_DISABLED',
      ],
    });
  });

  it('orders semi-annual releases by build: a 2019 host cannot activate a 1903 guest', async () => {
    const run = await avma([
      'eligibility',
      '--host-version',
      '2019',
      '--host-edition',
      'datacenter',
      '--guest-version',
      '1903',
      '--guest-edition',
      'standard',
    ]);
    expect(run.json<{ reasons: string[] }>().reasons).toEqual(['HOST_TOO_OLD']);
  });

  it('refuses desktop Windows and Windows Server 2012 guests for their own reasons', async () => {
    const client = await avma([
      'eligibility',
      ...host2022,
      '--guest-os',
      'windows-client',
      '--guest-version',
      '11',
      '--guest-edition',
      'pro',
    ]);
    expect(client.json<{ reasons: string[] }>().reasons).toEqual(['GUEST_NOT_WINDOWS_SERVER']);
    const old = await avma([
      'eligibility',
      ...host2022,
      '--guest-version',
      '2012',
      '--guest-edition',
      'standard',
    ]);
    expect(old.json<{ reasons: string[] }>().reasons).toContain('GUEST_VERSION_UNSUPPORTED');
  });

  it('refuses a host version that cannot be an AVMA host, and contradictory flags', async () => {
    const old = await avma([
      'eligibility',
      '--host-version',
      '2012',
      '--host-edition',
      'datacenter',
      '--guest-version',
      '2012R2',
      '--guest-edition',
      'standard',
    ]);
    expect(isOneLineError(old)).toBe(true);
    expect(old.stderr).toContain('2012R2, 2016, 2019, 2022, 2025');
    const both = await avma([
      'eligibility',
      ...host2022,
      '--host-activated',
      '--host-not-activated',
      '--guest-version',
      '2019',
      '--guest-edition',
      'standard',
    ]);
    expect(isOneLineError(both)).toBe(true);
  });

  it('names the missing option when the guest version is not given', async () => {
    const run = await avma(['eligibility', ...host2022, '--guest-edition', 'standard']);
    expect(isOneLineError(run)).toBe(true);
    expect(run.stderr).toContain('--guest-version');
  });
});
