import { decodeKvpItem, identifyGuest, type KvpItem } from 'hyperv-kvp';
import { eventsFromList } from '../events.js';
import { hostInfoFromFacts } from '../host-facts.js';
import { vmsFromInventory } from '../inventory.js';
import type { PsOperation } from '../operations.js';
import { RECORDING_FORMAT, type Recording } from '../recording.js';
import type { PsRequest } from '../runner.js';
import { Anonymiser } from './anonymise.js';

/** One read the verification ran: the parsed `ok` value, or the error message. */
export interface VerifiedAnswer {
  readonly request: PsRequest;
  readonly value: unknown;
  readonly error: string | null;
}

function decodeAll(xmls: readonly string[], where: string, report: (line: string) => void): KvpItem[] {
  const items: KvpItem[] = [];
  for (const xml of xmls) {
    try {
      items.push(decodeKvpItem(xml));
    } catch (error) {
      report(`${where}: an item does not decode: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return items;
}

function checkOne(answer: VerifiedAnswer, print: (line: string) => void, fail: (line: string) => void): void {
  const { operation } = answer.request;
  if (operation === 'host-info') {
    const info = hostInfoFromFacts(answer.value);
    print(
      `host-info: ${info.version ?? 'unsupported version'} ${info.edition ?? 'other edition'}, build ${info.build}, activated ${info.activated}, ${info.sockets} socket(s), cluster ${info.cluster ?? 'none'}`,
    );
  } else if (operation === 'list-vms') {
    const vms = vmsFromInventory(answer.value, (problem) =>
      fail(`list-vms: VM #${problem.index}: ${problem.reason}`),
    );
    print(`list-vms: ${vms.length} VM(s)`);
    vms.forEach((vm, index) => {
      const identity = identifyGuest(decodeAll(vm.intrinsicItems, `VM #${index} intrinsic`, fail));
      decodeAll([...vm.guestItems, ...vm.hostItems], `VM #${index} guest/host`, fail);
      print(
        `  VM #${index}: ${vm.state}, data exchange ${vm.dataExchange}, guest ${identity.os} ${identity.version ?? ''}`,
      );
    });
  } else if (operation === 'read-events') {
    print(
      `read-events: ${eventsFromList(answer.value, { ids: [12310], afterRecordId: 0 }, 1000).length} event(s) 12310`,
    );
  }
}

/** Checks each answer with the driver's own parsers; prints a report and returns the problem count. */
export function checkAnswers(answers: readonly VerifiedAnswer[], print: (line: string) => void): number {
  let failures = 0;
  const fail = (line: string) => {
    failures += 1;
    print(`PROBLEM ${line}`);
  };
  for (const answer of answers) {
    if (answer.error !== null) {
      fail(`${answer.request.operation}: ${answer.error}`);
      continue;
    }
    try {
      checkOne(answer, print, fail);
    } catch (error) {
      fail(`${answer.request.operation}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failures;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Registers the names a host-info and list-vms answer carry, so every file is rewritten the same way. */
function learn(anonymiser: Anonymiser, answers: readonly VerifiedAnswer[]): void {
  for (const { request, value } of answers) {
    const record = (value ?? {}) as Record<string, unknown>;
    if (request.operation === 'host-info') {
      for (const key of ['ComputerName', 'DnsHostName'] as const)
        if (typeof record[key] === 'string') anonymiser.name(record[key], 'host');
      if (Array.isArray(record.ClusterNodes))
        for (const node of record.ClusterNodes) if (typeof node === 'string') anonymiser.name(node, 'host');
      if (typeof record.ClusterName === 'string') anonymiser.name(record.ClusterName, 'cluster');
      if (typeof record.Domain === 'string') anonymiser.name(record.Domain, 'domain');
    }
    if (request.operation === 'list-vms' && Array.isArray(record.Vms)) {
      for (const vm of record.Vms as Record<string, unknown>[]) {
        if (typeof vm.Name === 'string') anonymiser.name(vm.Name, 'vm');
        for (const xml of Array.isArray(vm.IntrinsicItems) ? vm.IntrinsicItems : []) {
          try {
            anonymiser.learnItem(decodeKvpItem(String(xml)));
          } catch {
            // An item that does not decode is replaced whole later.
          }
        }
      }
    }
  }
}

function rewrite(anonymiser: Anonymiser, value: Json, itemList: 'intrinsic' | 'redact' | null): Json {
  if (typeof value === 'string')
    return itemList === null ? anonymiser.text(value) : anonymiser.item(value, itemList === 'redact');
  if (Array.isArray(value)) return value.map((entry) => rewrite(anonymiser, entry, itemList));
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [key, entry] of Object.entries(value)) {
    const list =
      key === 'IntrinsicItems' ? 'intrinsic' : key === 'GuestItems' || key === 'HostItems' ? 'redact' : null;
    out[key] = rewrite(anonymiser, entry, list ?? itemList);
  }
  return out;
}

/** One anonymised recording per operation, consistent across all of them. */
export function anonymiseAnswers(
  answers: readonly VerifiedAnswer[],
  date: string,
): Map<PsOperation, Recording> {
  const anonymiser = new Anonymiser();
  learn(anonymiser, answers);
  const host = answers.find((answer) => answer.request.operation === 'host-info')?.value as
    | { ComputerName?: unknown }
    | undefined;
  const hostName = typeof host?.ComputerName === 'string' ? anonymiser.text(host.ComputerName) : 'host';
  const recordings = new Map<PsOperation, Recording>();
  for (const answer of answers) {
    recordings.set(answer.request.operation, {
      format: RECORDING_FORMAT,
      source: `recorded with npm run verify:hyperv on ${date}; host, cluster and VM names, domains, FQDNs, addresses and GUIDs replaced; guest and host item data other than AvmaAgent.* redacted`,
      host: hostName,
      steps: [
        {
          operation: answer.request.operation,
          arguments: answer.request.arguments as Record<string, unknown>,
          output: { ok: rewrite(anonymiser, answer.value as Json, null) },
        },
      ],
    });
  }
  return recordings;
}
