/** Microsoft's AVMA key tables, read from the fixture independently of the code under test. */
import type { Edition, ServerVersion } from 'hyperv-kvp';
import { fixtureText, markdownRows } from './fixture-text.js';

export interface PageKey {
  readonly versions: readonly ServerVersion[];
  readonly edition: Edition;
  readonly key: string;
}

/** The "The following AVMA keys can be used for ..." tables of Microsoft's page, read independently. */
export function keysOnMicrosoftPage(): PageKey[] {
  const page = fixtureText('automatic-vm-activation.md');
  const sections = page.split('The following AVMA keys can be used for ').slice(1);
  const editions: Record<string, Edition> = {
    Datacenter: 'datacenter',
    'Datacenter / Azure Edition': 'datacenter-azure',
    Standard: 'standard',
    Essentials: 'essentials',
  };
  return sections.flatMap((section) => {
    const heading = section.slice(0, section.indexOf(':'));
    const versions = [...heading.matchAll(/\d{4}( R2)?/g)].map((m) => m[0].replace(' ', '') as ServerVersion);
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('|')));
    return markdownRows(table)
      .slice(1)
      .map(([edition = '', key = '']) => ({ versions, edition: editions[edition] as Edition, key }));
  });
}

/** The 2025 keys, from the DeployR script excerpt (UNCONFIRMED by a primary source). */
export function keys2025FromDeployR(): PageKey[] {
  const script = fixtureText('deployr-avma-key-mapping-excerpt.ps1');
  const editions: Record<string, Edition> = {
    Datacenter: 'datacenter',
    Standard: 'standard',
    Azure: 'datacenter-azure',
  };
  return [...script.matchAll(/"2025\.\*(\w+)"\s*=\s*"([0-9A-Z-]{29})"/g)].map((m) => ({
    versions: ['2025'],
    edition: editions[m[1] ?? ''] as Edition,
    key: m[2] ?? '',
  }));
}
