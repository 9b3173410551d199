import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequestText } from '../../../../agent/driver/powershell/request-text.js';
import { kvpRemoveRequest, kvpWriteRequest } from '../../../../agent/driver/powershell/requests.js';
import { loadScriptCatalog } from '../../../../agent/driver/powershell/script-catalog.js';
import { namedShape, syntaxProblems } from './ps-parser.js';
import { payloadOf } from './replaying-runner.js';

/**
 * The tenant controls KVP data and, in some setups, VM names. Whatever they contain, the text sent to
 * PowerShell must hold none of it raw (only base64), must still parse, and must parse to the same
 * statements as with harmless data: an injection would change the parse tree.
 */
const catalog = loadScriptCatalog();
const marker = `avma:${'ab'.repeat(16)}:`;
const VM = 'a1576c71-f505-4d1b-9b78-2cfd971b0f31';
const SETTINGS = { api: 'auto', jobTimeoutSeconds: 60 } as const;

/** Characters PowerShell gives a meaning to, including the Unicode quotes its tokenizer treats as quotes. */
const DANGEROUS = [
  "'",
  '"',
  '`',
  '$',
  ';',
  '(',
  ')',
  '{',
  '}',
  '|',
  '&',
  '#',
  '@',
  '<',
  '>',
  '\n',
  '\r',
  '\u0000',
  '\u2018',
  '\u2019',
  '\u201a',
  '\u201b',
  '\u201c',
  '\u201d',
  '\u201e',
  '\u2013',
  '\u2014',
  '\u2015',
] as const;
const PAYLOADS = [
  '$(Get-Date)',
  '"; Remove-Item C:\\ -Recurse; "',
  "'; exit; '",
  '`$env:PATH',
  '} & { calc }',
  '#>',
  '<#',
];

const hostileText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...DANGEROUS, 'a', 'Z', '0', ' '), maxLength: 60 }),
  fc.constantFrom(...PAYLOADS),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('\u2019', '$', '(', ')', 'x'), minLength: 900, maxLength: 1000 }),
);

/** Only the encoder's refusals (NUL, lone surrogates, over-long) are expected; they throw before any text exists. */
function tryRequest(build: () => ReturnType<typeof kvpWriteRequest>) {
  try {
    return build();
  } catch (error) {
    expect((error as { code?: string }).code).toBe('INVALID_ARGUMENT');
    return null;
  }
}

const harmless = buildRequestText(
  catalog,
  'add-kvp',
  {
    ComputerName: null,
    Arguments: kvpWriteRequest('add-kvp', VM, [{ name: 'k', data: 'v' }], SETTINGS).arguments,
  },
  marker,
);
const harmlessShape = namedShape(harmless);
const template = harmless.replace(/FromBase64String\('[A-Za-z0-9+/=]*'\)/, "FromBase64String('')");

describe('agent/driver/powershell/request-text (injection safety)', () => {
  it('sends hostile names and values only as base64, and the text still parses to the same statements', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hostileText, hostileText), { minLength: 1, maxLength: 4 }), (pairs) => {
        const items = pairs.map(([name, data], index) => ({ name: `${index}${name}`, data }));
        const request = tryRequest(() => kvpWriteRequest('add-kvp', VM, items, SETTINGS));
        if (request === null) return;
        const text = buildRequestText(
          catalog,
          'add-kvp',
          { ComputerName: null, Arguments: request.arguments },
          marker,
        );
        // Apart from the base64 blob, the text is byte for byte the fixed script.
        expect(text.replace(/FromBase64String\('[A-Za-z0-9+/=]*'\)/, "FromBase64String('')")).toBe(template);
        for (const item of items) {
          for (const value of [item.name, item.data]) {
            if (value.length >= 4 && /[^A-Za-z0-9 ]/.test(value)) expect(text.includes(value)).toBe(false);
          }
        }
        expect(text.includes('\u0000')).toBe(false);
        expect(text).not.toMatch(/[\r\n\u2018-\u201e]/);
        expect(payloadOf(text)).toEqual({ ComputerName: null, Arguments: request.arguments });
        expect(syntaxProblems(text)).toEqual([]);
        expect(namedShape(text)).toBe(harmlessShape);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps a remove of a hostile key and a very long value just as inert', () => {
    const names = [...PAYLOADS, '\u2019; Stop-Computer; \u2018'];
    const request = kvpRemoveRequest(VM, names, SETTINGS);
    const text = buildRequestText(
      catalog,
      'remove-kvp',
      { ComputerName: null, Arguments: request.arguments },
      marker,
    );
    for (const name of names) expect(text.includes(name)).toBe(false);
    expect(syntaxProblems(text)).toEqual([]);
    const long = kvpWriteRequest('add-kvp', VM, [{ name: 'k', data: '$(x)'.repeat(255) }], SETTINGS);
    const longText = buildRequestText(
      catalog,
      'add-kvp',
      { ComputerName: null, Arguments: long.arguments },
      marker,
    );
    expect(longText.includes('$(x)$(x)')).toBe(false);
    expect(namedShape(longText)).toBe(harmlessShape);
  });

  it('refuses NUL and values over the wire limits before building any text', () => {
    expect(() => kvpWriteRequest('add-kvp', VM, [{ name: 'k', data: 'a\u0000b' }], SETTINGS)).toThrow(
      /U\+0000/,
    );
    expect(() => kvpWriteRequest('add-kvp', VM, [{ name: 'k', data: 'x'.repeat(1024) }], SETTINGS)).toThrow(
      /INVALID|1023|limit|long/i,
    );
  });

  it('refuses a marker that is not the generated shape, since it sits inside a quoted literal', () => {
    expect(() =>
      buildRequestText(catalog, 'host-info', { ComputerName: null, Arguments: {} }, "avma:'; calc; '"),
    ).toThrow(/is not "avma:" \+ 32 hex digits/);
  });
});
