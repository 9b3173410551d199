/**
 * The scenario file format (contract, architecture §5) as strict zod schemas: unknown fields are
 * refused everywhere. Cross-references (hosts named by VMs, VMs named by events, duplicate names) are
 * checked afterwards by scenario-check.ts, because they depend on the order of timed events.
 *
 * Extensions to the documented format, all optional: `settings` (lab-settings.ts), host `fqdn`, a
 * literal product key wherever a key word is accepted, `key` on `set-edition`, a VM's `vcpus` and
 * `memoryMb` (defaults by guest OS in lab-build.ts) and the `resize-vm` event.
 */
import { CLIENT_VERSIONS, HOST_EDITIONS, HOST_VERSIONS, SERVER_VERSIONS } from 'hyperv-kvp';
import { z } from 'zod';
import { LICENSE_STATUSES } from '../../shared/avma/index.js';
import { valueSizeViolation } from '../../shared/protocol/limits.js';
import { MAX_VM_MEMORY_BYTES, MAX_VM_PROCESSORS } from '../model/index.js';
import { storeText } from '../store/store-text.js';
import { labSettingsSchema } from './lab-settings.js';

export const KEY_WORDS = ['none', 'gvlk', 'avma', 'mak', 'retail', 'oem'] as const;
export type KeyWord = (typeof KEY_WORDS)[number];
export const SERVER_GUEST_EDITIONS = ['datacenter', 'standard', 'essentials', 'datacenter-azure'] as const;
export const CLIENT_GUEST_EDITIONS = ['pro', 'enterprise'] as const;
/** Scenario VM states; Hyper-V's transitional states (Starting, Saving, …) are not a place to start in. */
export const SCENARIO_VM_STATES = ['running', 'off', 'saved', 'paused'] as const;
export type ScenarioVmState = (typeof SCENARIO_VM_STATES)[number];

/** A product key as written in documentation: five groups of five, e.g. `W3GNR-8DDXR-2TFRP-H8P33-DV9BG`. */
const LITERAL_KEY = /^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){4}$/;
/** `2026-11-01T00:00:00Z`, optional seconds and milliseconds, `Z` or a `±hh:mm` offset. */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const MAX_ISO_YEAR = 9999;

/**
 * Milliseconds since the epoch for an ISO-8601 time with a zone, or `null` when the text is not one or
 * names a day that does not exist (2026-02-30). Never throws.
 */
export function parseIsoTime(text: string): number | null {
  const match = ISO_TIME.exec(text);
  if (match === null) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? '0'));
  const offsetHours = Number(match[8] ?? '0');
  const offsetMinutes = Number(match[9] ?? '0');
  if (year === undefined || year < 1970 || year > MAX_ISO_YEAR) return null;
  if (
    (hour ?? 0) > 23 ||
    (minute ?? 0) > 59 ||
    (second ?? 0) > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    return null;
  }
  const dayStart = Date.UTC(year, (month ?? 0) - 1, day ?? 0);
  const check = new Date(dayStart);
  if (check.getUTCMonth() !== (month ?? 0) - 1 || check.getUTCDate() !== day) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

const isoTime = z.string().refine((text) => parseIsoTime(text) !== null, {
  message: 'expected an ISO-8601 time with a zone, such as 2026-11-01T00:00:00Z',
});

/** NetBIOS computer names: at most 15 characters, letters, digits and hyphens. */
const computerName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,14}$/, 'expected a computer name of 1 to 15 letters, digits or hyphens');
/** Hyper-V VM names: up to 100 characters; control characters would break every report. */
const vmName = z
  .string()
  .min(1, 'expected a non-empty VM name')
  .max(100, 'expected at most 100 characters')
  .regex(/^[^\p{Cc}]+$/u, 'expected no control characters');
const dnsName = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/, 'expected a DNS name');
const ipv4 = z
  .string()
  .regex(
    /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/,
    'expected an IPv4 address',
  );
const ipv6 = z
  .string()
  .max(39)
  .regex(/^[0-9A-Fa-f:]*:[0-9A-Fa-f:]*$/, 'expected an IPv6 address');

/** Virtual processors of a VM: 1 to Hyper-V's maximum. */
const vcpus = z.number().int().min(1).max(MAX_VM_PROCESSORS);
/** Static memory in MiB: Hyper-V takes at least 32 MB, in multiples of 2 MB. */
const memoryMb = z
  .number()
  .int()
  .min(32)
  .max(MAX_VM_MEMORY_BYTES / 2 ** 20)
  .refine((mb) => mb % 2 === 0, 'expected a multiple of 2 MB (Hyper-V assigns memory in 2 MB units)');

export const keySpecSchema = z
  .string()
  .refine((text) => (KEY_WORDS as readonly string[]).includes(text) || LITERAL_KEY.test(text), {
    message: `expected one of ${KEY_WORDS.join(', ')} or a product key XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`,
  });

/**
 * What a guest publishes as `FullyQualifiedDomainName`: the tenant controls the guest, so any text
 * the KVP wire carries within the protocol's value limits (shared/protocol/limits.ts), DNS name or not.
 */
const guestPublishedText = z
  .string()
  .refine(isWireText, 'expected text without NUL, lone surrogates or U+FFFE/U+FFFF')
  .superRefine((text, context) => {
    const violation = valueSizeViolation(text);
    if (violation !== null) context.addIssue({ code: 'custom', message: `the value ${violation}` });
  });

const addresses = {
  fqdn: guestPublishedText.optional(),
  ipv4: z.array(ipv4).max(16).optional(),
  ipv6: z.array(ipv6).max(16).optional(),
};

const serverGuestSchema = z.strictObject({
  os: z.literal('windows-server'),
  version: z.enum(SERVER_VERSIONS),
  edition: z.enum(SERVER_GUEST_EDITIONS),
  evaluation: z.boolean().default(false),
  key: keySpecSchema.default('none'),
  licenseStatus: z.enum(LICENSE_STATUSES).default('unlicensed'),
  ...addresses,
});

const clientGuestSchema = z.strictObject({
  os: z.literal('windows-client'),
  version: z.enum(CLIENT_VERSIONS),
  edition: z.enum(CLIENT_GUEST_EDITIONS),
  key: keySpecSchema.default('none'),
  licenseStatus: z.enum(LICENSE_STATUSES).default('unlicensed'),
  ...addresses,
});

const linuxGuestSchema = z.strictObject({
  os: z.literal('linux'),
  /** os-release VERSION_ID, e.g. "22.04". */
  version: z
    .string()
    .regex(/^[0-9A-Za-z.-]{1,32}$/, 'expected an os-release VERSION_ID such as 22.04')
    .optional(),
  ...addresses,
});

export const guestSchema = z.discriminatedUnion('os', [
  serverGuestSchema,
  clientGuestSchema,
  linuxGuestSchema,
]);

export const vmSchema = z.strictObject({
  name: vmName,
  host: computerName,
  // The store's own text rule (a NUL would otherwise refuse the whole host's sweep), capped lower.
  tenant: storeText(64).optional(),
  state: z.enum(SCENARIO_VM_STATES).default('running'),
  /** "It is enabled by default for new VMs" (Microsoft's AVMA page). */
  dataExchange: z.boolean().default(true),
  guestAgent: z.boolean().default(false),
  guest: guestSchema,
  /** Virtual processors; default by guest OS (lab-build.ts). */
  vcpus: vcpus.optional(),
  /** Static memory in MiB, assigned while the VM runs; default by guest OS (lab-build.ts). */
  memoryMb: memoryMb.optional(),
});

export const hostSchema = z.strictObject({
  name: computerName,
  fqdn: dnsName.optional(),
  version: z.enum(HOST_VERSIONS),
  edition: z.enum(HOST_EDITIONS),
  activated: z.boolean().default(true),
  sockets: z.number().int().min(1).max(64),
  /** One number for every socket, or one per socket. */
  coresPerSocket: z.union([
    z.number().int().min(1).max(1024),
    z.array(z.number().int().min(1).max(1024)).min(1).max(64),
  ]),
  cluster: computerName.nullable().optional(),
});

/** True for text the KVP wire carries: no NUL, no lone surrogate, no U+FFFE/U+FFFF. Never throws. */
export function isWireText(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit === 0 || unit === 0xfffe || unit === 0xffff) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i += 1;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

function wireText(maxUnits: number) {
  return z
    .string()
    .max(maxUnits, `expected at most ${maxUnits} UTF-16 code units (the KVP wire limit)`)
    .refine(isWireText, 'expected text without NUL, lone surrogates or U+FFFE/U+FFFF');
}

const at = { at: isoTime };
const vmRef = z.string().min(1).max(100);
const vmEvent = <T extends string>(type: T) => z.strictObject({ ...at, type: z.literal(type), vm: vmRef });
const hostEvent = <T extends string>(type: T) =>
  z.strictObject({ ...at, type: z.literal(type), host: computerName });

export const eventSchema = z.discriminatedUnion('type', [
  vmEvent('start'),
  vmEvent('stop'),
  vmEvent('delete-vm'),
  vmEvent('guest-agent-stop'),
  vmEvent('guest-agent-start'),
  vmEvent('enable-data-exchange'),
  vmEvent('disable-data-exchange'),
  z.strictObject({ ...at, type: z.literal('migrate'), vm: vmRef, to: computerName }),
  z.strictObject({ ...at, type: z.literal('replace-key'), vm: vmRef, key: keySpecSchema }),
  z.strictObject({
    ...at,
    type: z.literal('set-edition'),
    vm: vmRef,
    edition: z.enum(SERVER_GUEST_EDITIONS),
    key: keySpecSchema.optional(),
  }),
  z.strictObject({ ...at, type: z.literal('rename-vm'), vm: vmRef, name: vmName }),
  z
    .strictObject({
      ...at,
      type: z.literal('resize-vm'),
      vm: vmRef,
      vcpus: vcpus.optional(),
      memoryMb: memoryMb.optional(),
    })
    .refine((event) => event.vcpus !== undefined || event.memoryMb !== undefined, {
      message: 'expected vcpus, memoryMb or both',
    }),
  z.strictObject({ ...at, type: z.literal('create-vm'), vm: vmSchema }),
  z.strictObject({
    ...at,
    type: z.literal('corrupt-kvp'),
    vm: vmRef,
    item: wireText(255)
      .refine((text) => text.length > 0, 'expected a non-empty item name')
      .default('AvmaAgent.Status'),
    // What a hostile tenant can get through: anything the KVP wire carries (1023 UTF-16 units).
    value: wireText(1023),
  }),
  hostEvent('activate-host'),
  hostEvent('deactivate-host'),
  hostEvent('host-down'),
  hostEvent('host-up'),
]);

export const EVENT_TYPES = [
  'start',
  'stop',
  'delete-vm',
  'guest-agent-stop',
  'guest-agent-start',
  'enable-data-exchange',
  'disable-data-exchange',
  'migrate',
  'replace-key',
  'set-edition',
  'rename-vm',
  'resize-vm',
  'create-vm',
  'corrupt-kvp',
  'activate-host',
  'deactivate-host',
  'host-down',
  'host-up',
] as const;

export const scenarioSchema = z.strictObject({
  start: isoTime,
  settings: labSettingsSchema.optional(),
  hosts: z.array(hostSchema).min(1).max(4096),
  vms: z.array(vmSchema).max(100_000),
  events: z.array(eventSchema).max(100_000).default([]),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioHost = Scenario['hosts'][number];
export type ScenarioVm = Scenario['vms'][number];
export type ScenarioGuest = ScenarioVm['guest'];
export type ScenarioEvent = Scenario['events'][number];
export type ScenarioEventType = ScenarioEvent['type'];
/** The scenario as written, before defaults are applied (what generators produce). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
