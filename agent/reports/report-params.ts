/**
 * Parameters several reports share, and the words every row uses to say where its figures come from.
 * Parameters arrive as text (a query string, a CLI option); each schema parses that text.
 */
import { EDITIONS } from 'hyperv-kvp';
import { z } from 'zod';
import { CHANNELS } from '../../shared/avma/index.js';
import { EVIDENCE_VALUES, type Evidence, LICENSE_STATUS_VALUES } from '../store/index.js';
import type { ReportParam } from './report-types.js';

function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number], string> {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` }) as unknown as z.ZodType<
    T[number],
    string
  >;
}

export const statusParam = <R extends boolean>(
  required: R,
): ReportParam<(typeof LICENSE_STATUS_VALUES)[number]> & { required: R } => ({
  schema: oneOf(LICENSE_STATUS_VALUES),
  valueName: 'STATUS',
  description: `concluded licence status: ${LICENSE_STATUS_VALUES.join('|')}`,
  required,
});

export const channelParam: ReportParam<(typeof CHANNELS)[number]> = {
  schema: oneOf(CHANNELS),
  valueName: 'CHANNEL',
  description: `concluded channel: ${CHANNELS.join('|')}`,
};

export const evidenceParam: ReportParam<Evidence> = {
  schema: oneOf(EVIDENCE_VALUES),
  valueName: 'EVIDENCE',
  description: `what the conclusion rests on: ${EVIDENCE_VALUES.join('|')}`,
};

export const editionParam = <R extends boolean>(
  required: R,
): ReportParam<(typeof EDITIONS)[number]> & { required: R } => ({
  schema: oneOf(EDITIONS),
  valueName: 'EDITION',
  description: `guest edition: ${EDITIONS.join('|')}`,
  required,
});

export const versionParam: ReportParam<string> = {
  schema: z.string().regex(/^[0-9A-Za-z]{2,8}$/, { error: 'expected a version such as 2019 or 2012R2' }),
  valueName: 'VERSION',
  description: 'guest version (2012R2, 2016, 2019, 2022, 2025, 1809, ...)',
};

/** `at`: an ISO-8601 UTC time; reports about "how long from now" are computed at it. */
export const atParam: ReportParam<Date> = {
  schema: z.iso
    .datetime({ error: 'expected an ISO-8601 UTC time such as 2026-11-08T00:00:00Z' })
    .transform((text) => new Date(text)),
  valueName: 'ISO',
  description: 'compute at this time instead of now (ISO-8601 UTC)',
};

/** A VM by GUID or by current or former name. */
export const vmParam = <R extends boolean>(required: R): ReportParam<string> & { required: R } => ({
  schema: z.string().min(1, { error: 'expected a VM name or GUID' }).max(1024),
  valueName: 'NAME|ID',
  description: 'the VM, by GUID or by current or former name',
  required,
});

export const tenantParam: ReportParam<string> = {
  schema: z.string().min(1, { error: 'expected a tenant' }).max(1024),
  valueName: 'TENANT',
  description: 'only this tenant (exact)',
};

/** Where a licence conclusion's figures come from, in a row's `source` column. */
export const EVIDENCE_SOURCE: Readonly<Record<Evidence, string>> = Object.freeze({
  host: 'host: a 12310 in the host Application log',
  'host+guest': 'host: a 12310 in the host Application log; the guest status agrees',
  guest: 'guest claim: the guest agent status (tenant-written, not verified)',
  none: 'no evidence',
});

/** The guest's identity (version, edition, OS) comes from its intrinsic KVP items. */
export const IDENTITY_SOURCE = 'guest intrinsic KVP items (written inside the guest)';
