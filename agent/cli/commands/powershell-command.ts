import { isPsOperation, PS_OPERATIONS } from '../../driver/powershell/operations.js';
import { renderOperationText } from '../../driver/powershell/script-text.js';
import { isVmId, VM_ID_FORMAT } from '../../model/index.js';
import { CliError } from '../cli-error.js';
import type { CommandSpec } from '../command.js';
import { flag, optionalString } from '../options.js';

/** A record id: whole, at most JavaScript's exact integer range (event logs count far beyond 10^9). */
function recordIdOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const range = `expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`;
  if (!/^-?\d+$/.test(trimmed))
    throw new CliError('USAGE', `--after-record-id is "${text.slice(0, 40)}", ${range}`);
  const value = Number(trimmed);
  if (!/^\d{1,16}$/.test(trimmed) || !Number.isSafeInteger(value)) {
    throw new CliError('USAGE', `--after-record-id is ${trimmed.slice(0, 40)}, out of range: ${range}`);
  }
  return value;
}

/** Hyper-V VM ids are GUIDs; checked here so the user hears which option is wrong, not the driver's wording. */

function vmIdOption(text: string | undefined): string | undefined {
  if (text === undefined || isVmId(text.trim())) return text;
  throw new CliError('USAGE', `--vm-id is "${text.slice(0, 40)}", expected a VM GUID: ${VM_ID_FORMAT}`);
}

export const powershellScriptCommand: CommandSpec = {
  path: ['powershell', 'script'],
  summary: 'Print the exact PowerShell text the powershell driver sends for one operation',
  details:
    `OPERATION: ${PS_OPERATIONS.join(', ')}.\n` +
    'The text is one line: a fixed script, with every argument inside one base64 block of UTF-8 JSON\n' +
    '(--payload prints that JSON instead). Each call carries its own random result marker, so two runs\n' +
    'differ only there. Nothing is sent anywhere.',
  options: {
    'vm-id': { type: 'string', valueName: 'ID', description: 'VM GUID (KVP writes, Data Exchange)' },
    name: { type: 'string', valueName: 'N', description: 'KVP key (add-kvp, modify-kvp, remove-kvp)' },
    data: { type: 'string', valueName: 'D', description: 'KVP value (add-kvp, modify-kvp)' },
    'after-record-id': {
      type: 'string',
      valueName: 'N',
      description: 'read-events bookmark: only records after this id (default 0)',
    },
    'computer-name': {
      type: 'string',
      valueName: 'HOST',
      description: 'remote Hyper-V host (default: local)',
    },
    payload: { type: 'boolean', description: 'print the decoded base64 request (JSON) instead of the text' },
  },
  positionals: [{ name: 'OPERATION', description: 'the operation to show', required: true }],
  async run(context) {
    const operation = context.positionals[0] ?? '';
    if (!isPsOperation(operation)) {
      throw new CliError(
        'USAGE',
        `unknown operation "${operation.slice(0, 40)}"; expected one of ${PS_OPERATIONS.join(', ')}`,
      );
    }
    const afterRecordId = recordIdOption(optionalString(context, 'after-record-id'));
    const vmId = vmIdOption(optionalString(context, 'vm-id'));
    const name = optionalString(context, 'name');
    const data = optionalString(context, 'data');
    const computerName = optionalString(context, 'computer-name');
    // The driver's refusals (DriverError INVALID_ARGUMENT) are bad input: error-kinds.ts gives exit 2.
    const { text, payload } = renderOperationText(operation, {
      ...(vmId === undefined ? {} : { vmId }),
      ...(name === undefined ? {} : { name }),
      ...(data === undefined ? {} : { data }),
      ...(afterRecordId === undefined ? {} : { afterRecordId }),
      ...(computerName === undefined ? {} : { computerName }),
    });
    context.io.stdout(flag(context, 'payload') ? `${JSON.stringify(payload, null, 2)}\n` : `${text}\n`);
    return 0;
  },
};
