import { HOST_VERSIONS, type HostVersion, SERVER_VERSIONS } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import {
  AVMA_MATRIX,
  guestVersionsForHost,
  hostActivatesGuest,
  isAvmaGuestVersion,
} from '../../../shared/avma/src/matrix.js';
import { fixtureText, markdownRows } from './fixture-text.js';
import { BUILD_ORDER, COLUMNS, expectedGuests, KEY_FAMILY } from './hand-written-matrix.js';

describe('shared/avma/matrix', () => {
  it('activates exactly the hand-written build-order matrix for every host and guest version', () => {
    expect(COLUMNS.split(' ')).toEqual([...SERVER_VERSIONS]);
    for (const host of HOST_VERSIONS) {
      const expected = expectedGuests(BUILD_ORDER[host]);
      expect(guestVersionsForHost(host), host).toEqual(expected);
      for (const guest of SERVER_VERSIONS)
        expect(hostActivatesGuest(host, guest), `${host}->${guest}`).toBe(expected.includes(guest));
    }
  });

  it("agrees with every X and blank of Microsoft's published matrix", () => {
    const rows = markdownRows(fixtureText('automatic-vm-activation.md')).filter((row) =>
      (row[0] ?? '').startsWith('Windows Server 20'),
    );
    const header = ['2022', '2019', '2016', '2012R2'] as const;
    expect(rows).toHaveLength(4);
    for (const [hostCell = '', ...marks] of rows) {
      const host = hostCell.replace('Windows Server ', '').replace(' R2', 'R2') as HostVersion;
      header.forEach((guest, index) => {
        expect(hostActivatesGuest(host, guest), `${host}->${guest}`).toBe(marks[index] === 'X');
      });
    }
  });

  it('does not let a 2019 host activate 1903 or 1909 guests, whose builds are newer', () => {
    expect(hostActivatesGuest('2019', '1809')).toBe(true);
    expect(hostActivatesGuest('2019', '1903')).toBe(false);
    expect(hostActivatesGuest('2019', '1909')).toBe(false);
  });

  it('places semi-annual guests by their AVMA key family when asked to', () => {
    for (const host of HOST_VERSIONS) {
      expect(guestVersionsForHost(host, { semiAnnual: 'key-family' }), host).toEqual(
        expectedGuests(KEY_FAMILY[host]),
      );
    }
  });

  it('never activates 2012 or 2008 R2 guests, even on the newest host', () => {
    expect(isAvmaGuestVersion('2012')).toBe(false);
    expect(isAvmaGuestVersion('2008R2')).toBe(false);
    expect(hostActivatesGuest('2025', '2012', { semiAnnual: 'key-family' })).toBe(false);
  });

  it('publishes the default matrix as frozen data', () => {
    expect(AVMA_MATRIX['2016']).toEqual(['2012R2', '2016']);
    expect(Object.isFrozen(AVMA_MATRIX)).toBe(true);
    expect(Object.isFrozen(AVMA_MATRIX['2022'])).toBe(true);
  });
});
