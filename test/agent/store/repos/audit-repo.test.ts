import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditInput, Store } from '../../../../agent/store/index.js';
import { type BackendPlace, STORE_BACKENDS } from '../store-backends.js';
import { storeWithHosts, vmGuid } from '../store-test-kit.js';

const AT = new Date('2026-11-03T08:00:00Z');
const VM = vmGuid(11);

describe.each(STORE_BACKENDS)('agent/store/repos/audit-repo ($name)', (backend) => {
  let place: BackendPlace;
  let store: Store;
  beforeEach(async () => {
    place = await backend.place();
    store = await storeWithHosts(place);
    await store.transaction(async (tx) => {
      await tx.upsertVm({ id: VM, tenant: 'fabrikam' }, AT);
      await tx.recordVmName(VM, AT, 'sql01');
    });
  });
  afterEach(async () => {
    await store.close();
    await place.remove();
  });

  it('records who pushed which key to which VM, and lists it beside the Windows events', async () => {
    const push: AuditInput = {
      at: AT,
      actor: 'agent',
      action: 'push-key',
      vm: VM,
      host: 'HV01',
      reason: 'eligible and licence status oob-grace',
      details: { version: '2019', edition: 'standard', seq: 1 },
    };
    const id = await store.transaction((tx) => tx.audit(push));
    await store.transaction((tx) =>
      tx.insertEvents([
        { source: 'guest', origin: VM, recordId: 9, eventId: 12309, time: new Date(AT.getTime() + 1) },
      ]),
    );
    const events = await store.listEvents({ vm: 'sql01' });
    expect(events.map((e) => [e.source, e.eventId, e.recordId])).toEqual([['agent', null, id]]);
    expect(events[0]).toMatchObject({
      host: 'HV01',
      message: 'push-key by agent: eligible and licence status oob-grace',
    });
    expect((await store.listEvents()).map((e) => e.source)).toEqual(['agent', 'guest']);
  });

  it.each([
    ['an action outside the audit vocabulary', { action: 'format-disk' }, 'audit.action is "format-disk"'],
    ['an empty actor', { actor: '' }, 'audit.actor is ""'],
    ['details that are not an object', { details: ['a'] }, 'details is a array, expected a plain object'],
    ['20 KB of details', { details: { blob: 'x'.repeat(20_000) } }, 'expected at most 16384'],
    ['a VM it never saw', { vm: vmGuid(99) }, `VM ${vmGuid(99)} is not in the store`],
  ])('rejects %s', async (_what, override, message) => {
    const audit = {
      at: AT,
      actor: 'agent',
      action: 'send-wipe',
      reason: 'key replaced',
      ...override,
    } as AuditInput;
    await expect(store.transaction((tx) => tx.audit(audit))).rejects.toThrow(message);
    expect((await store.tableSizes()).rows.actions).toBe(0);
  });

  it('records many audits at once as the same rows and ids, in order, as one call each', async () => {
    const audits: AuditInput[] = [1, 2, 3].map((seq) => ({
      at: new Date(AT.getTime() + seq),
      actor: 'agent',
      action: 'push-key',
      vm: VM,
      host: seq === 2 ? null : 'HV01',
      reason: seq === 3 ? 'lone \uDC00 half' : `push ${seq}`,
      details: { seq },
    }));
    const other = await backend.place();
    const oneByOne = await storeWithHosts(other);
    try {
      await oneByOne.transaction(async (tx) => {
        await tx.upsertVm({ id: VM, tenant: 'fabrikam' }, AT);
        await tx.recordVmName(VM, AT, 'sql01');
      });
      const single: number[] = [];
      await oneByOne.transaction(async (tx) => {
        for (const audit of audits) single.push(await tx.audit(audit));
      });
      expect(await store.transaction((tx) => tx.auditAll(audits))).toEqual(single);
      expect(await store.listAudit()).toEqual(await oneByOne.listAudit());
      expect(await store.listEvents()).toEqual(await oneByOne.listEvents());
      expect((await store.listEvents()).map((e) => e.message)).toContain(
        'push-key by agent: lone \uFFFD half',
      );
    } finally {
      await oneByOne.close();
      await other.remove();
    }
  });

  it('writes nothing of a batch of audits when one of them is bad', async () => {
    const good: AuditInput = { at: AT, actor: 'agent', action: 'push-key', vm: VM, reason: 'eligible' };
    const bad = { ...good, vm: vmGuid(99) };
    await expect(store.transaction((tx) => tx.auditAll([good, bad]))).rejects.toThrow(
      `VM ${vmGuid(99)} is not in the store`,
    );
    expect((await store.tableSizes()).rows.actions).toBe(0);
  });
});
