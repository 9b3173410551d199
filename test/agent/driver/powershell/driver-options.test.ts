import { describe, expect, it } from 'vitest';
import type { DriverError } from '../../../../agent/driver/driver-error.js';
import { optionsForHost, resolveDriverOptions } from '../../../../agent/driver/powershell/driver-options.js';

function invalid(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect((error as DriverError).code).toBe('INVALID_ARGUMENT');
    return (error as DriverError).message;
  }
  return 'no error';
}

describe('agent/driver/powershell/driver-options', () => {
  it('defaults to Windows PowerShell 5.1 on the local host with a 120 s call limit and automatic write API', () => {
    expect(resolveDriverOptions({})).toEqual({
      computerName: null,
      hostName: 'localhost',
      executable: 'powershell',
      timeoutMs: 120_000,
      jobTimeoutSeconds: 60,
      kvpWriteApi: 'auto',
    });
  });

  it('treats localhost and "." as the local host and every other name as a remote one', () => {
    expect(optionsForHost('LOCALHOST', undefined)).toEqual({ hostName: 'LOCALHOST' });
    expect(optionsForHost('.', { executable: 'pwsh' })).toEqual({ hostName: '.', executable: 'pwsh' });
    expect(optionsForHost('hv02.contoso.com', {})).toEqual({
      hostName: 'hv02.contoso.com',
      computerName: 'hv02.contoso.com',
    });
  });

  it('refuses a computer name that is not a host name or address', () => {
    expect(invalid(() => resolveDriverOptions({ computerName: "hv02'; calc" }))).toBe(
      `powershell driver: computerName "hv02'; calc" is not a host name or IP address`,
    );
  });

  it('refuses a job timeout that leaves the call no time to report it', () => {
    expect(invalid(() => resolveDriverOptions({ timeoutMs: 30_000, jobTimeoutSeconds: 60 }))).toContain(
      'does not fit in timeoutMs 30000',
    );
  });

  it('refuses unknown or mistyped configuration options, naming the option', () => {
    expect(invalid(() => optionsForHost('hv01', { timeout: 5 }))).toContain('powershell driver: options:');
    expect(invalid(() => optionsForHost('hv01', { kvpWriteApi: 'wmi2' }))).toContain('kvpWriteApi');
  });
});
