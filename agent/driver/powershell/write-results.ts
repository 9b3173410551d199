import { DriverError, type DriverErrorCode } from '../driver-error.js';
import type { PsOperation } from './operations.js';
import { quoteHostText } from './response.js';
import { DataExchangeResult, WriteResult } from './schemas.js';
import { parseStrict } from './validate.js';

/**
 * Return values of AddKvpItems / ModifyKvpItems / RemoveKvpItems (Hyper-V WMI docs) and the driver
 * error each becomes. 0 and 4096 (job started) are not failures.
 */
export const KVP_METHOD_RETURN_VALUES: ReadonlyMap<
  number,
  { readonly text: string; readonly code: DriverErrorCode }
> = new Map([
  [32768, { text: 'Failed', code: 'FAILED' }],
  [32769, { text: 'Access Denied', code: 'FAILED' }],
  [32770, { text: 'Not Supported', code: 'UNSUPPORTED' }],
  [32771, { text: 'Status is unknown', code: 'FAILED' }],
  [32772, { text: 'Timeout', code: 'TIMEOUT' }],
  [32773, { text: 'Invalid parameter', code: 'INVALID_ARGUMENT' }],
  [32774, { text: 'System is in use', code: 'OPERATION_INVALID' }],
  [32775, { text: 'Invalid state for this operation', code: 'OPERATION_INVALID' }],
  [32776, { text: 'Incorrect data type', code: 'INVALID_ARGUMENT' }],
  [32777, { text: 'System is not available', code: 'OPERATION_INVALID' }],
  [32778, { text: 'Out of memory', code: 'FAILED' }],
]);

/** Msvm_ConcreteJob.JobState names, for messages. */
const JOB_STATES: ReadonlyMap<string, string> = new Map([
  ['2', 'New'],
  ['3', 'Starting'],
  ['4', 'Running'],
  ['5', 'Suspended'],
  ['6', 'Shutting Down'],
  ['7', 'Completed'],
  ['8', 'Terminated'],
  ['9', 'Killed'],
  ['10', 'Exception'],
  ['11', 'Service'],
  ['32768', 'Completed with warnings'],
]);

function jobFailure(operation: PsOperation, vmId: string, result: WriteResult): DriverError {
  const state = `${result.JobState} (${JOB_STATES.get(result.JobState) ?? 'unknown'})`;
  const description = result.ErrorDescription === '' ? '' : `: ${quoteHostText(result.ErrorDescription)}`;
  return new DriverError(
    'FAILED',
    `${operation} on VM ${vmId}: job ended in state ${state}, error code ${result.ErrorCode || '0'}${description}`,
  );
}

function methodFailure(operation: PsOperation, vmId: string, returnValue: string): DriverError {
  const known = KVP_METHOD_RETURN_VALUES.get(Number(returnValue));
  const text = known === undefined ? 'undocumented return value' : known.text;
  return new DriverError(
    known?.code ?? 'FAILED',
    `${operation} on VM ${vmId}: the method returned ${returnValue} (${text})`,
  );
}

/**
 * Checks a KVP write result (strict schema) and resolves on 'done'; throws DriverError NO_VM,
 * KEY_EXISTS / KEY_NOT_FOUND (naming the keys), OPERATION_INVALID (no KVP component), TIMEOUT (job
 * still running when the script stopped waiting: outcome unknown), or the code of the WMI return value
 * / job failure. 'BAD_RESPONSE' when the output has another shape.
 */
export function checkWriteResult(operation: PsOperation, vmId: string, value: unknown): void {
  const result = parseStrict(operation, WriteResult, value);
  const keys = result.Keys.map((key) => `"${quoteHostText(key)}"`).join(', ');
  switch (result.Status) {
    case 'done':
      return;
    case 'no-vm':
      throw new DriverError('NO_VM', `${operation}: no VM with id ${vmId} on this host`);
    case 'no-kvp-component':
      throw new DriverError(
        'OPERATION_INVALID',
        `${operation}: VM ${vmId} has no Key-Value Pair Exchange settings`,
      );
    case 'key-exists':
      throw new DriverError(
        'KEY_EXISTS',
        `${operation}: VM ${vmId} already has host item(s) ${keys}; expected new keys`,
      );
    case 'key-not-found':
      throw new DriverError(
        'KEY_NOT_FOUND',
        `${operation}: VM ${vmId} has no host item(s) ${keys}; expected existing keys`,
      );
    case 'job-timeout':
      throw new DriverError(
        'TIMEOUT',
        `${operation} on VM ${vmId}: the job was still in state ${result.JobState} when the script stopped waiting; the write may complete later`,
      );
    case 'failed':
      throw result.ReturnValue === '4096'
        ? jobFailure(operation, vmId, result)
        : methodFailure(operation, vmId, result.ReturnValue);
  }
}

/**
 * Checks an enable/disable-data-exchange result; throws DriverError NO_VM, OPERATION_INVALID (the VM
 * has no Key-Value Pair Exchange integration service) or BAD_RESPONSE (another shape, or the switch
 * did not end up as asked).
 */
export function checkDataExchangeResult(
  operation: PsOperation,
  vmId: string,
  enabled: boolean,
  value: unknown,
): void {
  const result = parseStrict(operation, DataExchangeResult, value);
  if (result.Status === 'no-vm')
    throw new DriverError('NO_VM', `${operation}: no VM with id ${vmId} on this host`);
  if (result.Status === 'no-service') {
    throw new DriverError(
      'OPERATION_INVALID',
      `${operation}: VM ${vmId} has no Key-Value Pair Exchange integration service`,
    );
  }
  if (result.Enabled !== String(enabled)) {
    throw new DriverError(
      'BAD_RESPONSE',
      `${operation}: the service reports Enabled "${result.Enabled}"; expected "${enabled}"`,
    );
  }
}
