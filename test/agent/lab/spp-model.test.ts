import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LAB_SETTINGS,
  GRACE_MINUTES,
  KMS_RENEWAL_MINUTES,
  KMS_RETRY_MINUTES,
  KMS_VALIDITY_MINUTES,
  resolveLabSettings,
} from '../../../agent/lab/lab-settings.js';
import { DAY_MS, MINUTE_MS } from '../../../agent/lab/sim-clock.js';
import { SppModel } from '../../../agent/lab/spp-model.js';

const T0 = Date.UTC(2026, 10, 1);
const AVMA_2019_DC = { key: 'H3RNG-8C32Q-Q8FRX-6TDXV-WMBMW', channel: 'avma' as const };
const GVLK_2019_STD = { key: 'N69G4-B89J2-4G8F4-WWYCC-J464C', channel: 'gvlk' as const };

function licensedAvma(settings = DEFAULT_LAB_SETTINGS): SppModel {
  return new SppModel(settings, { key: AVMA_2019_DC, status: 'licensed', now: T0, hostName: 'HV01' });
}

describe('agent/lab/spp-model', () => {
  it('reports what SoftwareLicensingProduct shows for a licensed AVMA guest', () => {
    expect(licensedAvma().licenseFacts(T0 + DAY_MS)).toEqual({
      licenseStatus: 1,
      licenseStatusReason: null,
      description: 'Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel',
      partialProductKey: 'WMBMW',
      productKeyChannel: 'VT:IA',
      gracePeriodRemainingMinutes: 6 * 24 * 60,
      avmaHostMachineName: 'HV01',
      avmaLastActivationTime: '2026-11-01T00:00:00.000Z',
    });
  });

  it('lets a reader take the facts of an earlier moment just before the licence changes (a renewal or a lapse), once', () => {
    const spp = licensedAvma();
    const validity = DEFAULT_LAB_SETTINGS.avmaValidityMinutes * MINUTE_MS;
    const seen: unknown[] = [];
    const takeFactsAt = (time: number) => () => seen.push(spp.licenseFacts(time));
    spp.beforeNextChange(takeFactsAt(T0 + DAY_MS));
    // Reading later without a change leaves the facts of that moment to be read later still.
    spp.licenseFacts(T0 + 2 * DAY_MS);
    expect(seen).toEqual([]);
    spp.activated(T0 + 3 * DAY_MS, 'HV02');
    expect(seen).toMatchObject([{ avmaHostMachineName: 'HV01', gracePeriodRemainingMinutes: 6 * 24 * 60 }]);
    spp.activated(T0 + 4 * DAY_MS, 'HV03');
    expect(seen).toHaveLength(1);
    // A lapse is a change too: the reader still sees Licensed at its own moment.
    spp.beforeNextChange(takeFactsAt(T0 + 4 * DAY_MS + validity - MINUTE_MS));
    expect(spp.status(T0 + 4 * DAY_MS + validity)).toBe('oot-grace');
    expect(seen[1]).toMatchObject({ licenseStatus: 1, gracePeriodRemainingMinutes: 1 });
  });

  it('leaves Licensed for OOT grace when an AVMA activation lapses without renewal, then Notification', () => {
    const spp = licensedAvma();
    const validity = DEFAULT_LAB_SETTINGS.avmaValidityMinutes * MINUTE_MS;
    expect(spp.status(T0 + validity - 1)).toBe('licensed');
    expect(spp.status(T0 + validity)).toBe('oot-grace');
    expect(spp.licenseFacts(T0 + validity).gracePeriodRemainingMinutes).toBe(GRACE_MINUTES);
    expect(spp.status(T0 + validity + GRACE_MINUTES * MINUTE_MS)).toBe('notification');
    expect(spp.licenseFacts(T0 + validity + GRACE_MINUTES * MINUTE_MS).licenseStatusReason).toBe(
      '0xC004F009',
    );
  });

  it('goes straight to Notification on lapse when lapsedStatus says so', () => {
    const spp = licensedAvma(resolveLabSettings({ lapsedStatus: 'notification' }));
    expect(spp.status(T0 + DEFAULT_LAB_SETTINGS.avmaValidityMinutes * MINUTE_MS)).toBe('notification');
  });

  it('keeps a renewed activation licensed past the first validity end', () => {
    const spp = licensedAvma();
    spp.activated(T0 + 6 * DAY_MS, 'HV02');
    expect(spp.status(T0 + 8 * DAY_MS)).toBe('licensed');
    expect(spp.licenseFacts(T0 + 8 * DAY_MS).avmaHostMachineName).toBe('HV02');
  });

  it('falls to Notification when a tenant replaces the key of a licensed guest, and clears the AVMA fields', () => {
    const spp = licensedAvma();
    spp.install(GVLK_2019_STD, T0 + DAY_MS);
    expect(spp.licenseFacts(T0 + DAY_MS)).toMatchObject({
      licenseStatus: 5,
      description: 'Windows(R) Operating System, VOLUME_KMSCLIENT channel',
      partialProductKey: 'J464C',
      avmaHostMachineName: null,
      avmaLastActivationTime: null,
    });
  });

  it('runs an initial grace period to its end and records a failed attempt as the status reason', () => {
    const spp = new SppModel(DEFAULT_LAB_SETTINGS, {
      key: GVLK_2019_STD,
      status: 'oob-grace',
      now: T0,
      hostName: 'HV01',
    });
    spp.activationFailed(T0 + 1, '0xC004F074');
    expect(spp.licenseFacts(T0 + 1)).toMatchObject({ licenseStatus: 2, licenseStatusReason: '0xC004F074' });
    expect(spp.status(T0 + GRACE_MINUTES * MINUTE_MS)).toBe('notification');
  });

  it('shows no product for a guest without a key', () => {
    const spp = new SppModel(DEFAULT_LAB_SETTINGS, {
      key: null,
      status: 'unlicensed',
      now: T0,
      hostName: 'HV01',
    });
    expect(spp.licenseFacts(T0)).toMatchObject({
      description: '',
      partialProductKey: null,
      productKeyChannel: null,
    });
  });

  it("uses the KMS numbers of the seed's Volume Activation guide", () => {
    const text = readFileSync(
      new URL('../../fixtures/lab/seed-001-kms-renewal.txt', import.meta.url),
      'utf8',
    );
    // The seed writes no-break spaces between numbers and units.
    const seed = text.replaceAll('\u00a0', ' ');
    expect(seed).toContain(`有效期为 ${KMS_VALIDITY_MINUTES / (24 * 60)} 天`);
    expect(seed).toContain(`每 ${KMS_RENEWAL_MINUTES / (24 * 60)} 天进行一次激活续订尝试`);
    expect(seed).toContain(`默认设置为 ${KMS_RENEWAL_MINUTES}`);
    expect(KMS_RETRY_MINUTES).toBe(120);
    expect(seed).toContain('每两小时重试一次');
    expect(seed).toContain(`再延长 ${GRACE_MINUTES / (24 * 60)} 天`);
  });
});
