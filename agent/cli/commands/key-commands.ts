import {
  avmaKeyFor,
  classifyProductKey,
  parseEdition,
  parseServerVersion,
} from '../../../shared/avma/index.js';
import { CliError } from '../cli-error.js';
import { type CommandSpec, printJson } from '../command.js';
import { requiredString } from '../options.js';

export const keyCheckCommand: CommandSpec = {
  path: ['key', 'check'],
  summary: 'Classify a product key: AVMA key, KMS client setup key (GVLK) or unknown',
  details:
    'Accepts lower case, spaces and missing dashes ("tnk62 rxvtb 4p47b 2 d 623 4gf74").\n' +
    'Prints {"input","normalized","kind":"avma"|"gvlk"|"unknown","version","edition","versions"}.',
  options: {},
  positionals: [{ name: 'KEY', description: 'the product key to classify', required: true }],
  async run({ io, positionals }) {
    const input = positionals[0] ?? '';
    const result = classifyProductKey(input);
    printJson(io, {
      input: result.input,
      normalized: result.normalized,
      kind: result.kind,
      version: result.version,
      edition: result.edition,
      versions: result.versions,
    });
    return 0;
  },
};

export const keyAvmaCommand: CommandSpec = {
  path: ['key', 'avma'],
  summary: 'Print the AVMA key for a Windows Server version and edition',
  details: 'Prints {"version","edition","key"}. Exit code 2 when Microsoft lists no AVMA key for the pair.',
  options: {
    version: { type: 'string', valueName: 'V', description: 'guest version: 2012R2, 2016, 1709 … 2025' },
    edition: {
      type: 'string',
      valueName: 'E',
      description: 'datacenter, standard, essentials or datacenter-azure',
    },
  },
  positionals: [],
  async run(context) {
    const version = parseServerVersion(
      requiredString(context, 'version', 'a Windows Server version such as 2022'),
    );
    const edition = parseEdition(requiredString(context, 'edition', 'an edition such as datacenter'));
    const key = avmaKeyFor(version, edition);
    if (key === null) {
      throw new CliError('INPUT', `Microsoft lists no AVMA key for Windows Server ${version} ${edition}`);
    }
    printJson(context.io, { version, edition, key });
    return 0;
  },
};
