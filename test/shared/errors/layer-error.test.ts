import { KvpError } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../agent/cli/cli-error.js';
import { ConfigError } from '../../../agent/config/config-error.js';
import { DriverError } from '../../../agent/driver/driver-error.js';
import { LabError } from '../../../agent/lab/lab-error.js';
import { RuntimeError } from '../../../agent/runtime/runtime-error.js';
import { StoreError } from '../../../agent/store/errors.js';
import { SweepError } from '../../../agent/sweep/sweep-error.js';
import { UsageError } from '../../../agent/usage/errors.js';
import { GuestAgentError } from '../../../guest/agent/guest-agent-error.js';
import { ServiceConfigError } from '../../../guest/install/service-config.js';
import { GuestPlatformError } from '../../../guest/platform/guest-platform.js';
import { AvmaError } from '../../../shared/avma/index.js';
import { isLayerError, LayerError } from '../../../shared/errors/index.js';
import { ProtocolError } from '../../../shared/protocol/index.js';

describe('shared/errors/layer-error', () => {
  it.each([
    [new RuntimeError('LAB_MISMATCH', 'm'), 'runtime', 'RuntimeError'],
    [new ConfigError('INVALID', 'm'), 'config', 'ConfigError'],
    [new DriverError('TIMEOUT', 'm'), 'driver', 'DriverError'],
    [new UsageError('INVALID_MONTH', 'm'), 'usage', 'UsageError'],
    [new LabError('UNKNOWN_VM', 'm'), 'lab', 'LabError'],
    [new SweepError('INVALID_ARGUMENT', 'm'), 'sweep', 'SweepError'],
    [new CliError('USAGE', 'm'), 'cli', 'CliError'],
    [new StoreError('LOCKED', 'm'), 'store', 'StoreError'],
    [new GuestPlatformError('TIMEOUT', 'm'), 'guest-platform', 'GuestPlatformError'],
    [new GuestAgentError('INVALID_OPTION', 'm'), 'guest-agent', 'GuestAgentError'],
    [new ServiceConfigError('INVALID_PATH', 'm'), 'service-config', 'ServiceConfigError'],
    [new ProtocolError('SCHEMA', 'm'), 'protocol', 'ProtocolError'],
    [new AvmaError('UNKNOWN_EDITION', 'm'), 'avma', 'AvmaError'],
  ] as const)('%s is a LayerError of layer %s named %s', (error, layer, name) => {
    expect(error).toBeInstanceOf(LayerError);
    expect(isLayerError(error)).toBe(true);
    expect([error.layer, error.name, error.message]).toEqual([layer, name, 'm']);
  });

  it('keeps the cause and each layer’s extra fields', () => {
    const cause = new Error('SQLITE_BUSY');
    expect(new ConfigError('UNREADABLE', 'cannot read a.json', { cause }).cause).toBe(cause);
    const rejected = new GuestPlatformError('KEY_REJECTED', 'slmgr /ipk failed', '0xC004F069', { cause });
    expect([rejected.code, rejected.hresult, rejected.cause]).toEqual(['KEY_REJECTED', '0xC004F069', cause]);
  });

  it('makes every message one safe line: control characters from interpolated input arrive escaped', () => {
    const error = new CliError('USAGE', 'unexpected argument "AB\x1b[31mC\rD\u2028E"');
    expect(error.message).toBe('unexpected argument "AB\\x1b[31mC\\rD\\u2028E"');
  });

  it('gives the standalone KvpError the same shape without making it a LayerError', () => {
    const cause = new RangeError('offset');
    const error = new KvpError('TRUNCATED_POOL', 'pool is 7 bytes', { offset: 0 }, { cause });
    expect([error.layer, error.code, error.cause, error.offset]).toEqual(['kvp', 'TRUNCATED_POOL', cause, 0]);
    expect(isLayerError(error)).toBe(false);
  });
});
