import { encodeKvpItem, identifyGuest, type KvpSource } from 'hyperv-kvp';
import { CliError } from '../cli-error.js';
import { type CommandSpec, printJson } from '../command.js';
import { readInputArgument } from '../input.js';
import { integerOption, optionalString } from '../options.js';
import { KVP_INPUT_EXPECTED, KVP_ITEMS_EXPECTED, kvpItemsFromInput } from './kvp-input.js';

const inputArgument = {
  name: 'FILE|-',
  description: 'file to read; standard input when "-" or absent',
  required: false,
} as const;

export const kvpDecodeCommand: CommandSpec = {
  path: ['kvp', 'decode'],
  summary: 'Decode Msvm_KvpExchangeDataItem CIM-XML into JSON [{"name","data","source"}]',
  details: `Input: ${KVP_INPUT_EXPECTED}. Every item is validated (size limits, forbidden markup, Source 0..4).`,
  options: {},
  positionals: [inputArgument],
  async run({ io, positionals }) {
    const text = await readInputArgument(positionals[0], io, KVP_INPUT_EXPECTED, 'strict');
    const items = kvpItemsFromInput(text, false);
    printJson(
      io,
      items.map((item) => ({ name: item.name, data: item.data, source: item.source })),
    );
    return 0;
  },
};

export const kvpIdentifyCommand: CommandSpec = {
  path: ['kvp', 'identify'],
  summary: "Turn a guest's intrinsic KVP items into its identity (os, version, build, edition, …)",
  details:
    `Input: ${KVP_ITEMS_EXPECTED}.\n` +
    'Output uses the lab scenario vocabulary; values the guest did not publish, or that are not\n' +
    'recognised, are null rather than guessed.',
  options: {},
  positionals: [inputArgument],
  async run({ io, positionals }) {
    const text = await readInputArgument(positionals[0], io, KVP_ITEMS_EXPECTED, 'strict');
    const identity = identifyGuest(kvpItemsFromInput(text, true));
    printJson(io, {
      os: identity.os,
      version: identity.version,
      build: identity.build,
      edition: identity.edition,
      evaluation: identity.evaluation,
      fqdn: identity.fqdn,
      ipv4: identity.ipv4,
      ipv6: identity.ipv6,
      architecture: identity.architecture,
    });
    return 0;
  },
};

export const kvpEncodeCommand: CommandSpec = {
  path: ['kvp', 'encode'],
  summary: 'Encode one item as the CIM-XML text AddKvpItems/ModifyKvpItems take',
  details: 'The text is escaped so that decoding it gives back exactly --name and --data.',
  options: {
    name: {
      type: 'string',
      valueName: 'N',
      description: 'the key (at most 255 UTF-16 code units on the wire)',
    },
    data: {
      type: 'string',
      valueName: 'D',
      description: 'the value (at most 1023 UTF-16 code units on the wire)',
    },
    source: {
      type: 'string',
      valueName: '0..4',
      description: 'the Source property (default 0, host to guest)',
    },
  },
  positionals: [],
  async run(context) {
    // Not trimmed: the key and value are encoded exactly as given.
    const name = optionalString(context, 'name');
    if (name === undefined || name === '')
      throw new CliError('USAGE', 'missing --name; expected the item key');
    const data = optionalString(context, 'data');
    if (data === undefined)
      throw new CliError('USAGE', 'missing --data; expected the item value ("" for empty)');
    const source = (integerOption(context, 'source', 0, 4) ?? 0) as KvpSource;
    context.io.stdout(`${encodeKvpItem({ name, data, source })}\n`);
    return 0;
  },
};
