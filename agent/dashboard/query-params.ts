/** The dashboard's URL parameters read strictly: unknown or malformed values are dropped, never echoed raw. */
import type { Request } from 'express';
import { REASON_CODES } from '../../shared/avma/index.js';
import { PROBLEM_CODES } from '../model/index.js';
import { LICENSE_STATUS_VALUES } from '../store/index.js';
import { PAGE_SIZES, VM_SORTS, type VmQuery, type VmSort } from './vm-index.js';

/** A single string parameter up to `max` characters, or undefined (absent, repeated, empty, too long). */
export function param(req: Request, name: string, max = 256): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' && value.length <= max ? value : undefined;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined {
  return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
}

export function positiveInt(value: string | undefined, fallback: number, max = 1_000_000): number {
  const n = value === undefined ? Number.NaN : Number(value);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : fallback;
}

export function vmQuery(req: Request): VmQuery {
  const size = Number(param(req, 'size', 4));
  const q = param(req, 'q')?.trim();
  return {
    ...(param(req, 'host', 253) === undefined ? {} : { host: param(req, 'host', 253) }),
    ...(param(req, 'tenant') === undefined ? {} : { tenant: param(req, 'tenant') }),
    ...(oneOf(param(req, 'status'), LICENSE_STATUS_VALUES) === undefined
      ? {}
      : { status: param(req, 'status') }),
    ...(oneOf(param(req, 'eligible'), ['yes', 'no'] as const) === undefined
      ? {}
      : { eligible: param(req, 'eligible') as 'yes' | 'no' }),
    ...(oneOf(param(req, 'reason'), REASON_CODES) === undefined ? {} : { reason: param(req, 'reason') }),
    ...(oneOf(param(req, 'problem'), PROBLEM_CODES) === undefined ? {} : { problem: param(req, 'problem') }),
    ...(q === undefined || q === '' ? {} : { q }),
    sort: oneOf<VmSort>(param(req, 'sort'), VM_SORTS) ?? 'name',
    descending: param(req, 'dir') === 'desc',
    page: positiveInt(param(req, 'page'), 1),
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : 50,
  };
}
