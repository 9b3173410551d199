/**
 * Product keys in the lab. AVMA keys and KMS client keys (GVLK) are the real published ones, taken from
 * shared/avma; a tenant's MAK, retail or OEM key is a generated, well-formed key that is in no table.
 * Windows knows the channel of every key it installs (from its pkeyconfig), so the lab remembers the
 * channel of each key it generated in a `KeyRegistry`.
 */
import type { ClientVersion, Edition, ServerVersion } from 'hyperv-kvp';
import {
  AvmaError,
  avmaKeyFor,
  classifyProductKey,
  GVLKS,
  gvlkFor,
  isAvmaGuestVersion,
  serverProductName,
} from '../../shared/avma/index.js';
import type { Prng } from './prng.js';
import type { KeyWord } from './scenario-schema.js';

/** The channel of an installed key; `eval` is the time-based key an Evaluation edition ships with. */
export const KEY_CHANNELS = ['avma', 'gvlk', 'mak', 'retail', 'oem', 'eval'] as const;
export type KeyChannel = (typeof KEY_CHANNELS)[number];
export type TenantChannel = Extract<KeyChannel, 'mak' | 'retail' | 'oem' | 'eval'>;

export interface InstalledKey {
  readonly key: string;
  readonly channel: KeyChannel;
}

/** What decides which keys fit a Windows guest. */
export interface KeyTarget {
  readonly os: 'windows-server' | 'windows-client';
  readonly version: ServerVersion | ClientVersion;
  readonly edition: Edition;
  readonly evaluation: boolean;
}

/** Base-24 product-key digits without `N` (generated keys avoid the position rule of `N`). */
const GENERATED_KEY_ALPHABET = 'BCDFGHJKMPQRTVWXY2346789';

function describe(target: KeyTarget): string {
  if (target.os === 'windows-client') return `Windows ${target.version} ${target.edition}`;
  return serverProductName(target.version as ServerVersion, target.edition);
}

/** The GVLK Microsoft lists for a guest, or `null`. Never throws. */
export function gvlkForTarget(target: KeyTarget): string | null {
  if (target.os === 'windows-server') return gvlkFor(target.version as ServerVersion, target.edition);
  return (
    GVLKS.find((row) => row.edition === target.edition && row.versions.includes(target.version))?.key ?? null
  );
}

/** The AVMA key for a guest, or `null` (client editions and 2012/2008 R2 have none). Never throws. */
export function avmaKeyForTarget(target: KeyTarget): string | null {
  if (target.os !== 'windows-server') return null;
  return avmaKeyFor(target.version as ServerVersion, target.edition);
}

/** True when a canonical key is published for exactly this guest's version and edition. Never throws. */
export function keyFitsTarget(key: string, target: KeyTarget): boolean {
  const known = classifyProductKey(key);
  if (known.kind === 'unknown') return false;
  if (known.kind === 'avma' && target.os !== 'windows-server') return false;
  return known.edition === target.edition && (known.versions as readonly string[]).includes(target.version);
}

/**
 * Why a scenario key word or literal key cannot describe this guest, or `null` when it can. A literal
 * AVMA key of another version is accepted on purpose: it is the state an in-place upgrade leaves
 * behind (architecture §7), which the host answers with Invalid Data. Never throws.
 */
export function keySpecProblem(spec: string, target: KeyTarget): string | null {
  if (target.evaluation && spec !== 'none') {
    return 'an Evaluation guest runs on its own time-based key; expected none (slmgr /ipk fails with 0xC004F069)';
  }
  if (spec === 'avma' && avmaKeyForTarget(target) === null) {
    return `Microsoft publishes no AVMA key for ${describe(target)}`;
  }
  if (spec === 'gvlk' && gvlkForTarget(target) === null) {
    return `Microsoft publishes no KMS client key (GVLK) for ${describe(target)}`;
  }
  if ((KEY_WORDS_SET as ReadonlySet<string>).has(spec)) return null;
  return literalKeyProblem(spec, target);
}

const KEY_WORDS_SET: ReadonlySet<KeyWord> = new Set(['none', 'gvlk', 'avma', 'mak', 'retail', 'oem']);

function literalKeyProblem(spec: string, target: KeyTarget): string | null {
  let known: ReturnType<typeof classifyProductKey>;
  try {
    known = classifyProductKey(spec);
  } catch (error) {
    return error instanceof AvmaError ? error.message : String(error);
  }
  if (known.kind === 'unknown') {
    return `${known.normalized} is neither an AVMA key nor a KMS client key; write mak, retail or oem for a tenant's own key`;
  }
  if (known.kind === 'avma') {
    const version = target.version as ServerVersion;
    if (target.os !== 'windows-server' || !isAvmaGuestVersion(version)) {
      return `${known.normalized} is an AVMA key, which ${describe(target)} cannot hold`;
    }
    return null;
  }
  return keyFitsTarget(known.normalized, target)
    ? null
    : `${known.normalized} is not a KMS client key for ${describe(target)}`;
}

/** Keys the lab generated, with their channel: the lab's stand-in for Windows' pkeyconfig. */
export class KeyRegistry {
  readonly #channels = new Map<string, TenantChannel>();
  readonly #prng: Prng;

  constructor(prng: Prng) {
    this.#prng = prng;
  }

  /** A fresh well-formed key in no published table, remembered with its channel. Never throws. */
  generate(channel: TenantChannel): string {
    for (;;) {
      const groups: string[] = [];
      for (let group = 0; group < 5; group += 1) {
        let text = '';
        for (let i = 0; i < 5; i += 1) text += this.#prng.pick([...GENERATED_KEY_ALPHABET]);
        groups.push(text);
      }
      const key = groups.join('-');
      if (classifyProductKey(key).kind === 'unknown' && !this.#channels.has(key)) {
        this.#channels.set(key, channel);
        return key;
      }
    }
  }

  /** The channel of a key the lab generated, or `null`. Never throws. */
  channelOf(canonicalKey: string): TenantChannel | null {
    return this.#channels.get(canonicalKey) ?? null;
  }
}

/**
 * Turns a validated scenario key word or literal key into the key a guest holds (`null` for `none` on a
 * non-evaluation guest). Call only after `keySpecProblem` returned `null`; throws `RangeError` otherwise.
 */
export function resolveKeySpec(spec: string, target: KeyTarget, registry: KeyRegistry): InstalledKey | null {
  if (target.evaluation) return { key: registry.generate('eval'), channel: 'eval' };
  switch (spec) {
    case 'none':
      return null;
    case 'mak':
    case 'retail':
    case 'oem':
      return { key: registry.generate(spec), channel: spec };
    case 'avma':
    case 'gvlk': {
      const key = spec === 'avma' ? avmaKeyForTarget(target) : gvlkForTarget(target);
      if (key === null) throw new RangeError(`no ${spec} key for ${describe(target)}`);
      return { key, channel: spec };
    }
    default: {
      const known = classifyProductKey(spec);
      if (known.kind === 'unknown') throw new RangeError(`${spec} has no known channel`);
      return { key: known.normalized, channel: known.kind };
    }
  }
}

export type KeyInstallResult =
  | { readonly ok: true; readonly installed: InstalledKey }
  | { readonly ok: false; readonly hresult: string; readonly message: string };

/** slerror.h 0xC004F050 SL_E_INVALID_PRODUCT_KEY / 0xC004F069 SL_E_MISMATCHED_PRODUCT_SKU. */
export const INVALID_PRODUCT_KEY = '0xC004F050';
export const MISMATCHED_PRODUCT_SKU = '0xC004F069';

function refused(hresult: string, message: string): KeyInstallResult {
  return { ok: false, hresult, message };
}

/**
 * What `slmgr /ipk KEY` does on this guest: accepts a published AVMA or KMS client key only for the
 * guest's own version and edition, a tenant key only if Windows knows its channel (the registry), and
 * nothing on an Evaluation install (0xC004F069, avma-facts §6b). Never throws; a refusal carries the
 * HRESULT slmgr would print.
 */
export function checkKeyInstall(input: string, target: KeyTarget, registry: KeyRegistry): KeyInstallResult {
  let known: ReturnType<typeof classifyProductKey>;
  try {
    known = classifyProductKey(input);
  } catch {
    return refused(INVALID_PRODUCT_KEY, 'the product key is not a well-formed product key');
  }
  const key = known.normalized;
  if (target.evaluation) {
    return refused(
      MISMATCHED_PRODUCT_SKU,
      `${describe(target)} Evaluation takes no product key (convert it with DISM /Set-Edition)`,
    );
  }
  if (known.kind !== 'unknown') {
    if (!keyFitsTarget(key, target)) {
      return refused(
        MISMATCHED_PRODUCT_SKU,
        `${key} is a ${known.kind} key for another version or edition than ${describe(target)}`,
      );
    }
    return { ok: true, installed: { key, channel: known.kind } };
  }
  const channel = registry.channelOf(key);
  if (channel === null) return refused(INVALID_PRODUCT_KEY, `${key} is not a product key Windows knows`);
  if (channel === 'eval') return refused(MISMATCHED_PRODUCT_SKU, `${key} is an Evaluation key`);
  return { ok: true, installed: { key, channel } };
}
