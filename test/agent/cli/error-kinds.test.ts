import { KVP_ERROR_CODES, KvpError } from 'hyperv-kvp';
import { describe, expect, it } from 'vitest';
import { CLI_ERROR_CODES } from '../../../agent/cli/cli-error.js';
import { classifyError, ERROR_KINDS } from '../../../agent/cli/error-kinds.js';
import { DriverError } from '../../../agent/driver/driver-error.js';
import { LabError } from '../../../agent/lab/lab-error.js';
import { RuntimeError } from '../../../agent/runtime/runtime-error.js';
import { STORE_ERROR_CODES, StoreError } from '../../../agent/store/errors.js';
import { SweepError } from '../../../agent/sweep/sweep-error.js';
import { AVMA_ERROR_CODES } from '../../../shared/avma/index.js';

describe('agent/cli/error-kinds', () => {
  it('classifies every code of the closed code lists, and nothing else', () => {
    expect(Object.keys(ERROR_KINDS.kvp)).toEqual([...KVP_ERROR_CODES]);
    expect(Object.keys(ERROR_KINDS.store)).toEqual([...STORE_ERROR_CODES]);
    expect(Object.keys(ERROR_KINDS.avma)).toEqual([...AVMA_ERROR_CODES]);
    expect(Object.keys(ERROR_KINDS.cli)).toEqual([...CLI_ERROR_CODES]);
  });

  it('tells the person’s mistakes from the environment’s failures', () => {
    expect(classifyError(new StoreError('NOT_FOUND', 'no such database'))).toEqual({
      layer: 'store',
      code: 'NOT_FOUND',
      kind: 'bad-input',
    });
    expect(classifyError(new StoreError('LOCKED', 'locked')).kind).toBe('operational');
    expect(classifyError(new DriverError('HOST_UNAVAILABLE', 'HV01 does not answer')).kind).toBe(
      'operational',
    );
    expect(classifyError(new DriverError('INVALID_ARGUMENT', 'unknown host')).kind).toBe('bad-input');
    expect(classifyError(new KvpError('MALFORMED_XML', 'not XML')).kind).toBe('bad-input');
    expect(classifyError(new LabError('INVALID_OPERATION', 'clock advanced inside a task')).kind).toBe(
      'internal',
    );
  });

  it('gives a code that only wraps the layer below the kind of what it wraps', () => {
    const missing = new StoreError('NOT_FOUND', 'database x does not exist');
    const locked = new StoreError('LOCKED', 'database x is locked');
    expect(classifyError(new RuntimeError('STORE_UNAVAILABLE', 'm', { cause: missing }))).toEqual({
      layer: 'runtime',
      code: 'STORE_UNAVAILABLE',
      kind: 'bad-input',
    });
    expect(classifyError(new SweepError('STORE_UNAVAILABLE', 'm', { cause: locked })).kind).toBe(
      'operational',
    );
    const unknownHost = new DriverError('INVALID_ARGUMENT', 'unknown lab host "HV99"');
    expect(classifyError(new RuntimeError('DRIVER_UNAVAILABLE', 'm', { cause: unknownHost })).kind).toBe(
      'bad-input',
    );
    const plain = new RuntimeError('STORE_UNAVAILABLE', 'm', { cause: new Error('EACCES') });
    expect(classifyError(plain).kind).toBe('operational');
  });

  it('recognises errors by type, not by name: anything else is internal', () => {
    expect(classifyError(new TypeError('x is undefined'))).toEqual({
      layer: null,
      code: null,
      kind: 'internal',
    });
    const impostor = Object.assign(new Error('looks like one'), { name: 'KvpError', code: 'MALFORMED_XML' });
    expect(classifyError(impostor).kind).toBe('internal');
    expect(classifyError('a thrown string').kind).toBe('internal');
  });
});
