import { describe, expect, it } from 'vitest';
import { channelOf } from '../../../guest/agent/channel.js';
import type { LicenseFacts } from '../../../guest/platform/guest-platform.js';

function facts(patch: Partial<LicenseFacts>): LicenseFacts {
  return {
    licenseStatus: 1,
    licenseStatusReason: null,
    description: '',
    partialProductKey: 'J464C',
    productKeyChannel: null,
    gracePeriodRemainingMinutes: 0,
    avmaHostMachineName: null,
    avmaLastActivationTime: null,
    ...patch,
  };
}

describe('guest/agent/channel', () => {
  it.each([
    // Description lines as slmgr /dlv prints them; the KMS client line is from a real Server 2019 transcript.
    ['Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel', 'avma'],
    ['Windows(R) Operating System, VOLUME_KMSCLIENT channel', 'gvlk'],
    ['Windows(R) Operating System, VOLUME_MAK channel', 'mak'],
    ['Windows(R) Operating System, VOLUME_KMS_R2_C channel', 'mak'],
    ['Windows(R) Operating System, OEM_DM channel', 'oem'],
    ['Windows(R) Operating System, RETAIL channel', 'retail'],
  ])('reads "%s" as %s', (description, channel) => {
    expect(channelOf(facts({ description }))).toBe(channel);
  });

  it('reports none when no key is installed', () => {
    expect(
      channelOf(
        facts({ partialProductKey: null, description: 'Windows(R) Operating System, RETAIL channel' }),
      ),
    ).toBe('none');
  });

  it('falls back to ProductKeyChannel when the description names no channel', () => {
    expect(channelOf(facts({ productKeyChannel: 'Volume:GVLK' }))).toBe('gvlk');
    expect(channelOf(facts({ productKeyChannel: 'OEM:NONSLP' }))).toBe('oem');
    expect(channelOf(facts({ productKeyChannel: 'Volume:CSVLK' }))).toBe('mak');
  });

  it('recognises an AVMA key by its last five characters when nothing else tells', () => {
    expect(channelOf(facts({ partialProductKey: '4GF74' }))).toBe('avma');
    expect(channelOf(facts({ partialProductKey: 'J464C' }))).toBe('unknown');
  });

  it('trusts the description over a partial key that happens to match the AVMA table', () => {
    expect(
      channelOf(
        facts({ partialProductKey: '4GF74', description: 'Windows(R) Operating System, RETAIL channel' }),
      ),
    ).toBe('retail');
  });

  it('ignores tokens beyond the first 512 characters of a description', () => {
    expect(channelOf(facts({ description: `${'x'.repeat(600)} RETAIL` }))).toBe('unknown');
  });
});
