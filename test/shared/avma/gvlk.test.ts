import { describe, expect, it } from 'vitest';
import { GVLKS, gvlkEntry, gvlkFor } from '../../../shared/avma/src/gvlk.js';
import { MS_KMS_2023, MS_KMS_2024, SEED_001_TABLE_6 } from '../../../shared/avma/src/gvlk-server.js';
import { fixtureText, markdownRows } from './fixture-text.js';

const KEY = /^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/;

function productByKey(fixture: string): Map<string, string> {
  const rows = markdownRows(fixtureText(fixture)).filter(([, key]) => key !== undefined && KEY.test(key));
  return new Map(rows.map(([product = '', key = '']) => [key, product]));
}

/** Seed table 6 puts the product on one tab-indented line and its key on the next. */
function seedTable6(): Map<string, string> {
  const lines = fixtureText('seed-001-table-6.txt')
    .split('\n')
    .map((line) => line.trim());
  const pairs = new Map<string, string>();
  lines.forEach((line, index) => {
    if (KEY.test(line)) pairs.set(line, lines[index - 1] ?? '');
  });
  return pairs;
}

const PAGE_2024 = productByKey('kms-client-activation-keys-2024.md');
const PAGE_2023_2012 = productByKey('kms-client-activation-keys-2023-server-2012.md');
const SEED = seedTable6();

describe('shared/avma/gvlk', () => {
  it('quotes every row word for word from the source it names', () => {
    const sources: Record<string, Map<string, string>> = {
      [MS_KMS_2024]: PAGE_2024,
      [MS_KMS_2023]: PAGE_2023_2012,
      [SEED_001_TABLE_6]: SEED,
    };
    for (const row of GVLKS) {
      const source = sources[row.source];
      expect(source, `${row.key} cites ${row.source}`).toBeDefined();
      expect(source?.get(row.key), row.key).toBe(row.product);
    }
  });

  it("covers every Windows Server 2008 R2..2025 and Windows 7..11 row of Microsoft's page", () => {
    const outOfScope = /^Windows (Vista|Web Server 2008$|Server 2008 (?!R2))/;
    const inScope = [...PAGE_2024].filter(([, product]) => !outOfScope.test(product));
    expect(inScope.length).toBe(65);
    for (const [key, product] of inScope) expect(gvlkEntry(key)?.product, product).toBe(product);
  });

  it('covers the 2012 rows Microsoft dropped in 2024 and every key of seed table 6', () => {
    for (const key of [...PAGE_2023_2012.keys(), ...SEED.keys()]) expect(gvlkEntry(key), key).not.toBeNull();
    expect(SEED.size).toBe(10);
  });

  it('keeps both published 2008 R2 HPC keys: the 2009 guide and the current page differ', () => {
    expect(gvlkEntry('FKJQ8-TMCVP-FRMR7-4WR42-3JCD7')).toMatchObject({ version: '2008R2', edition: 'hpc' });
    expect(gvlkEntry('TT8MH-CG224-D3D7Q-498W2-9QCTX')).toMatchObject({ version: '2008R2', edition: 'hpc' });
  });

  it('has one row per key', () => {
    expect(new Set(GVLKS.map((row) => row.key)).size).toBe(GVLKS.length);
  });

  it('labels shared client keys with both releases, Windows 11 first as the page does', () => {
    expect(gvlkEntry('W269N-WFGWX-YVC9B-4J6C9-T83GX')).toMatchObject({
      version: '11',
      versions: ['11', '10'],
      edition: 'pro',
    });
    expect(gvlkEntry('BN3D2-R7TKB-3YPBD-8DRP2-27GG4')).toMatchObject({
      version: '2012',
      versions: ['2012', '8'],
    });
    expect(gvlkEntry('FJ82H-XT6CR-J8D7P-XQJJ2-GPDD4')).toMatchObject({ version: '7', edition: 'pro' });
  });

  it('gives the semi-annual Standard key to 1809, 1903 and 1909', () => {
    expect(gvlkEntry('N2KJX-J94YW-TQVFB-DG9YT-724CC')).toMatchObject({
      version: '1809',
      versions: ['1809', '1903', '1909'],
      edition: 'standard',
      product: 'Windows Server Standard',
    });
  });

  it('finds the KMS client key to fall back to for a server version and edition', () => {
    expect(gvlkFor('2022', 'datacenter-azure')).toBe('NTBV8-9K7Q8-V27C6-M2BTV-KHMXV');
    expect(gvlkFor('2025', 'standard')).toBe('TVRH6-WHNXV-R9WG3-9XRFY-MY832');
    expect(gvlkFor('1903', 'datacenter')).toBe('6NMRW-2C8FM-D24W7-TQWMY-CWH2D');
    expect(gvlkFor('2012', 'essentials')).toBe('HTDQM-NBMMG-KGYDT-2DTKT-J2MPV');
    expect(gvlkFor('2022', 'essentials')).toBeNull();
  });

  it('does not know Vista or Windows Server 2008 keys, which are out of scope', () => {
    expect(gvlkEntry('YFKBB-PQJJV-G996G-VWGXY-2V3X8')).toBeNull();
    expect(gvlkEntry('7M67G-PC374-GR742-YH8V4-TCBY3')).toBeNull();
  });

  it('is frozen', () => {
    expect(Object.isFrozen(GVLKS)).toBe(true);
    expect(GVLKS.every((row) => Object.isFrozen(row) && Object.isFrozen(row.versions))).toBe(true);
  });
});
