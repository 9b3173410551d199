export * from './cim-xml-decode.js';
export * from './cim-xml-encode.js';
export * from './constants.js';
export * from './errors.js';
export {
  addressList,
  dnsName,
  type GuestArchitecture,
  isIpv4,
  isIpv6,
  linuxArchitecture,
  trimValue,
  windowsArchitecture,
} from './guest-values.js';
export { type GuestIdentity, type GuestOs, identifyGuest } from './identify.js';
export {
  isKvpSource,
  KVP_SOURCE,
  KVP_SOURCES,
  type KvpItem,
  type KvpItemInput,
  type KvpSource,
} from './item.js';
export * from './limits.js';
export * from './mapping.js';
export * from './pool-file.js';
export { firstInvalidUtf8Byte } from './utf8.js';
export * from './windows-release.js';
