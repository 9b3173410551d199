/**
 * Which drivers exist and how a configuration becomes one `HypervDriver` per host. The map is explicit
 * and each entry loads its module only when chosen, so running the lab never loads PowerShell code
 * (and the reverse). The `powershell` driver is added by its own issue.
 */
import { DriverError } from './driver-error.js';
import type { HypervDriver } from './hyperv-driver.js';

export interface DriverConfig {
  /** Driver name; `lab` when absent. */
  readonly driver?: string;
  /** Connect only to these hosts (names as configured); every host the driver knows when absent. */
  readonly hosts?: readonly string[];
  /** Driver-specific options; each driver validates its own. */
  readonly options?: unknown;
}

/** What every driver module exports. */
export interface DriverModule {
  /** One connected driver per configured host. Rejects with `DriverError`. */
  createDrivers(config: DriverConfig): Promise<HypervDriver[]>;
}

export const DRIVER_LOADERS = Object.freeze({
  lab: (): Promise<DriverModule> => import('./lab/lab-driver.js'),
  powershell: (): Promise<DriverModule> => import('./powershell/powershell-driver.js'),
});
export type DriverName = keyof typeof DRIVER_LOADERS;
export const DRIVER_NAMES: readonly DriverName[] = Object.freeze(Object.keys(DRIVER_LOADERS) as DriverName[]);
export const DEFAULT_DRIVER: DriverName = 'lab';

/** True for a name the registry can load. Never throws. */
export function isDriverName(name: string): name is DriverName {
  return Object.hasOwn(DRIVER_LOADERS, name);
}

/**
 * Loads the module of a driver by name. Rejects with `DriverError` INVALID_ARGUMENT naming every valid
 * choice when the name is unknown.
 */
export async function loadDriverModule(name: string): Promise<DriverModule> {
  if (!isDriverName(name)) {
    const shown = JSON.stringify(String(name).slice(0, 40));
    throw new DriverError(
      'INVALID_ARGUMENT',
      `unknown driver ${shown}, expected one of ${DRIVER_NAMES.join(', ')}`,
    );
  }
  return DRIVER_LOADERS[name]();
}

/**
 * Turns a configuration into one connected driver per host (default driver: `lab`). Rejects with
 * `DriverError` INVALID_ARGUMENT for an unknown driver, unknown hosts or invalid options.
 */
export async function createDrivers(config: DriverConfig = {}): Promise<HypervDriver[]> {
  const module = await loadDriverModule(config.driver ?? DEFAULT_DRIVER);
  return module.createDrivers(config);
}
