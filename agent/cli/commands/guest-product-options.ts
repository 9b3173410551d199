import type { Edition, ServerVersion } from 'hyperv-kvp';
import { parseEdition, parseServerVersion } from '../../../shared/avma/index.js';
import type { CommandContext, OptionSpec } from '../command.js';
import { requiredString } from '../options.js';

/** `--version V --edition E` naming a Windows Server product, shared by `key avma` and `unattend`. */
export const GUEST_PRODUCT_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  version: { type: 'string', valueName: 'V', description: 'guest version: 2012R2, 2016, 1709 … 2025' },
  edition: {
    type: 'string',
    valueName: 'E',
    description: 'datacenter, standard, essentials or datacenter-azure',
  },
};

/** Reads `--version` and `--edition`; throws a one-line error naming the accepted values. */
export function guestProduct(context: CommandContext): { version: ServerVersion; edition: Edition } {
  const version = parseServerVersion(
    requiredString(context, 'version', 'a Windows Server version such as 2022'),
  );
  const edition = parseEdition(requiredString(context, 'edition', 'an edition such as datacenter'));
  return { version, edition };
}
