import { encodeKvpItem, encodeKvpRemoveItem, isKvpError, KVP_MAX_ITEMS_PER_CALL } from 'hyperv-kvp';
import { toVmId } from '../../model/index.js';
import { DriverError } from '../driver-error.js';
import type { KvpWriteItem, ReadEventsRequest } from '../hyperv-driver.js';
import type { PsRequest } from './runner.js';

/**
 * Typed builders of each operation's arguments. They validate everything a script relies on, so the
 * scripts' own checks are a second line; every value ends up inside the base64 payload, never in text.
 */

/** Which WMI API the write scripts use; see kvp-write-lib.ps1 (CIM with CIM-XML is UNCONFIRMED). */
export type KvpWriteApi = 'auto' | 'cim' | 'wmi';

export const DEFAULT_MAX_EVENTS = 1000;
export const MAX_EVENTS_PER_CALL = 10_000;
/** Most event ids in one filter (the XPath grows with each). */
export const MAX_EVENT_IDS = 64;

/**
 * The VM id in lower case. Hyper-V VM ids are GUIDs, so anything else names no VM: throws DriverError
 * 'NO_VM' (as the lab driver does for an unknown id) without asking the host.
 */
export function normalizeVmId(vmId: string): string {
  const id = typeof vmId === 'string' ? vmId.trim().toLowerCase() : '';
  if (toVmId(id) !== id) {
    throw new DriverError(
      'NO_VM',
      `no VM with id "${String(vmId).slice(0, 60)}" (Hyper-V VM ids are GUIDs, 8-4-4-4-12 hex digits)`,
    );
  }
  return id;
}

function checkCount(operation: string, count: number): void {
  if (count > KVP_MAX_ITEMS_PER_CALL) {
    throw new DriverError(
      'INVALID_ARGUMENT',
      `${operation}: ${count} items; expected at most ${KVP_MAX_ITEMS_PER_CALL} per call`,
    );
  }
}

function checkUnique(operation: string, names: readonly unknown[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string')
      throw new DriverError('INVALID_ARGUMENT', `${operation}: a key is not a string`);
    // Case-insensitive, like the registry keys the guest stores them in.
    const key = name.toLowerCase();
    if (seen.has(key))
      throw new DriverError(
        'INVALID_ARGUMENT',
        `${operation}: key "${name.slice(0, 60)}" appears twice in one call`,
      );
    seen.add(key);
  }
}

function encodeOrRefuse(operation: string, index: number, encode: () => string): string {
  try {
    return encode();
  } catch (error) {
    if (isKvpError(error)) {
      throw new DriverError('INVALID_ARGUMENT', `${operation}: item ${index}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

export interface KvpWriteSettings {
  readonly api: KvpWriteApi;
  readonly jobTimeoutSeconds: number;
}

/**
 * Arguments of add-kvp / modify-kvp: each item encoded as Msvm_KvpExchangeDataItem CIM-XML with
 * hyperv-kvp's encoder (Source 0). Throws DriverError NO_VM for an id that is not a GUID, and
 * 'INVALID_ARGUMENT' for more than 128 items, a key twice (case-insensitively, like the guest's
 * registry), or an item the encoder refuses (empty key, NUL, lone surrogate, over the wire limits).
 * An empty list is sent too: the script still answers NO_VM for an unknown VM, then writes nothing.
 */
export function kvpWriteRequest(
  operation: 'add-kvp' | 'modify-kvp',
  vmId: string,
  items: readonly KvpWriteItem[],
  settings: KvpWriteSettings,
): PsRequest {
  const id = normalizeVmId(vmId);
  if (!Array.isArray(items)) throw new DriverError('INVALID_ARGUMENT', `${operation}: items is not an array`);
  checkCount(operation, items.length);
  const names = items.map((item) => (item as { name?: unknown } | null)?.name as string);
  checkUnique(operation, names);
  const encoded = items.map((item, index) => {
    if (typeof item.data !== 'string')
      throw new DriverError('INVALID_ARGUMENT', `${operation}: item ${index}: data is not a string`);
    return encodeOrRefuse(operation, index, () =>
      encodeKvpItem({ name: item.name, data: item.data, source: 0 }),
    );
  });
  return {
    operation,
    arguments: {
      VmId: id,
      Names: names,
      Items: encoded,
      Api: settings.api,
      JobTimeoutSeconds: settings.jobTimeoutSeconds,
    },
  };
}

/** Arguments of remove-kvp (keys only, Data empty); same refusals as kvpWriteRequest. */
export function kvpRemoveRequest(
  vmId: string,
  names: readonly string[],
  settings: KvpWriteSettings,
): PsRequest {
  const id = normalizeVmId(vmId);
  if (!Array.isArray(names)) throw new DriverError('INVALID_ARGUMENT', 'remove-kvp: names is not an array');
  checkCount('remove-kvp', names.length);
  checkUnique('remove-kvp', names);
  const encoded = names.map((name, index) =>
    encodeOrRefuse('remove-kvp', index, () => encodeKvpRemoveItem(name)),
  );
  return {
    operation: 'remove-kvp',
    arguments: {
      VmId: id,
      Names: [...names],
      Items: encoded,
      Api: settings.api,
      JobTimeoutSeconds: settings.jobTimeoutSeconds,
    },
  };
}

/**
 * Arguments of read-events, and the effective maximum (the caller skips the call for no ids). Throws
 * DriverError 'INVALID_ARGUMENT' for more than 64 ids, an id outside 0..65535, a bookmark that is not a
 * whole number >= 0, or max outside 1..10000.
 */
export function readEventsRequest(request: ReadEventsRequest): { request: PsRequest; max: number } {
  const max = request.max ?? DEFAULT_MAX_EVENTS;
  const ids = Array.isArray(request.ids) ? request.ids : [];
  if (ids.length > MAX_EVENT_IDS || ids.some((id) => !Number.isInteger(id) || id < 0 || id > 65_535)) {
    throw new DriverError(
      'INVALID_ARGUMENT',
      `read-events: ids [${ids.slice(0, 8).join(', ')}]; expected up to ${MAX_EVENT_IDS} event ids 0..65535`,
    );
  }
  if (!Number.isSafeInteger(request.afterRecordId) || request.afterRecordId < 0) {
    throw new DriverError(
      'INVALID_ARGUMENT',
      `read-events: afterRecordId ${request.afterRecordId}; expected a whole number >= 0`,
    );
  }
  if (!Number.isInteger(max) || max < 1 || max > MAX_EVENTS_PER_CALL) {
    throw new DriverError(
      'INVALID_ARGUMENT',
      `read-events: max ${max}; expected 1 to ${MAX_EVENTS_PER_CALL}`,
    );
  }
  return {
    request: {
      operation: 'read-events',
      arguments: {
        EventIds: [...new Set(ids)],
        AfterRecordId: String(request.afterRecordId),
        MaxEvents: max,
      },
    },
    max,
  };
}

/** Arguments of enable/disable-data-exchange. Throws DriverError 'INVALID_ARGUMENT' for a bad VM id. */
export function dataExchangeRequest(vmId: string, enabled: boolean): PsRequest {
  return {
    operation: enabled ? 'enable-data-exchange' : 'disable-data-exchange',
    arguments: { VmId: normalizeVmId(vmId) },
  };
}
