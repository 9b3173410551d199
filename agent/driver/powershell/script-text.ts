import { DriverError } from '../driver-error.js';
import { resolveDriverOptions } from './driver-options.js';
import { DEFAULT_EVENT_SOURCE, eventLogRequest } from './event-log-writer.js';
import type { PsOperation } from './operations.js';
import { buildRequestText, newMarker, type PsRequestPayload } from './request-text.js';
import { dataExchangeRequest, kvpRemoveRequest, kvpWriteRequest, readEventsRequest } from './requests.js';
import type { PsRequest } from './runner.js';
import { loadScriptCatalog, type ScriptCatalog } from './script-catalog.js';

/** What an operator gives `avma powershell script` to see one operation's exact text. */
export interface ScriptTextInput {
  readonly vmId?: string;
  readonly name?: string;
  readonly data?: string;
  readonly afterRecordId?: number;
  readonly eventIds?: readonly number[];
  /** Remote host; the text is the same, only the base64 request differs. */
  readonly computerName?: string;
}

/** Event ids `avma powershell script read-events` shows when none are given: the host's AVMA event. */
export const DEFAULT_SCRIPT_EVENT_IDS: readonly number[] = Object.freeze([12310]);

function required(value: string | undefined, what: string, operation: PsOperation): string {
  if (value === undefined) throw new DriverError('INVALID_ARGUMENT', `${operation} needs ${what}`);
  return value;
}

/**
 * The request the driver would send for `operation` with these inputs (default write settings). Throws
 * DriverError 'INVALID_ARGUMENT' for a missing input and the driver's own refusals otherwise (NO_VM for
 * an id that is not a GUID, items over the limits, …).
 */
export function scriptRequest(operation: PsOperation, input: ScriptTextInput): PsRequest {
  const settings = { api: 'auto', jobTimeoutSeconds: resolveDriverOptions({}).jobTimeoutSeconds } as const;
  const vmId = () => required(input.vmId, 'a VM id (--vm-id)', operation);
  const name = () => required(input.name, 'a key (--name)', operation);
  switch (operation) {
    case 'host-info':
    case 'list-vms':
      return { operation, arguments: {} };
    case 'add-kvp':
    case 'modify-kvp':
      return kvpWriteRequest(
        operation,
        vmId(),
        [{ name: name(), data: required(input.data, 'a value (--data)', operation) }],
        settings,
      );
    case 'remove-kvp':
      return kvpRemoveRequest(vmId(), [name()], settings);
    case 'read-events':
      return readEventsRequest({
        ids: input.eventIds ?? DEFAULT_SCRIPT_EVENT_IDS,
        afterRecordId: input.afterRecordId ?? 0,
      }).request;
    case 'enable-data-exchange':
    case 'disable-data-exchange':
      return dataExchangeRequest(vmId(), operation === 'enable-data-exchange');
    case 'service-probe':
      return {
        operation,
        arguments: {
          Name: input.name ?? DEFAULT_EVENT_SOURCE,
          Source: DEFAULT_EVENT_SOURCE,
          DataFolder: '',
          Files: [],
        },
      };
    case 'service-step':
      // One step as `avma service install --dry-run` lists them; stopping the service shows the shape.
      return { operation, arguments: { Action: 'stop-service', Name: input.name ?? DEFAULT_EVENT_SOURCE } };
    case 'write-event-log':
      return eventLogRequest(
        { level: 'warning', message: required(input.data, 'a message (--data)', operation) },
        input.name ?? DEFAULT_EVENT_SOURCE,
      );
  }
}

/**
 * The exact one-line text the driver would send for `operation` (with a fresh call marker, as every
 * call has its own), and the request it carries in base64. Same refusals as scriptRequest, plus
 * INVALID_ARGUMENT for a computer name that is not a host name.
 */
export function renderOperationText(
  operation: PsOperation,
  input: ScriptTextInput,
  catalog: ScriptCatalog = loadScriptCatalog(),
): { readonly text: string; readonly payload: PsRequestPayload } {
  const computerName = resolveDriverOptions(
    input.computerName === undefined ? {} : { computerName: input.computerName },
  ).computerName;
  const payload = { ComputerName: computerName, Arguments: scriptRequest(operation, input).arguments };
  return { text: buildRequestText(catalog, operation, payload, newMarker()), payload };
}
