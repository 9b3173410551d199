import {
  lookupHresult,
  parseSlmgrOutput,
  splaCoreLicenses,
  unattendProductKeyFragment,
} from '../../../shared/avma/index.js';
import { type CommandSpec, printJson } from '../command.js';
import { readInputArgument } from '../input.js';
import { integerOption, requiredInteger } from '../options.js';
import { GUEST_PRODUCT_OPTIONS, guestProduct } from './guest-product-options.js';

export const splaCommand: CommandSpec = {
  path: ['spla'],
  summary: 'SPLA core licences for a host: every physical core, at least 8 per processor, 2-core packs',
  details:
    'Prints {"coreLicenses","twoCorePacks"}. SPLA has no per-server minimum by default;\n' +
    '--min-cores-per-server 16 applies the Volume Licensing floor where a reseller asks for it.',
  options: {
    sockets: { type: 'string', valueName: 'N', description: 'physical processors (sockets) in use' },
    'cores-per-socket': {
      type: 'string',
      valueName: 'M',
      description: 'physical cores per processor (not threads)',
    },
    'min-cores-per-server': {
      type: 'string',
      valueName: 'K',
      description: 'per-server minimum (default 0; 16 for VL rules)',
    },
  },
  positionals: [],
  async run(context) {
    const result = splaCoreLicenses({
      sockets: requiredInteger(context, 'sockets', 1, 64),
      coresPerSocket: requiredInteger(context, 'cores-per-socket', 1, 1024),
      minCoresPerServer: integerOption(context, 'min-cores-per-server', 0, 1024) ?? 0,
    });
    printJson(context.io, { coreLicenses: result.coreLicenses, twoCorePacks: result.twoCorePacks });
    return 0;
  },
};

export const slmgrParseCommand: CommandSpec = {
  path: ['slmgr', 'parse'],
  summary: 'Parse `slmgr /dli` or `slmgr /dlv` text into JSON',
  details: 'Numbers become numbers; the channel is taken from the Description line.',
  options: {},
  positionals: [
    { name: 'FILE|-', description: 'file to read; standard input when "-" or absent', required: false },
  ],
  async run({ io, positionals }) {
    const text = await readInputArgument(positionals[0], io, 'the text printed by slmgr /dli or slmgr /dlv');
    printJson(io, parseSlmgrOutput(text));
    return 0;
  },
};

export const errorCommand: CommandSpec = {
  path: ['error'],
  summary: 'Explain an activation error code (what `Slui.exe 0x2a CODE` shows)',
  details: 'Accepts 0xC004FD02, C004FD02, 3221552386 or -1073414910. Prints {"code","symbol","message"}.',
  options: {},
  positionals: [{ name: 'HRESULT', description: 'the error code', required: true }],
  async run({ io, positionals }) {
    const info = lookupHresult(positionals[0] ?? '');
    printJson(io, { code: info.code, symbol: info.symbol, message: info.message });
    return 0;
  },
};

export const unattendCommand: CommandSpec = {
  path: ['unattend'],
  summary: 'Print the unattend.xml <ProductKey> fragment that puts the AVMA key into a template',
  options: GUEST_PRODUCT_OPTIONS,
  positionals: [],
  async run(context) {
    const { version, edition } = guestProduct(context);
    context.io.stdout(`${unattendProductKeyFragment(version, edition)}\n`);
    return 0;
  },
};
