import { describe, expect, it } from 'vitest';
import type { DriverError } from '../../../../agent/driver/driver-error.js';
import {
  MAX_RESPONSE_CHARS,
  parseResponse,
  scriptFailureError,
} from '../../../../agent/driver/powershell/response.js';

const marker = `avma:${'1f'.repeat(16)}:`;

function bad(stdout: string): string {
  try {
    parseResponse(stdout, marker, 'list-vms');
  } catch (error) {
    expect((error as DriverError).code).toBe('BAD_RESPONSE');
    return (error as DriverError).message;
  }
  return 'no error';
}

describe('agent/driver/powershell/response', () => {
  it('takes the marked line among host output, with a BOM and CRLF line ends', () => {
    const stdout = `VERBOSE: loading\r\n\uFEFF${marker}{"ok":{"Vms":[]}}\r\nmore output\r\n`;
    expect(parseResponse(stdout, marker, 'list-vms')).toEqual({ kind: 'ok', value: { Vms: [] } });
  });

  it('returns an error reported as data with its message, type and id', () => {
    const line = `${marker}{"error":{"message":"Get-VM : not recognized","type":"System.Management.Automation.CommandNotFoundException","id":"CommandNotFoundException"}}`;
    expect(parseResponse(line, marker, 'list-vms')).toEqual({
      kind: 'error',
      failure: {
        message: 'Get-VM : not recognized',
        type: 'System.Management.Automation.CommandNotFoundException',
        id: 'CommandNotFoundException',
      },
    });
  });

  it('refuses a missing line, JSON cut short, a bare array and unknown keys', () => {
    expect(bad('')).toBe(
      'list-vms: no result line in the output (got nothing); expected one line starting with the call marker',
    );
    expect(bad(`${marker}{"ok":{"Vms":[{"Id":"a`)).toContain('result line is not JSON');
    expect(bad(`${marker}[1,2]`)).toContain('result is not a JSON object');
    expect(bad(`${marker}{"ok":1,"extra":2}`)).toContain('result has keys [ok, extra]');
    expect(bad(`${marker}{"error":"text"}`)).toContain('expected exactly "ok" or "error"');
  });

  it('refuses output over the size cap without parsing it', () => {
    expect(bad('x'.repeat(MAX_RESPONSE_CHARS + 1))).toContain(`expected at most ${MAX_RESPONSE_CHARS}`);
  });

  it('treats an unreachable CIM server as HOST_UNAVAILABLE and other CIM errors as FAILED', () => {
    const cim = 'Microsoft.Management.Infrastructure.CimException';
    expect(
      scriptFailureError('host-info', { message: 'The RPC server is unavailable.', type: cim, id: '' }).code,
    ).toBe('HOST_UNAVAILABLE');
    expect(scriptFailureError('host-info', { message: 'Invalid class', type: cim, id: '' }).code).toBe(
      'FAILED',
    );
  });
});
