import { describe, expect, it } from 'vitest';
import { canonicalJson, closeDigest } from '../../../agent/usage/index.js';

const FIELDS = {
  month: '2026-11',
  closedAt: '2026-12-02T06:00:00.000Z',
  actor: 'alice',
  actorSource: 'given',
  forced: false,
  settings: '{}',
  report: '{"month":"2026-11","hosts":[],"vms":[],"tenants":[]}',
  csv: '{}',
  previousSha256: null,
} as const;

describe('agent/usage/close-digest', () => {
  it('serialises with keys sorted at every level, arrays in order, undefined members left out', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: 'é' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"x":"é","z":1}]},"b":1}',
    );
    // The same settings written in another key order hash the same.
    expect(canonicalJson({ runningStates: ['Running'], minCoresPerServer: 16 })).toBe(
      canonicalJson({ minCoresPerServer: 16, runningStates: ['Running'] }),
    );
  });

  it('changes the hash when any covered field changes, the previous hash included', () => {
    const base = closeDigest(FIELDS);
    const variants = [
      { month: '2026-10' },
      { closedAt: '2026-12-02T06:00:00.001Z' },
      { actor: 'mallory' },
      { actorSource: 'os-user' as const },
      { forced: true },
      { settings: '{"minCoresPerServer":16}' },
      { report: FIELDS.report.replace('"hosts":[]', '"hosts":[ ]') },
      { csv: '{"hosts":""}' },
      { previousSha256: 'a'.repeat(64) },
    ];
    const hashes = variants.map((change) => closeDigest({ ...FIELDS, ...change }));
    expect(new Set([base, ...hashes]).size).toBe(variants.length + 1);
  });
});
