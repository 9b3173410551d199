import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import {
  decodeKvpInstanceList,
  decodeKvpItem,
  KVP_MAX_ITEM_XML_CHARS,
  KVP_WIRE_MAX_KEY_UNITS,
  KvpError,
  type KvpItem,
  wireMaxValueUnits,
} from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { fixtureText, fixtureXmlArray, rawInstance } from './fixture-files.js';

/** Real items to mutate: the three public samples and the composed Windows and Linux sets. */
const SEEDS = [
  fixtureText('kvp-item-fqdn-msdocs.xml'),
  fixtureText('kvp-item-osversion-hostsflow.xml'),
  fixtureText('kvp-item-rdpaddressipv4-stangroome.xml'),
  ...fixtureXmlArray('windows-server-2019-datacenter-intrinsic.json'),
  ...fixtureXmlArray('linux-ubuntu-2204-intrinsic.json'),
];

/** Markup an attacker would try, and characters that stress the text rules. */
const FRAGMENTS = [
  '<!DOCTYPE INSTANCE [<!ENTITY x "y">]>',
  '<!ENTITY a "b">',
  '<![CDATA[<VALUE>]]>',
  '<!-- c -->',
  '<?pi x?>',
  '<?xml version="1.0"?>',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&nbsp;',
  '&',
  '<',
  '>',
  '"',
  ']]>',
  '<VALUE>',
  '</VALUE>',
  '<PROPERTY NAME="Name"><VALUE>x</VALUE></PROPERTY>',
  '</PROPERTY>',
  '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">',
  '</INSTANCE>',
  '\u0000',
  '\uD800',
  '\uFFFE',
  '\r',
  '<VALUE>'.repeat(50),
];

type Mutation = (text: string) => string;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })).map(
    ([at, char]): Mutation =>
      (text) => {
        const i = at % Math.max(1, text.length);
        return text.slice(0, i) + char + text.slice(i + 1);
      },
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...FRAGMENTS)).map(
    ([at, fragment]): Mutation =>
      (text) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + fragment + text.slice(i);
      },
  ),
  fc.tuple(fc.nat(), fc.nat({ max: 20 })).map(
    ([at, length]): Mutation =>
      (text) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + text.slice(i + length);
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (text) =>
        text.slice(0, at % (text.length + 1)),
  ),
);

/** What any successful decode must give: a key and value within the wire limits, Source 0..4. */
function isValidItem(item: KvpItem): boolean {
  return (
    item.name.length > 0 &&
    item.name.length <= KVP_WIRE_MAX_KEY_UNITS &&
    item.data.length <= wireMaxValueUnits(item.source) &&
    !item.name.includes('\u0000') &&
    !item.data.includes('\u0000') &&
    [0, 1, 2, 3, 4].includes(item.source)
  );
}

/** Runs a decode; what it returns must be valid items, and anything thrown must be a KvpError. */
function decodeOrRefuse(decode: () => KvpItem[]): void {
  let items: KvpItem[];
  try {
    items = decode();
  } catch (error) {
    if (error instanceof KvpError) return;
    throw error;
  }
  const invalid = items.filter((item) => !isValidItem(item));
  if (invalid.length > 0) expect(invalid).toEqual([]);
}

/** The fastest of `runs` timings of `action`, in milliseconds. */
function fastestMs(action: () => void, runs = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    action();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const ONE_MB = 1 << 20;
const instanceStart = '<INSTANCE CLASSNAME="Msvm_KvpExchangeDataItem">';
/** Hostile inputs of about `size` characters. */
const HOSTILE: Readonly<Record<string, (size: number) => string>> = {
  'one long text': (size) => `${instanceStart}<PROPERTY NAME="Data"><VALUE>${'a'.repeat(size)}`,
  'entities only': (size) => `${instanceStart}<PROPERTY NAME="Data"><VALUE>${'&amp;'.repeat(size / 5)}`,
  'nested VALUEs': (size) => `${instanceStart}<PROPERTY NAME="Data"><VALUE>${'<VALUE>'.repeat(size / 7)}`,
  "'<' only": (size) => '<'.repeat(size),
  'a huge character reference': (size) =>
    `${instanceStart}<PROPERTY NAME="Data"><VALUE>&#${'9'.repeat(size)};`,
  'attribute spam': (size) =>
    `<INSTANCE ${Array.from({ length: size / 8 }, (_, n) => `a${n}="x"`).join(' ')}>`,
  'empty properties': (size) => instanceStart + '<PROPERTY NAME="X"></PROPERTY>'.repeat(size / 30),
  'whitespace then an instance': (size) => `${' '.repeat(size)}${rawInstance('k', 'v')}`,
  'valid items back to back': (size) => rawInstance('FullyQualifiedDomainName', 'host').repeat(size / 220),
};

describe('shared/hyperv-kvp/cim-xml-decode (fuzz)', () => {
  it('returns a valid item or throws KvpError for mutated real items, never anything else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEEDS),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (seed, mutations) => {
          const text = mutations.reduce((current, mutate) => mutate(current), seed);
          decodeOrRefuse(() => [decodeKvpItem(text)]);
          decodeOrRefuse(() => decodeKvpInstanceList(text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('returns a valid item or throws KvpError for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        decodeOrRefuse(() => [decodeKvpItem(text)]);
        decodeOrRefuse(() => decodeKvpInstanceList(`${instanceStart}${text}`));
      }),
      { numRuns: 1000 },
    );
  });

  it.each(Object.keys(HOSTILE))('decodes or refuses 1 MB of %s in under 200 ms', (name) => {
    const text = (HOSTILE[name] as (size: number) => string)(ONE_MB);
    expect(text.length).toBeGreaterThan(ONE_MB * 0.9);
    expect(fastestMs(() => decodeOrRefuse(() => decodeKvpInstanceList(text)))).toBeLessThan(200);
    expect(fastestMs(() => decodeOrRefuse(() => [decodeKvpItem(text)]))).toBeLessThan(200);
  });

  it('refuses a 1 MB single item as TOO_LARGE at the 64 KiB cap', () => {
    const text = (HOSTILE['one long text'] as (size: number) => string)(ONE_MB);
    for (const decode of [() => decodeKvpItem(text), () => decodeKvpInstanceList(text)]) {
      try {
        decode();
        expect.unreachable('a 1 MB item must be refused');
      } catch (error) {
        expect(error).toBeInstanceOf(KvpError);
        expect((error as KvpError).code).toBe('TOO_LARGE');
        expect((error as KvpError).offset).toBe(KVP_MAX_ITEM_XML_CHARS);
      }
    }
  });

  it.each(['valid items back to back', 'empty properties', 'whitespace then an instance', "'<' only"])(
    'takes about 4x as long, not 16x, for 4x as much %s (linear time)',
    (name) => {
      const build = HOSTILE[name] as (size: number) => string;
      const small = build(ONE_MB / 4);
      const large = build(ONE_MB);
      const ratio =
        fastestMs(() => decodeOrRefuse(() => decodeKvpInstanceList(large)), 7) /
        Math.max(
          0.05,
          fastestMs(() => decodeOrRefuse(() => decodeKvpInstanceList(small)), 7),
        );
      // Linear work gives about 4; quadratic would give 16. The bound is loose for noisy machines.
      expect(ratio).toBeLessThan(10);
    },
  );
});
