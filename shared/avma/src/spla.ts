/**
 * SPLA core-licence arithmetic for Windows Server (spla-and-peers.md §1.1): every physical core is
 * licensed, at least 8 core licences per physical processor, sold in 2-core packs. SPLA has no per-server
 * floor (samexpert: the 16-core server minimum "does not apply to SPLA"); two secondary sources claim a
 * 16-core SPLA floor, so it is an option (`minCoresPerServer: 16`), off by default.
 */
import { AvmaError } from './errors.js';

/** SPUR "Per Core (OS)": minimum core licences per physical processor. */
export const MIN_CORES_PER_PROCESSOR = 8;
/** Windows Server core licences are reported in 2-core packs. */
export const CORES_PER_PACK = 2;
/** The Volume Licensing per-server minimum, available as an option. */
export const VL_MIN_CORES_PER_SERVER = 16;
/** Sanity limits: Windows Server supports 64 sockets; no shipping processor approaches 1024 cores. */
export const MAX_SOCKETS = 64;
export const MAX_CORES_PER_PROCESSOR = 1024;

export type SplaHost =
  | { readonly sockets: number; readonly coresPerSocket: number; readonly minCoresPerServer?: number }
  | { readonly coresPerProcessor: readonly number[]; readonly minCoresPerServer?: number };

export interface SplaCoreLicences {
  readonly coreLicenses: number;
  readonly twoCorePacks: number;
}

function checkWhole(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const shown = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
    throw new AvmaError('INVALID_ARGUMENT', `${name} is ${shown}, expected an integer ${min}..${max}`);
  }
  return value;
}

function processorCores(host: SplaHost): readonly number[] {
  if (typeof host !== 'object' || host === null) {
    throw new AvmaError('INVALID_ARGUMENT', 'host is not an object, expected { sockets, coresPerSocket }');
  }
  if ('coresPerProcessor' in host) {
    const list: unknown = host.coresPerProcessor;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_SOCKETS) {
      throw new AvmaError(
        'INVALID_ARGUMENT',
        `coresPerProcessor has ${Array.isArray(list) ? list.length : 'no'} entries, expected 1..${MAX_SOCKETS}`,
      );
    }
    return list.map((cores, index) =>
      checkWhole(cores, `coresPerProcessor[${index}]`, 1, MAX_CORES_PER_PROCESSOR),
    );
  }
  const sockets = checkWhole(host.sockets, 'sockets', 1, MAX_SOCKETS);
  const cores = checkWhole(host.coresPerSocket, 'coresPerSocket', 1, MAX_CORES_PER_PROCESSOR);
  return Array.from({ length: sockets }, () => cores);
}

/**
 * Core licences and 2-core packs for one host: the sum over processors of max(8, cores), raised to
 * `minCoresPerServer` (default 0), and packs = ceil(licences / 2). Throws `AvmaError` INVALID_ARGUMENT for
 * zero, negative, fractional or absurd sizes, naming the field and the accepted range.
 */
export function splaCoreLicenses(host: SplaHost): SplaCoreLicences {
  const perProcessor = processorCores(host);
  const floor = checkWhole(
    host.minCoresPerServer ?? 0,
    'minCoresPerServer',
    0,
    MAX_SOCKETS * MAX_CORES_PER_PROCESSOR,
  );
  const licensed = perProcessor.reduce((sum, cores) => sum + Math.max(MIN_CORES_PER_PROCESSOR, cores), 0);
  const coreLicenses = Math.max(licensed, floor);
  return Object.freeze({ coreLicenses, twoCorePacks: Math.ceil(coreLicenses / CORES_PER_PACK) });
}
