import { describe, expect, it } from 'vitest';
import { vmEligibility } from '../../../agent/decide/vm-eligibility.js';
import { KEY_2019_DATACENTER, SERVER_2019_DATACENTER } from './decide-kit.js';

const HOST = { version: '2022', build: 20348, edition: 'datacenter', activated: true } as const;

describe('agent/decide/vm-eligibility', () => {
  it('makes a 2019 Datacenter guest on an activated 2022 Datacenter host eligible for its AVMA key', () => {
    const result = vmEligibility({
      host: HOST,
      identity: SERVER_2019_DATACENTER,
      dataExchange: true,
      channel: 'gvlk',
      optedOut: false,
    });
    expect(result).toEqual({ eligible: true, key: KEY_2019_DATACENTER, reasons: [] });
  });

  it('gives GUEST_UNKNOWN to a VM without intrinsic data', () => {
    const result = vmEligibility({
      host: HOST,
      identity: null,
      dataExchange: true,
      channel: null,
      optedOut: false,
    });
    expect(result.reasons).toEqual(['GUEST_UNKNOWN']);
  });

  it('gives TENANT_KEY and OPTED_OUT with every other reason, in contract order', () => {
    const result = vmEligibility({
      host: { ...HOST, activated: false, edition: 'standard' },
      identity: SERVER_2019_DATACENTER,
      dataExchange: false,
      channel: 'retail',
      optedOut: true,
    });
    expect(result.reasons).toEqual([
      'HOST_NOT_DATACENTER',
      'HOST_NOT_ACTIVATED',
      'DATA_EXCHANGE_DISABLED',
      'TENANT_KEY',
      'OPTED_OUT',
    ]);
    expect(result.key).toBeNull();
  });

  it('judges a host older than 2012 R2 (version outside the vocabulary) too old', () => {
    const result = vmEligibility({
      host: { version: null, build: 9200, edition: 'datacenter', activated: true },
      identity: SERVER_2019_DATACENTER,
      dataExchange: true,
      channel: null,
      optedOut: false,
    });
    expect(result).toMatchObject({ eligible: false, key: null });
    expect(result.reasons).toContain('HOST_TOO_OLD');
  });

  it('judges a host newer than any known release like the newest one', () => {
    const result = vmEligibility({
      host: { version: null, build: 30000, edition: 'datacenter', activated: true },
      identity: SERVER_2019_DATACENTER,
      dataExchange: true,
      channel: null,
      optedOut: false,
    });
    expect(result.eligible).toBe(true);
  });

  it('treats a host that is neither Datacenter nor Standard as not Datacenter', () => {
    const result = vmEligibility({
      host: { ...HOST, edition: null },
      identity: SERVER_2019_DATACENTER,
      dataExchange: true,
      channel: null,
      optedOut: false,
    });
    expect(result.reasons).toEqual(['HOST_NOT_DATACENTER']);
  });
});
