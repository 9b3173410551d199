import { avmaKeyFor, classifyProductKey } from '../../../shared/avma/index.js';
import { CliError } from '../cli-error.js';
import { type CommandSpec, printJson } from '../command.js';
import { GUEST_PRODUCT_OPTIONS, guestProduct } from './guest-product-options.js';

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
  options: GUEST_PRODUCT_OPTIONS,
  positionals: [],
  async run(context) {
    const { version, edition } = guestProduct(context);
    const key = avmaKeyFor(version, edition);
    if (key === null) {
      throw new CliError('INPUT', `Microsoft lists no AVMA key for Windows Server ${version} ${edition}`);
    }
    printJson(context.io, { version, edition, key });
    return 0;
  },
};
