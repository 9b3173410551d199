import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../agent/cli/commands/run-commands.js';
import { parseConfig } from '../../../agent/config/load-config.js';
import { DEFAULT_STOP_GRACE_MS } from '../../../agent/runtime/stop-signal.js';
import {
  defaultAgentConfig,
  HOST_STOP_TIMEOUT_SECONDS,
  hostServicePaths,
  hostServiceXml,
} from '../../../agent/service/host-service-config.js';

const PATHS = hostServicePaths('C:\\ProgramData\\avma-agent');
const NODE = 'C:\\Program Files\\nodejs\\node.exe';
const ROOT = 'C:\\Program Files\\avma-agent';

function argumentsOf(xml: string): string[] {
  return [...xml.matchAll(/<argument>([^<]*)<\/argument>/g)].map((match) => match[1] ?? '');
}

describe('agent/service/host-service-config', () => {
  it('runs `avma run` with options it knows: the config, the rotated log file, the event source, a stop deadline inside the wrapper’s', () => {
    const xml = hostServiceXml(NODE, ROOT, PATHS);
    const [bin, command, ...options] = argumentsOf(xml);
    expect(bin).toBe(`${ROOT}\\agent\\bin\\avma.mjs`);
    expect(command).toBe('run');
    const flags = options.filter((option) => option.startsWith('--')).map((option) => option.slice(2));
    for (const name of flags) expect(Object.keys(runCommand.options)).toContain(name);
    expect(options).toEqual([
      '--config',
      PATHS.config,
      '--log-file',
      PATHS.logFile,
      '--event-log-source',
      'avma-agent',
      '--stop-timeout',
      '25',
    ]);
    expect(Number(options.at(-1)) * 1000).toBeLessThanOrEqual(DEFAULT_STOP_GRACE_MS);
    expect(xml).toContain(`<stoptimeout>${HOST_STOP_TIMEOUT_SECONDS} sec</stoptimeout>`);
    expect(xml.startsWith('<service>\r\n')).toBe(true);
    expect(xml).toMatch(
      /<onfailure action="restart" delay="10 sec"\/>\r\n {2}<onfailure action="restart" delay="30 sec"\/>/,
    );
  });

  it('escapes what it writes and refuses a path WinSW cannot carry', () => {
    const xml = hostServiceXml(NODE, 'C:\\a&b <x>', PATHS);
    expect(xml).toContain('<argument>C:\\a&amp;b &lt;x&gt;\\agent\\bin\\avma.mjs</argument>');
    expect(() => hostServiceXml(NODE, 'C:\\100%', PATHS)).toThrow(/INVALID|character WinSW cannot carry/);
    expect(() => hostServiceXml('node.exe', ROOT, PATHS)).toThrow(/expected an absolute path/);
  });

  it('writes a first configuration the agent accepts: the PowerShell driver on this host, the database beside it', () => {
    const config = parseConfig(defaultAgentConfig(PATHS), PATHS.config);
    expect(config).toMatchObject({ driver: 'powershell', hosts: ['localhost'], db: PATHS.database });
  });
});
