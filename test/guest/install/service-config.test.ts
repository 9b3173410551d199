import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  escapeXml,
  LOG_KEEP_FILES,
  LOG_ROLL_SIZE_KB,
  SERVICE_ID,
  ServiceConfigError,
  type ServiceConfigOptions,
  scFailureActionsText,
  winswServiceXml,
} from '../../../guest/install/service-config.js';

const OPTIONS: ServiceConfigOptions = {
  nodePath: 'C:\\Program Files\\nodejs\\node.exe',
  mainScript: 'C:\\Program Files\\avma-agent\\dist\\guest\\main.js',
  intervalMinutes: 5,
  logDir: 'C:\\ProgramData\\avma-agent',
  workingDirectory: 'C:\\Program Files\\avma-agent',
};

/** WinSW 1.17's string literals, taken from the winsw.exe node-windows@0.1.14 ships (see PROVENANCE.md). */
const WINSW_117_STRINGS = new Set(
  readFileSync(
    new URL('../../fixtures/guest-install/winsw-1.17-user-strings.txt', import.meta.url),
    'utf8',
  ).split('\n'),
);

interface ParsedService {
  readonly [element: string]: unknown;
}

function parseService(xml: string): ParsedService {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => name === 'argument' || name === 'onfailure',
  });
  const document = parser.parse(xml) as { service?: ParsedService };
  if (document.service === undefined) throw new Error('no <service> root');
  return document.service;
}

function thrown(action: () => unknown): ServiceConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ServiceConfigError) return error;
    throw error;
  }
  throw new Error('expected a ServiceConfigError');
}

describe('guest/install/service-config', () => {
  describe('winswServiceXml', () => {
    it('describes the avma-guest-agent service with automatic start and no other account than LocalSystem', () => {
      const service = parseService(winswServiceXml(OPTIONS));
      expect(service.id).toBe(SERVICE_ID);
      expect(service.id).toBe('avma-guest-agent');
      expect(service.startmode).toBe('Automatic');
      // WinSW installs as LocalSystem unless <serviceaccount> names another account.
      expect(service).not.toHaveProperty('serviceaccount');
      expect(service.name).toBe('avma-agent guest agent');
    });

    it('runs node.exe on main.js with the interval and the agent log as separate arguments', () => {
      const service = parseService(winswServiceXml({ ...OPTIONS, intervalMinutes: 15 }));
      expect(service.executable).toBe('C:\\Program Files\\nodejs\\node.exe');
      expect(service.argument).toEqual([
        'C:\\Program Files\\avma-agent\\dist\\guest\\main.js',
        '--interval-minutes',
        '15',
        '--log',
        'C:\\ProgramData\\avma-agent\\guest-agent.log',
      ]);
      expect(service.workingdirectory).toBe('C:\\Program Files\\avma-agent');
    });

    it('restarts the agent after every crash and forgets old crashes after an hour', () => {
      const service = parseService(winswServiceXml(OPTIONS));
      expect(service.onfailure).toEqual([
        { '@_action': 'restart', '@_delay': '10 sec' },
        { '@_action': 'restart', '@_delay': '10 sec' },
        { '@_action': 'restart', '@_delay': '60 sec' },
      ]);
      expect(service.resetfailure).toBe('3600 sec');
      expect(service.stoptimeout).toBe('15 sec');
    });

    it('rolls node.exe output by size into the log folder', () => {
      const service = parseService(winswServiceXml(OPTIONS));
      expect(service.logpath).toBe('C:\\ProgramData\\avma-agent');
      expect(service.log).toEqual({
        '@_mode': 'roll-by-size',
        sizeThreshold: String(LOG_ROLL_SIZE_KB),
        keepFiles: String(LOG_KEEP_FILES),
      });
    });

    it('works in the log folder when no working directory is given', () => {
      const { workingDirectory: _unused, ...withoutWorkingDirectory } = OPTIONS;
      const service = parseService(winswServiceXml(withoutWorkingDirectory));
      expect(service.workingdirectory).toBe('C:\\ProgramData\\avma-agent');
    });

    it('puts nothing before <service>, because WinSW 1.17 reads resetfailure and stoptimeout from the first node', () => {
      const xml = winswServiceXml(OPTIONS);
      expect(xml.startsWith('<service>\r\n')).toBe(true);
      expect(xml.trimEnd().endsWith('</service>')).toBe(true);
    });

    it("escapes & and ' in paths so an XML reader gets the exact paths back", () => {
      const options: ServiceConfigOptions = {
        nodePath: "C:\\Tools & Runtimes\\O'Brien\\node.exe",
        mainScript: 'C:\\R&D\\avma-agent\\dist\\guest\\main.js',
        intervalMinutes: 5,
        logDir: "C:\\ProgramData\\avma-agent\\it's & logs",
      };
      const xml = winswServiceXml(options);
      expect(xml).toContain('<executable>C:\\Tools &amp; Runtimes\\O&apos;Brien\\node.exe</executable>');
      expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
      const service = parseService(xml);
      expect(service.executable).toBe(options.nodePath);
      expect((service.argument as string[])[0]).toBe(options.mainScript);
      expect(service.logpath).toBe(options.logDir);
      expect((service.argument as string[])[4]).toBe(
        "C:\\ProgramData\\avma-agent\\it's & logs\\guest-agent.log",
      );
    });

    it('keeps a non-ASCII path as it is', () => {
      const service = parseService(winswServiceXml({ ...OPTIONS, logDir: 'C:\\Données\\代理' }));
      expect(service.logpath).toBe('C:\\Données\\代理');
    });

    it('uses only element, attribute and value names that WinSW 1.17 reads', () => {
      const xml = winswServiceXml(OPTIONS).replace(/<!--[\s\S]*?-->/g, '');
      const elements = [...xml.matchAll(/<([A-Za-z]+)/g)].map((match) => match[1] ?? '');
      const attributes = [...xml.matchAll(/ ([A-Za-z]+)="([^"]*)"/g)];
      // The root's name is not read by WinSW 1.x (it searches `//name` everywhere); 2.x requires <service>.
      const read = elements.filter((name) => name !== 'service');
      expect(read.length).toBeGreaterThan(10);
      for (const name of read) {
        expect(WINSW_117_STRINGS.has(name) || WINSW_117_STRINGS.has(`//${name}`), name).toBe(true);
      }
      for (const [, name = '', value = ''] of attributes) {
        expect(WINSW_117_STRINGS.has(name), name).toBe(true);
        const duration = /^\d+ (\w+)$/.exec(value);
        expect(WINSW_117_STRINGS.has(duration === null ? value : (duration[1] ?? '')), value).toBe(true);
      }
      for (const text of [...xml.matchAll(/<(?:resetfailure|stoptimeout)>(\d+) (\w+)</g)]) {
        expect(WINSW_117_STRINGS.has(text[2] ?? ''), text[0]).toBe(true);
      }
    });

    it.each([
      ['a relative node path', { nodePath: 'node.exe' }, 'nodePath is "node.exe"'],
      ['a UNC main script', { mainScript: '\\\\server\\share\\main.js' }, 'mainScript is'],
      ['a % that WinSW would expand', { logDir: 'C:\\%TEMP%\\avma' }, 'logDir is "C:\\\\%TEMP%\\\\avma"'],
      ['a double quote', { nodePath: 'C:\\a"b\\node.exe' }, 'nodePath is'],
      ['a < or >', { mainScript: 'C:\\<x>\\main.js' }, 'mainScript is'],
      ['a line break', { logDir: 'C:\\logs\n<evil/>' }, 'logDir is "C:\\\\logs\\n<evil/>"'],
      ['an alternate data stream', { nodePath: 'C:\\node.exe:stream' }, 'nodePath is'],
      ['an overlong path', { logDir: `C:\\${'a'.repeat(1100)}` }, 'logDir is 1103 characters long'],
    ])('refuses %s', (_label, change, start) => {
      const error = thrown(() => winswServiceXml({ ...OPTIONS, ...change }));
      expect(error.code).toBe('INVALID_PATH');
      expect(error.message.startsWith(start)).toBe(true);
      expect(error.message).toContain('expected an absolute path like C:\\folder\\file');
      expect(error.message).not.toContain('\n');
    });

    it.each([0, 1441, 2.5, Number.NaN])('refuses an interval of %s minutes', (intervalMinutes) => {
      const error = thrown(() => winswServiceXml({ ...OPTIONS, intervalMinutes }));
      expect(error.code).toBe('INVALID_INTERVAL');
      expect(error.message).toBe(`intervalMinutes is ${intervalMinutes}, expected an integer 1..1440`);
    });
  });

  describe('escapeXml', () => {
    it('escapes all five XML special characters and nothing else', () => {
      expect(escapeXml(`a&b<c>d"e'f\\g%h`)).toBe('a&amp;b&lt;c&gt;d&quot;e&apos;f\\g%h');
    });

    it('escapes an ampersand that already looks like an entity, so it reads back unchanged', () => {
      expect(escapeXml('&amp;')).toBe('&amp;amp;');
    });
  });

  describe('scFailureActionsText', () => {
    it('writes the XML failure actions in sc.exe form, delays in milliseconds', () => {
      expect(scFailureActionsText()).toBe('restart/10000/restart/10000/restart/60000');
      expect(scFailureActionsText([{ action: 'restart', delaySeconds: 1 }])).toBe('restart/1000');
    });
  });
});
