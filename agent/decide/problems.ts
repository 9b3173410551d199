/**
 * Problems the sweep records on a VM's observation (store `Problem`): a closed set of codes, each with a
 * one-line message naming what was wrong and what was expected. Messages never echo more than a short,
 * quoted excerpt of tenant text, and stay the same from sweep to sweep while the cause stays (an
 * observation interval changes whenever its problems change).
 */
import type { Problem } from '../model/index.js';

export const PROBLEM_CODES = [
  /** An item of one of the VM's KVP pools is not a valid Msvm_KvpExchangeDataItem; it was ignored. */
  'KVP_ITEM_INVALID',
  /** A pool held more items than any Hyper-V guest publishes; the rest were ignored. */
  'KVP_POOL_TRUNCATED',
  /** `AvmaAgent.Status` is not a valid protocol message; nothing in it was used. */
  'STATUS_INVALID',
  /** An `AvmaAgent.Event.N` slot is not a valid forwarded 12309 event; it was not stored. */
  'EVENT_INVALID',
  /** A Windows Server guest whose KVP works never reported `AvmaAgent.Status` for N sweeps. */
  'GUEST_AGENT_SILENT',
  /** The guest agent acknowledged our install intent and refused it (its reason is in the message). */
  'GUEST_REFUSED',
  /** A host-side KVP write (push, wipe, withdrawal) failed; it is retried at the next sweep. */
  'KVP_WRITE_FAILED',
  /** The next intent sequence number would pass the protocol's limit; nothing was sent. */
  'INTENT_SEQ_EXHAUSTED',
  /**
   * The guest agent claims AVMA activation but no host logged a 12310 AVMA success for the VM within
   * the evidence window: the claim is shown, never counted (licence-evidence.ts).
   */
  'GUEST_CLAIM_UNCORROBORATED',
  /** The store refused part of the VM's data (the message names the field); the VM was recorded without it. */
  'VM_DATA_REJECTED',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** Store's caps (observations-repo): 32 problems, 512 characters each. */
export const MAX_VM_PROBLEMS = 32;
const MAX_MESSAGE = 500;

/** A frozen problem; the message is cut to what the store keeps. Never throws. */
export function problem(code: ProblemCode, message: string): Problem {
  const line = message.replace(/\s+/g, ' ').trim();
  return Object.freeze({
    code,
    message: line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line,
  });
}

/** At most `MAX_VM_PROBLEMS`, the first ones kept (they are the most specific). Never throws. */
export function capProblems(problems: readonly Problem[]): readonly Problem[] {
  return Object.freeze(problems.slice(0, MAX_VM_PROBLEMS));
}
