/**
 * Operator flags on one VM, each audited with who, what, when and why: `avma vm opt-out` (the agent
 * leaves the VM alone: reason OPTED_OUT, and any key it offered is withdrawn), `avma vm opt-in`, and
 * `avma vm allow-avma` (clears the block set after a key replacement, so AVMA keys may be pushed
 * again). Repeating a request changes and records nothing. Who: `--actor`, else the OS user name.
 */
import { userInfo } from 'node:os';
import { lookupVm } from '../../runtime/vm-lookup.js';
import { openStore, type Store, type VmStatus } from '../../store/index.js';
import { CliError } from '../cli-error.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { optionalString, requiredString } from '../options.js';

type VmFlagChange = 'opt-out' | 'opt-in' | 'allow-avma';

/** Who asks: `--actor` (at most 128 characters), else the OS user name. Shared by the audited commands. */
export function actorOf(context: CommandContext): string {
  const given = optionalString(context, 'actor')?.trim();
  if (given !== undefined && given !== '') {
    if (given.length > 128)
      throw new CliError('USAGE', `--actor has ${given.length} characters, expected at most 128`);
    return given;
  }
  try {
    return userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

function reasonOf(context: CommandContext, change: VmFlagChange): string {
  const given = optionalString(context, 'reason')?.trim();
  if (given !== undefined && given.length > 1024)
    throw new CliError('USAGE', `--reason has ${given.length} characters, expected at most 1024`);
  return given === undefined || given === '' ? `${change} requested from the command line` : given;
}

async function openWritable(context: CommandContext): Promise<Store> {
  const path = requiredString(context, 'db', 'the path of the agent database');
  return openStore(path, { create: false });
}

function findVm(vms: readonly VmStatus[], text: string): VmStatus {
  const lookup = lookupVm(vms, text);
  if (lookup.kind === 'found') return lookup.vm;
  if (lookup.kind === 'ambiguous') {
    throw new CliError(
      'INPUT',
      `more than one VM is named "${text.slice(0, 100)}" (${lookup.ids.join(', ')}); give its id`,
    );
  }
  throw new CliError(
    'INPUT',
    `no VM named or with id "${text.slice(0, 100)}" in the database; expected a name or id from avma status`,
  );
}

async function changeFlag(context: CommandContext, change: VmFlagChange): Promise<number> {
  const store = await openWritable(context);
  try {
    const vm = findVm(await store.listVmStatus({ includeDeleted: true }), context.positionals[0] ?? '');
    const request = { at: new Date(), actor: actorOf(context), reason: reasonOf(context, change) };
    const changed = await store.transaction((tx) =>
      change === 'allow-avma'
        ? tx.setAvmaBlocked(vm.id, false, request)
        : tx.setOptOut(vm.id, change === 'opt-out', request),
    );
    const after = (await store.listVmStatus({ includeDeleted: true, vm: vm.id }))[0];
    printJson(context.io, {
      id: vm.id,
      name: vm.name,
      change,
      changed,
      optedOut: after?.optedOut,
      avmaBlocked: after?.avmaBlocked,
      actor: request.actor,
      reason: request.reason,
    });
    return 0;
  } finally {
    await store.close();
  }
}

const OPTIONS = {
  db: { type: 'string', valueName: 'FILE', description: 'the agent database (must exist)' },
  reason: { type: 'string', valueName: 'TEXT', description: 'why, for the audit trail' },
  actor: { type: 'string', valueName: 'WHO', description: 'who asks (default: the OS user name)' },
} as const;
const VM_ARGUMENT = [{ name: 'NAME|ID', description: 'the VM’s current name or its GUID', required: true }];

function vmCommand(change: VmFlagChange, summary: string): CommandSpec {
  return {
    path: ['vm', change],
    summary,
    options: OPTIONS,
    positionals: VM_ARGUMENT,
    run: (context) => changeFlag(context, change),
  };
}

export const vmOptOutCommand = vmCommand(
  'opt-out',
  'Opt a VM out: the agent pushes nothing to it and withdraws what it offered (audited)',
);
export const vmOptInCommand = vmCommand('opt-in', 'Opt a VM back in (audited)');
export const vmAllowAvmaCommand = vmCommand(
  'allow-avma',
  'Clear the AVMA block a key replacement set, so keys may be pushed again (audited)',
);
