import { describe, expect, it } from 'vitest';
import { DriverError } from '../../../agent/driver/driver-error.js';
import {
  createDrivers,
  DEFAULT_DRIVER,
  DRIVER_NAMES,
  loadDriverModule,
} from '../../../agent/driver/registry.js';

describe('agent/driver/registry', () => {
  it('uses the lab driver by default', () => {
    expect(DEFAULT_DRIVER).toBe('lab');
    expect(DRIVER_NAMES).toContain('lab');
  });

  it('loads a driver module on demand and it can create drivers', async () => {
    const module = await loadDriverModule('lab');
    expect(typeof module.createDrivers).toBe('function');
  });

  it('refuses an unknown driver with INVALID_ARGUMENT listing every valid choice', async () => {
    const error = await createDrivers({ driver: 'vmware' }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('INVALID_ARGUMENT');
    expect((error as DriverError).message).toBe(
      `unknown driver "vmware", expected one of ${DRIVER_NAMES.join(', ')}`,
    );
  });

  it('does not treat inherited object keys as driver names', async () => {
    await expect(loadDriverModule('toString')).rejects.toThrow(/unknown driver "toString"/);
  });
});
