export {
  AVMA_KEY_TABLE,
  AVMA_KEYS,
  type AvmaEdition,
  type AvmaKeyEntry,
  avmaKeyByPartialKey,
  avmaKeyEntry,
  avmaKeyFor,
  SEED_2019_STANDARD_RENDERING,
} from './avma-keys.js';
export {
  CHANNELS,
  type Channel,
  type EligibilityInput,
  type EligibilityResult,
  evaluateEligibility,
  type GuestIdentity,
  REASON_CODES,
  type ReasonCode,
  TENANT_CHANNELS,
} from './eligibility.js';
export { AVMA_ERROR_CODES, AvmaError, type AvmaErrorCode, quoteInput } from './errors.js';
export {
  type ActivationEvent,
  AVMA_NOTIFICATION_INFO,
  AVMA_NOTIFICATIONS,
  type AvmaNotification,
  type AvmaNotificationInfo,
  activationEvent,
  EVENT_CATALOGUE,
  type EventSide,
  hresultForNotification,
  notificationFromHresult,
  SECURITY_SPP_PROVIDER,
} from './events.js';
export {
  GVLK_EDITIONS,
  GVLKS,
  type GvlkEdition,
  type GvlkEntry,
  type GvlkVersion,
  gvlkEntry,
  gvlkFor,
  WINDOWS_CLIENT_RELEASES,
  type WindowsClientRelease,
} from './gvlk.js';
export { HRESULT_CATALOGUE, type HresultEntry } from './hresult-catalogue.js';
export { formatHresult, type HresultInfo, isKnownHresult, lookupHresult, parseHresult } from './hresults.js';
export {
  classifyProductKey,
  expectAvmaKey,
  type KeyClassification,
  type KeyKind,
  normalizeProductKey,
  PRODUCT_KEY_ALPHABET,
} from './key-classifier.js';
export {
  GRACE_STATUSES,
  isGraceStatus,
  LICENSE_STATUS_WMI_NAMES,
  LICENSE_STATUSES,
  type LicenseStatus,
  type LicenseStatusWmiName,
  licenseStatusCode,
  licenseStatusFromCode,
  licenseStatusWmiName,
  parseLicenseStatus,
} from './license-status.js';
export {
  AVMA_MATRIX,
  guestVersionsForHost,
  hostActivatesGuest,
  isAvmaGuestVersion,
  type MatrixOptions,
  OLDEST_AVMA_GUEST,
  type SemiAnnualRule,
} from './matrix.js';
export { MAX_SLMGR_OUTPUT_CHARS, parseSlmgrOutput } from './slmgr-parser.js';
export type {
  AvmaClientInfo,
  KmsClientInfo,
  KmsHostInfo,
  KmsRequestCounts,
  SlmgrExpiration,
  SlmgrKeyKind,
  SlmgrReport,
} from './slmgr-report.js';
export {
  CORES_PER_PACK,
  MIN_CORES_PER_PROCESSOR,
  type SplaCoreLicences,
  type SplaHost,
  splaCoreLicenses,
  VL_MIN_CORES_PER_SERVER,
} from './spla.js';
export { UNATTEND_COMPONENT, UNATTEND_PASS, unattendProductKeyFragment } from './unattend.js';
export { parseEdition, parseServerVersion, serverProductName } from './vocabulary.js';
