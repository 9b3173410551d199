import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../../agent/store/index.js';
import type { HostFacts } from '../../../../agent/store/types.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { HOST_FACTS, hoursAfter } from '../store-test-kit.js';

const START = new Date('2026-11-01T00:00:00Z');

describe.each(STORE_BACKENDS)('agent/store/repos/hosts-repo ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await place.open();
    await store.transaction((tx) => tx.upsertHost('HV01', START));
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  const record = (at: Date, facts: HostFacts) =>
    store.transaction((tx) => tx.recordHostFacts('HV01', at, facts));

  it('adds a facts row only when a fact changes', async () => {
    expect(await record(START, HOST_FACTS)).toBe(true);
    expect(await record(hoursAfter(START, 1), { ...HOST_FACTS, coresPerSocket: [16, 16] })).toBe(false);
    // The host loses its activation, then gets a CPU upgrade.
    expect(await record(hoursAfter(START, 2), { ...HOST_FACTS, activated: false })).toBe(true);
    expect(
      await record(hoursAfter(START, 3), { ...HOST_FACTS, activated: false, coresPerSocket: [24, 24] }),
    ).toBe(true);
    const inputs = await store.readUsageInputs(START, hoursAfter(START, 24));
    expect(inputs.hosts[0]?.facts.map((f) => [f.activated, f.coresPerSocket, f.toMs === null])).toEqual([
      [true, [16, 16], false],
      [false, [16, 16], false],
      [false, [24, 24], true],
    ]);
  });

  it('matches host names without regard to case, as Windows does', async () => {
    await store.transaction((tx) => tx.upsertHost('hv01', hoursAfter(START, 1)));
    expect(await store.transaction((tx) => tx.recordHostFacts('Hv01', START, HOST_FACTS))).toBe(true);
    expect((await store.tableSizes()).rows.hosts).toBe(1);
  });

  it('accepts a host outside the version vocabulary as null facts', async () => {
    expect(await record(START, { ...HOST_FACTS, version: null, edition: null, build: 9600 })).toBe(true);
  });

  it.each([
    ['a core list that does not match the sockets', { coresPerSocket: [16] }, 'one entry per socket (2)'],
    ['zero sockets', { sockets: 0, coresPerSocket: [] }, 'facts.sockets is 0, expected an integer 1..64'],
    ['an unknown host edition', { edition: 'enterprise' }, 'facts.edition is "enterprise"'],
    ['fractional cores', { coresPerSocket: [16, 15.5] }, 'facts.coresPerSocket[1] is 15.5'],
  ])('rejects %s', async (_what, override, message) => {
    await expect(record(START, { ...HOST_FACTS, ...override } as HostFacts)).rejects.toThrow(message);
  });
});
