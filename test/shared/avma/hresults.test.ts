import { describe, expect, it } from 'vitest';
import { AvmaError } from '../../../shared/avma/src/errors.js';
import { HRESULT_CATALOGUE } from '../../../shared/avma/src/hresult-catalogue.js';
import {
  formatHresult,
  isKnownHresult,
  lookupHresult,
  parseHresult,
} from '../../../shared/avma/src/hresults.js';
import { fixtureText } from './fixture-text.js';

interface HeaderBlock {
  readonly symbol: string;
  readonly message: string;
}

/** MessageId / MessageText / #define blocks of an SDK header excerpt, keyed by the 32-bit HRESULT. */
function headerBlocks(name: string, fromWin32: boolean): Map<number, HeaderBlock> {
  const blocks = new Map<number, HeaderBlock>();
  const pattern =
    /\/\/ MessageId: (\w+)\n\/\/\n\/\/ MessageText:\n\/\/\n\/\/ +(.+)\n\/\/\n#define (\w+) +(\S+)/g;
  for (const [, symbol = '', message = '', defined = '', value = ''] of fixtureText(name).matchAll(pattern)) {
    expect(defined).toBe(symbol);
    const code = fromWin32
      ? (0x80070000 | Number.parseInt(value, 10)) >>> 0
      : Number.parseInt(/0x([0-9A-F]{8})L/.exec(value)?.[1] ?? '', 16);
    blocks.set(code, { symbol, message });
  }
  return blocks;
}

function failure(action: () => unknown): AvmaError {
  try {
    action();
  } catch (error) {
    if (error instanceof AvmaError) return error;
    throw error;
  }
  throw new Error('expected an AvmaError');
}

describe('shared/avma/hresults', () => {
  it('quotes symbol and message of every slerror.h code verbatim from the header', () => {
    const header = headerBlocks('slerror-h-excerpt.h', false);
    const fromHeader = HRESULT_CATALOGUE.filter((entry) => entry.source === 'Windows SDK slerror.h');
    expect(fromHeader).toHaveLength(header.size);
    for (const entry of fromHeader) {
      expect(header.get(Number.parseInt(entry.code, 16)), entry.code).toEqual({
        symbol: entry.symbol,
        message: entry.message,
      });
    }
  });

  it('quotes the Win32 errors KMS surfaces as HRESULT_FROM_WIN32 from winerror.h', () => {
    const header = headerBlocks('winerror-h-excerpt.h', true);
    const fromHeader = HRESULT_CATALOGUE.filter((entry) => entry.source.startsWith('Windows SDK winerror.h'));
    expect(fromHeader).toHaveLength(header.size);
    for (const entry of fromHeader) {
      expect(header.get(Number.parseInt(entry.code, 16)), entry.code).toEqual({
        symbol: entry.symbol,
        message: entry.message,
      });
    }
  });

  it('holds every AVMA (inherited activation) code and the codes the seeds name', () => {
    for (const code of [
      '0xC004FD00',
      '0xC004FD01',
      '0xC004FD02',
      '0xC004FD03',
      '0xC004FD04',
      '0xC004F069',
      '0xC004F035',
      '0x8007267C',
    ]) {
      expect(isKnownHresult(code), code).toBe(true);
    }
  });

  it('looks 0xC004FD02 up in every spelling slmgr, event data, WMI and PowerShell use', () => {
    const expected = {
      code: '0xC004FD02',
      symbol: 'SL_E_IA_PARENT_PARTITION_NOT_ACTIVATED',
      message: "Windows isn't activated on the host machine. Please contact your system administrator.",
    };
    for (const spelling of [
      '0xC004FD02',
      'C004FD02',
      'c004fd02',
      '0Xc004Fd02',
      ' 0xC004FD02 ',
      '3221552386',
      '-1073414910',
      3221552386,
      -1073414910,
    ]) {
      expect(lookupHresult(spelling), String(spelling)).toEqual(expected);
    }
  });

  it('reads eight bare digits as hex, the way HRESULTs are written', () => {
    expect(lookupHresult('80070005')).toMatchObject({ code: '0x80070005', symbol: 'ERROR_ACCESS_DENIED' });
    expect(lookupHresult('0x8007267C')).toMatchObject({
      symbol: 'DNS_ERROR_NO_DNS_SERVERS',
      message: 'No DNS servers configured for local system.',
    });
  });

  it("gives 0xC004F035 the seed's corrected reading next to the misleading header text", () => {
    const info = lookupHresult('0xC004F035');
    expect(info.symbol).toBe('SL_E_VL_NOT_WINDOWS_SLP');
    expect(info.detail).toMatch(/^Error: Invalid Volume License Key\. .*Windows marker in its BIOS/);
  });

  it('rejects a well-formed code the catalogue does not hold as unknown', () => {
    const error = failure(() => lookupHresult('0x12345678'));
    expect(error.code).toBe('UNKNOWN_HRESULT');
    expect(error.message).toBe(
      `HRESULT 0x12345678 is not in the activation error catalogue (${HRESULT_CATALOGUE.length} codes from slerror.h and winerror.h)`,
    );
  });

  it('rejects malformed input naming it and the accepted forms', () => {
    for (const input of [
      'xyz',
      '',
      '0x',
      '0xC004FD0212',
      'C004FD0',
      '12.5',
      1.5,
      2 ** 32,
      -(2 ** 31) - 1,
      '99999999999',
    ]) {
      const error = failure(() => lookupHresult(input));
      expect(error.code, String(input)).toBe('INVALID_HRESULT');
      expect(error.message).toMatch(
        /^HRESULT .+ is not a 32-bit code, expected 0xC004FD02, C004FD02, 3221552386 or -1073414910$/,
      );
    }
    expect(failure(() => lookupHresult('z'.repeat(1000))).message).toContain(
      '"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz…"',
    );
  });

  it('formats signed and unsigned values the same way and parses its own output', () => {
    expect(formatHresult(-1073414910)).toBe('0xC004FD02');
    expect(formatHresult(5)).toBe('0x00000005');
    for (const entry of HRESULT_CATALOGUE) expect(formatHresult(parseHresult(entry.code))).toBe(entry.code);
  });

  it('has one entry per code, each frozen', () => {
    expect(new Set(HRESULT_CATALOGUE.map((entry) => entry.code)).size).toBe(HRESULT_CATALOGUE.length);
    expect(
      HRESULT_CATALOGUE.every((entry) => Object.isFrozen(entry) && /^0x[0-9A-F]{8}$/.test(entry.code)),
    ).toBe(true);
  });
});
