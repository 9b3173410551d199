/**
 * The operations the PowerShell driver can send, each a `.ps1` file under `scripts/` (plus the shared
 * library files it needs, placed before it). Reads are safe to retry on a fresh shell; writes are not
 * (see `runner.ts`).
 */

export const PS_OPERATIONS = [
  'host-info',
  'list-vms',
  'add-kvp',
  'modify-kvp',
  'remove-kvp',
  'read-events',
  'enable-data-exchange',
  'disable-data-exchange',
  'write-event-log',
  'service-probe',
  'service-step',
] as const;
export type PsOperation = (typeof PS_OPERATIONS)[number];

export type PsOperationKind = 'read' | 'write';

export interface PsOperationSpec {
  readonly kind: PsOperationKind;
  /** Script files joined in this order: libraries first, the operation last. */
  readonly files: readonly string[];
}

const KVP_LIB = 'kvp-lib.ps1';
const KVP_WRITE_LIB = 'kvp-write-lib.ps1';
const DATA_EXCHANGE_LIB = 'data-exchange-lib.ps1';

export const PS_OPERATION_SPECS: Readonly<Record<PsOperation, PsOperationSpec>> = Object.freeze({
  'host-info': { kind: 'read', files: ['host-info.ps1'] },
  'list-vms': { kind: 'read', files: [KVP_LIB, 'list-vms.ps1'] },
  'add-kvp': { kind: 'write', files: [KVP_LIB, KVP_WRITE_LIB, 'add-kvp.ps1'] },
  'modify-kvp': { kind: 'write', files: [KVP_LIB, KVP_WRITE_LIB, 'modify-kvp.ps1'] },
  'remove-kvp': { kind: 'write', files: [KVP_LIB, KVP_WRITE_LIB, 'remove-kvp.ps1'] },
  'read-events': { kind: 'read', files: ['read-events.ps1'] },
  'enable-data-exchange': { kind: 'write', files: [KVP_LIB, DATA_EXCHANGE_LIB, 'enable-data-exchange.ps1'] },
  'disable-data-exchange': {
    kind: 'write',
    files: [KVP_LIB, DATA_EXCHANGE_LIB, 'disable-data-exchange.ps1'],
  },
  // The agent's own warnings and errors into the local Application log (agent/logging).
  'write-event-log': { kind: 'write', files: ['write-event-log.ps1'] },
  // The host agent's own service (agent/service): what is installed, then one install step per call.
  'service-probe': { kind: 'read', files: ['service-probe.ps1'] },
  'service-step': { kind: 'write', files: ['service-step.ps1'] },
});

/** The envelope every operation is wrapped in (marker, base64 request, error capture). */
export const ENVELOPE_FILE = 'envelope.ps1';

export function isPsOperation(value: string): value is PsOperation {
  return (PS_OPERATIONS as readonly string[]).includes(value);
}
