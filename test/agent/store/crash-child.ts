/**
 * Child process for the crash-safety test: writes sweeps into a store forever, printing `begin N` and
 * `commit N` around each transaction, until the parent kills it with SIGKILL. Each sweep changes every
 * VM's observation and adds 5 host events with the bookmark, so a partially written sweep is visible.
 * Usage: node --import tsx crash-child.ts DB_PATH
 */
import { openStore } from '../../../agent/store/index.js';
import { HOST_FACTS, observed, vmGuid } from './store-test-kit.js';

export const CRASH_VMS = 1000;
export const EVENTS_PER_SWEEP = 5;
export const CRASH_START_MS = Date.parse('2026-11-01T00:00:00Z');

async function main(path: string): Promise<void> {
  const store = await openStore(path, { staleAfterMs: 86_400_000 });
  const start = new Date(CRASH_START_MS);
  await store.transaction(async (tx) => {
    await tx.upsertHost('HV01', start);
    await tx.recordHostFacts('HV01', start, HOST_FACTS);
  });
  const { recordId } = await store.transaction((tx) => tx.getBookmark('HV01', 'Application'));
  const { host: _host, ...guest } = observed();
  for (let sweep = recordId / EVENTS_PER_SWEEP + 1; ; sweep++) {
    const at = new Date(CRASH_START_MS + sweep * 60_000);
    process.stdout.write(`begin ${sweep}\n`);
    await store.transaction(async (tx) => {
      const licenseStatus = sweep % 2 === 0 ? 'licensed' : 'oob-grace';
      const vms = Array.from({ length: CRASH_VMS }, (_, n) => ({
        vm: { id: vmGuid(n), tenant: 'contoso' },
        name: `vm-${n}`,
        observation: { ...guest, licenseStatus } as const,
      }));
      await tx.recordSweep('HV01', at, vms);
      const events = Array.from({ length: EVENTS_PER_SWEEP }, (_, i) => ({
        recordId: (sweep - 1) * EVENTS_PER_SWEEP + i + 1,
        eventId: 12310,
        time: at,
      }));
      await tx.recordHostEvents('HV01', 'Application', events, at);
    });
    process.stdout.write(`commit ${sweep}\n`);
  }
}

const path = process.argv[2];
if (path !== undefined) {
  main(path).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
