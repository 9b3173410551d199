/**
 * Host-side KVP writes as the driver takes them, following WMI's rules for
 * Msvm_VirtualSystemManagementService: AddKvpItems fails when a key exists, ModifyKvpItems and
 * RemoveKvpItems fail when a key is missing, each call is all-or-nothing and carries at most 128
 * items. So a change is planned against the items the host holds now: missing names are added,
 * present ones modified, and only present ones removed. Only `AvmaAgent.*` names are ever planned.
 */
import { isAgentItem } from '../../shared/protocol/index.js';

export type KvpCallOp = 'add' | 'modify' | 'remove';

export interface KvpCallItem {
  readonly name: string;
  /** Empty for `remove`. */
  readonly data: string;
}

export interface KvpCall {
  readonly op: KvpCallOp;
  readonly items: readonly KvpCallItem[];
}

function call(op: KvpCallOp, items: readonly KvpCallItem[]): KvpCall {
  return Object.freeze({ op, items: Object.freeze(items.map((item) => Object.freeze({ ...item }))) });
}

/**
 * The calls that make the host hold `wanted` (name -> data, in the given order): one `add` call for the
 * missing names and one `modify` call for the changed ones, the call carrying the first wanted name
 * first (a guest reading between two calls then sees the key before the intent that refers to it).
 * Returns no call when the host already holds every value. Throws nothing; names that are not
 * `AvmaAgent.*` are skipped (the product never writes anything else).
 */
export function setCalls(
  current: ReadonlyMap<string, string>,
  wanted: ReadonlyMap<string, string>,
): KvpCall[] {
  const add: KvpCallItem[] = [];
  const modify: KvpCallItem[] = [];
  let firstOp: KvpCallOp | null = null;
  for (const [name, data] of wanted) {
    if (!isAgentItem(name) || current.get(name) === data) continue;
    const op: KvpCallOp = current.has(name) ? 'modify' : 'add';
    firstOp ??= op;
    (op === 'add' ? add : modify).push({ name, data });
  }
  const calls = [add.length > 0 ? call('add', add) : null, modify.length > 0 ? call('modify', modify) : null];
  const present = calls.filter((c): c is KvpCall => c !== null);
  return firstOp === 'modify' ? present.reverse() : present;
}

/** One `remove` call for those of `names` the host holds (none when it holds none of them). */
export function removeCalls(current: ReadonlyMap<string, string>, names: readonly string[]): KvpCall[] {
  const present = names.filter((name) => isAgentItem(name) && current.has(name));
  return present.length === 0
    ? []
    : [
        call(
          'remove',
          present.map((name) => ({ name, data: '' })),
        ),
      ];
}

/** The host's items after `calls` succeed, as a new map. Never throws. */
export function afterCalls(
  current: ReadonlyMap<string, string>,
  calls: readonly KvpCall[],
): Map<string, string> {
  const next = new Map(current);
  for (const { op, items } of calls) {
    for (const item of items) {
      if (op === 'remove') next.delete(item.name);
      else next.set(item.name, item.data);
    }
  }
  return next;
}

/** The `AvmaAgent.*` names the host holds. Never throws. */
export function agentNames(items: ReadonlyMap<string, string>): string[] {
  return [...items.keys()].filter(isAgentItem).sort();
}
