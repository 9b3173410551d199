/**
 * Problems the sweep records on a VM's observation (store `Problem`): a closed set of codes, each with a
 * one-line message naming what was wrong and what was expected. Messages never echo more than a short,
 * quoted excerpt of tenant text, and stay the same from sweep to sweep while the cause stays (an
 * observation interval changes whenever its problems change).
 */
import type { Problem, ProblemCode } from '../model/index.js';

/** The codes live in agent/model (the store validates filters by them); re-exported for decide's callers. */
export { PROBLEM_CODES, type ProblemCode } from '../model/index.js';

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

/** No problem: one frozen empty list, shared rather than allocated per VM and round. */
export const NO_PROBLEMS: readonly Problem[] = Object.freeze([]);

/** At most `MAX_VM_PROBLEMS`, the first ones kept (they are the most specific). Never throws. */
export function capProblems(problems: readonly Problem[]): readonly Problem[] {
  return Object.freeze(problems.slice(0, MAX_VM_PROBLEMS));
}
