import { describe, expect, it } from 'vitest';
import { AvmaError } from '../../../shared/avma/src/errors.js';
import { BARE_LINES, LABELLED_LINES } from '../../../shared/avma/src/slmgr-labels.js';
import { MAX_SLMGR_OUTPUT_CHARS, parseSlmgrOutput } from '../../../shared/avma/src/slmgr-parser.js';
import { fixtureText } from './fixture-text.js';
import {
  AVMA_COMPOSED_DLI,
  RETAIL_PRO_DLI,
  SEED_KMS_CLIENT_DLI,
  SEED_KMS_HOST_DLI,
  SEED_KMS_HOST_DLV,
  SERVER_2019_GVLK_NOTIFICATION_DLV,
} from './slmgr-expected.js';

function failure(action: () => unknown): AvmaError {
  try {
    action();
  } catch (error) {
    if (error instanceof AvmaError) return error;
    throw error;
  }
  throw new Error('expected an AvmaError');
}

/** The display strings of slmgr.vbs, lowercased, up to the colon where there is one. */
function slmgrStrings(): Set<string> {
  const constants = fixtureText('slmgr-vbs-strings-excerpt.vbs').matchAll(/^private const \w+\s+= "(.*)"$/gm);
  return new Set([...constants].map(([, text = '']) => text.toLowerCase()));
}

describe('shared/avma/slmgr-parser', () => {
  it('parses the KMS client /dli sample of seed 004 to the exact expected report', () => {
    expect(parseSlmgrOutput(fixtureText('seed-004-kms-client-dli.txt'))).toEqual(SEED_KMS_CLIENT_DLI);
  });

  it('parses the KMS host /dli sample of seed 004, counts as numbers and DNS publishing as true', () => {
    expect(parseSlmgrOutput(fixtureText('seed-004-kms-host-dli.txt'))).toEqual(SEED_KMS_HOST_DLI);
  });

  it('parses the KMS host /dlv sample of seed 004 with its IDs, URLs and rearm count', () => {
    expect(parseSlmgrOutput(fixtureText('seed-004-kms-host-dlv.txt'))).toEqual(SEED_KMS_HOST_DLV);
  });

  it('parses a real Server 2019 /dlv behind the Script Host banner, in Notification with its reason', () => {
    expect(parseSlmgrOutput(fixtureText('slmgr-dlv-server-2019-gvlk-notification.txt'))).toEqual(
      SERVER_2019_GVLK_NOTIFICATION_DLV,
    );
  });

  it("parses Microsoft's retail /dli example as a retail key", () => {
    expect(parseSlmgrOutput(fixtureText('slmgr-dli-retail-windows-pro.txt'))).toEqual(RETAIL_PRO_DLI);
  });

  it('parses an AVMA guest /dli composed from the slmgr.vbs strings, with "Not Available" as null', () => {
    expect(parseSlmgrOutput(fixtureText('slmgr-dli-avma-composed.txt'))).toEqual(AVMA_COMPOSED_DLI);
  });

  it('reads CRLF line ends and a byte-order mark the same as plain newlines', () => {
    const text = fixtureText('seed-004-kms-host-dlv.txt');
    expect(parseSlmgrOutput(`\uFEFF${text.replaceAll('\n', '\r\n')}`)).toEqual(SEED_KMS_HOST_DLV);
  });

  it('reads "Label: value" (slmgr.vbs) and "Label:value" (the seed) alike', () => {
    const spaced = fixtureText('seed-004-kms-client-dli.txt').replace(/^(\s*[^:\n]+):(?! )/gm, '$1: ');
    expect(spaced).toContain('Name: Windows(R) 7');
    expect(parseSlmgrOutput(spaced)).toEqual(SEED_KMS_CLIENT_DLI);
  });

  it('knows only labels and lines that slmgr.vbs prints', () => {
    const strings = [...slmgrStrings()];
    for (const label of LABELLED_LINES.keys()) {
      expect(
        strings.some((text) => text.startsWith(`${label}:`)),
        label,
      ).toBe(true);
    }
    for (const line of BARE_LINES.keys()) expect(strings, line).toContain(line);
  });

  it('maps every License Status text slmgr.vbs prints to the scenario vocabulary', () => {
    const texts = [...slmgrStrings()].filter((text) => text.startsWith('license status: '));
    const statuses = texts.map((text) => parseSlmgrOutput(text).licenseStatus);
    expect(statuses).toEqual([
      'unlicensed',
      'licensed',
      'oob-grace',
      'oot-grace',
      'non-genuine-grace',
      'notification',
      'extended-grace',
      null,
    ]);
  });

  it('takes the code from each Notification Reason form and pads it to eight digits', () => {
    expect(parseSlmgrOutput('Notification Reason: 0xC004F009 (grace time expired).').notificationReason).toBe(
      '0xC004F009',
    );
    expect(parseSlmgrOutput('Notification Reason: 0xC004F200 (non-genuine).').notificationReason).toBe(
      '0xC004F200',
    );
    expect(parseSlmgrOutput('Notification Reason: 0x4004F00C.').notificationReason).toBe('0x4004F00C');
  });

  it('tells the key kind from the Description channel, falling back to the /dlv Product Key Channel', () => {
    const kind = (text: string) => parseSlmgrOutput(text).keyKind;
    expect(kind('Description: Windows(R) Operating System, VOLUME_MAK channel')).toBe('mak');
    expect(kind('Description: Windows(R) Operating System, OEM_DM channel')).toBe('oem');
    expect(kind('Description: Windows(R) Operating System, VOLUME_KMS_R2_B channel')).toBe('kms-host');
    expect(kind('Description: Windows(R) Operating System, TIMEBASED_EVAL channel')).toBeNull();
    expect(kind('Description: Windows(R) Operating System\nProduct Key Channel: Volume:MAK')).toBe('mak');
    expect(kind('Product Key Channel: OEM:NONSLP')).toBe('oem');
  });

  it('keeps labelled lines it does not know in "other" instead of dropping them', () => {
    const report = parseSlmgrOutput(
      `${fixtureText('slmgr-dli-retail-windows-pro.txt')}Token Activation Flag: 7\n`,
    );
    expect(report.other).toEqual({ 'Token Activation Flag': '7' });
    expect(report.partialProductKey).toBe('3V66T');
  });

  it('rejects text without a single slmgr field', () => {
    const error = failure(() => parseSlmgrOutput('hello world\nfoo: bar\n'));
    expect(error.code).toBe('INVALID_SLMGR_OUTPUT');
    expect(error.message).toBe(
      'text holds no slmgr field, expected the output of slmgr /dli or /dlv (e.g. "Name: ...")',
    );
    expect(failure(() => parseSlmgrOutput('')).code).toBe('INVALID_SLMGR_OUTPUT');
  });

  it('rejects the output of several products, naming the repeated line', () => {
    const retail = fixtureText('slmgr-dli-retail-windows-pro.txt');
    expect(failure(() => parseSlmgrOutput(`${retail}\n${retail}`)).message).toBe(
      'line 6: "Name" repeats line 1, expected the slmgr /dli or /dlv output of one product',
    );
  });

  it('rejects a count that is not a whole number, naming line, label and value', () => {
    expect(failure(() => parseSlmgrOutput('Name: x\n    Current count: two')).message).toBe(
      'line 2: "Current count" is "two", expected a whole number',
    );
    expect(failure(() => parseSlmgrOutput('Volume activation expiration: soon')).message).toBe(
      'line 1: "Volume activation expiration" is "soon", expected "<N> minute(s) (<D> day(s))"',
    );
  });

  it('refuses oversized input before parsing it', () => {
    const huge = 'Name: x\n'.repeat(MAX_SLMGR_OUTPUT_CHARS / 4);
    expect(failure(() => parseSlmgrOutput(huge)).message).toBe(
      `slmgr output has ${huge.length} characters, expected at most ${MAX_SLMGR_OUTPUT_CHARS}`,
    );
    expect(failure(() => parseSlmgrOutput(42 as unknown as string)).code).toBe('INVALID_SLMGR_OUTPUT');
  });

  it('returns a frozen report', () => {
    const report = parseSlmgrOutput(fixtureText('seed-004-kms-host-dli.txt'));
    expect(Object.isFrozen(report)).toBe(true);
    expect(Object.isFrozen(report.kmsHost)).toBe(true);
  });
});
