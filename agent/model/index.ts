/**
 * The agent's bottom layer: the host and VM vocabulary that driver, store, decide, usage and the API
 * share. It depends on nothing above it (only on `hyperv-kvp`'s vocabulary).
 */

export { AVMA_GUEST_EVENT_ID, AVMA_HOST_EVENT_ID, type HostEvent, type HostInfo } from './host.js';
export { SPLA_PRODUCTS, type SplaProduct } from './spla-product.js';
export {
  isVmId,
  MAX_VM_MEMORY_BYTES,
  MAX_VM_PROCESSORS,
  memoryBytesOrNull,
  PROBLEM_CODES,
  type Problem,
  type ProblemCode,
  processorCountOrNull,
  type RawVm,
  toVmId,
  VM_ID_FORMAT,
  VM_IDS_IN_TEXT,
  VM_STATES,
  type VmId,
  type VmState,
} from './vm.js';
