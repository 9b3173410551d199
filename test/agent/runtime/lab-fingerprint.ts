/** What a lab run recorded that must not depend on how many agents recorded it, nor in which order. */
import type { Store } from '../../../agent/store/index.js';
import { buildUsageMonth } from '../../../agent/usage/index.js';

export async function labRunFingerprint(store: Store) {
  const events = (await store.listEvents()).filter((event) => event.source !== 'agent');
  return {
    month: await buildUsageMonth(store, '2026-11'),
    events: events
      .map((e) => JSON.stringify([e.source, e.host, e.recordId, e.eventId, e.time, e.vmId, e.notification]))
      .sort(),
    vms: (await store.listVmStatus({ includeDeleted: true })).map((vm) => [
      vm.name,
      vm.host,
      vm.deletedAt,
      vm.keyPushed,
    ]),
    // listVmStatus orders by name: stable whichever agent recorded first.
  };
}
