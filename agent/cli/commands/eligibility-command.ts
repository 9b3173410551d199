import {
  GUEST_OS_FAMILIES,
  type GuestOsFamily,
  HOST_EDITIONS,
  HOST_VERSIONS,
  isHostVersion,
} from 'hyperv-kvp';
import { evaluateEligibility, parseEdition, parseServerVersion } from '../../../shared/avma/index.js';
import { CliError } from '../cli-error.js';
import { type CommandContext, type CommandSpec, printJson } from '../command.js';
import { exclusiveFlags, flag, optionalString, requiredString } from '../options.js';

function hostFacts(context: CommandContext) {
  const version = parseServerVersion(requiredString(context, 'host-version', 'a host version such as 2022'));
  if (!isHostVersion(version)) {
    throw new CliError(
      'USAGE',
      `--host-version ${version} cannot be a Hyper-V AVMA host; expected one of ${HOST_VERSIONS.join(', ')}`,
    );
  }
  const edition = parseEdition(requiredString(context, 'host-edition', 'datacenter or standard'));
  if (edition !== 'datacenter' && edition !== 'standard') {
    throw new CliError(
      'USAGE',
      `--host-edition ${edition} is not a host edition; expected ${HOST_EDITIONS.join(' or ')}`,
    );
  }
  exclusiveFlags(context, 'host-activated', 'host-not-activated');
  return { version, edition, activated: !flag(context, 'host-not-activated') };
}

function guestOs(context: CommandContext): GuestOsFamily {
  const os = optionalString(context, 'guest-os') ?? 'windows-server';
  if (!(GUEST_OS_FAMILIES as readonly string[]).includes(os)) {
    throw new CliError('USAGE', `--guest-os is "${os}", expected one of ${GUEST_OS_FAMILIES.join(', ')}`);
  }
  return os as GuestOsFamily;
}

function guestFacts(context: CommandContext) {
  const os = guestOs(context);
  const versionText = optionalString(context, 'guest-version');
  const editionText = optionalString(context, 'guest-edition');
  if (os === 'windows-server') {
    return {
      os,
      version: parseServerVersion(
        requiredString(context, 'guest-version', 'a Windows Server version such as 2019'),
      ),
      edition: parseEdition(requiredString(context, 'guest-edition', 'an edition such as standard')),
      evaluation: flag(context, 'evaluation'),
    };
  }
  // Client and Linux guests are never eligible; their version and edition are reported, not judged.
  return {
    os,
    version: versionText ?? null,
    edition: editionText === undefined ? null : parseEdition(editionText),
    evaluation: flag(context, 'evaluation'),
  };
}

export const eligibilityCommand: CommandSpec = {
  path: ['eligibility'],
  summary: 'Decide whether AVMA can activate a guest on a host, with every reason that applies',
  details:
    'Prints {"eligible","key","reasons":[...]}; "key" is the AVMA key to install when eligible.\n' +
    'Reasons: HOST_NOT_DATACENTER, HOST_NOT_ACTIVATED, HOST_TOO_OLD, GUEST_NOT_WINDOWS_SERVER,\n' +
    'GUEST_VERSION_UNSUPPORTED, GUEST_EDITION_UNSUPPORTED, GUEST_EVALUATION, DATA_EXCHANGE_DISABLED.',
  options: {
    'host-version': {
      type: 'string',
      valueName: 'V',
      description: 'host version: 2012R2, 2016, 2019, 2022, 2025',
    },
    'host-edition': { type: 'string', valueName: 'E', description: 'host edition: datacenter or standard' },
    'host-activated': { type: 'boolean', description: 'the host itself is activated (the default)' },
    'host-not-activated': { type: 'boolean', description: 'the host itself is not activated' },
    'guest-os': {
      type: 'string',
      valueName: 'OS',
      description: 'windows-server (default), windows-client or linux',
    },
    'guest-version': {
      type: 'string',
      valueName: 'V',
      description: 'guest version: 2008R2, 2012, 2012R2, 2016, 1709 … 2025',
    },
    'guest-edition': {
      type: 'string',
      valueName: 'E',
      description: 'datacenter, standard, essentials, datacenter-azure, …',
    },
    evaluation: { type: 'boolean', description: 'the guest runs an Evaluation edition' },
    'data-exchange-off': {
      type: 'boolean',
      description: 'the Data Exchange (KVP) integration service is off',
    },
  },
  positionals: [],
  async run(context) {
    const result = evaluateEligibility({
      host: hostFacts(context),
      guest: guestFacts(context),
      dataExchange: !flag(context, 'data-exchange-off'),
    });
    printJson(context.io, { eligible: result.eligible, key: result.key, reasons: result.reasons });
    return 0;
  },
};
