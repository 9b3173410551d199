/**
 * Activation HRESULTs with their symbols and message texts: what `Slui.exe 0x2a <code>` shows.
 * Messages are quoted verbatim (including slerror.h's double space in 0xC004F039).
 */

export interface HresultEntry {
  /** `0x` + eight uppercase hex digits. */
  readonly code: string;
  readonly symbol: string;
  readonly message: string;
  /** A more useful reading of an ambiguous message, where a source gives one. */
  readonly detail?: string;
  readonly source: string;
}

/** Windows SDK `slerror.h` ("Software Licensing" error definitions), public copy read via the code index. */
const SLERROR_H = 'Windows SDK slerror.h';
/** Windows SDK `winerror.h`; the codes appear as HRESULT_FROM_WIN32 (0x8007xxxx) of the Win32 error. */
const WINERROR_H = 'Windows SDK winerror.h (HRESULT_FROM_WIN32)';

function hr(code: string, symbol: string, message: string, source: string, detail?: string): HresultEntry {
  return Object.freeze(
    detail === undefined ? { code, symbol, message, source } : { code, symbol, message, detail, source },
  );
}

/**
 * Seed 004 (Volume Activation Operations Guide, zh-CN, table 2) and Microsoft's activation-error-codes.md
 * both say the slerror.h text for 0xC004F035 is misleading; this is the corrected text Microsoft gives.
 */
const C004F035_DETAIL =
  'Error: Invalid Volume License Key. In order to activate, you need to change your product key to a valid ' +
  'Multiple Activation Key (MAK) or Retail key. The computer is missing the Windows marker in its BIOS that ' +
  'KMS client activation requires.';

export const HRESULT_CATALOGUE: readonly HresultEntry[] = Object.freeze([
  // "Inherited activation": the AVMA block.
  hr(
    '0xC004FD00',
    'SL_E_IA_THROTTLE_LIMIT_EXCEEDED',
    "You've reached the request limit for automatic virtual machine activation. Try again later.",
    SLERROR_H,
  ),
  hr(
    '0xC004FD01',
    'SL_E_IA_INVALID_VIRTUALIZATION_PLATFORM',
    "Windows isn't running on a supported Microsoft Hyper-V virtualization platform.",
    SLERROR_H,
  ),
  hr(
    '0xC004FD02',
    'SL_E_IA_PARENT_PARTITION_NOT_ACTIVATED',
    "Windows isn't activated on the host machine. Please contact your system administrator.",
    SLERROR_H,
  ),
  hr(
    '0xC004FD03',
    'SL_E_IA_ID_MISMATCH',
    "The host machine can't activate the edition of Windows on the virtual machine.",
    SLERROR_H,
  ),
  hr('0xC004FD04', 'SL_E_IA_MACHINE_NOT_BOUND', "Windows isn't activated.", SLERROR_H),
  hr(
    '0xC004F069',
    'SL_E_MISMATCHED_PRODUCT_SKU',
    'The Software Licensing Service reported that the product SKU is not found.',
    SLERROR_H,
  ),
  // Activation server (MAK) errors.
  hr(
    '0xC004B100',
    'SL_E_SRV_GENERAL_ERROR',
    'The activation server determined that the product could not be activated.',
    SLERROR_H,
  ),
  hr(
    '0xC004C001',
    'SL_E_CHPA_PRODUCT_KEY_OUT_OF_RANGE',
    'The activation server determined the specified product key is invalid.',
    SLERROR_H,
  ),
  hr(
    '0xC004C003',
    'SL_E_CHPA_PRODUCT_KEY_BLOCKED',
    'The activation server determined the specified product key has been blocked.',
    SLERROR_H,
  ),
  hr(
    '0xC004C008',
    'SL_E_CHPA_MAXIMUM_UNLOCK_EXCEEDED',
    'The activation server reported that the product key has exceeded its unlock limit.',
    SLERROR_H,
  ),
  hr(
    '0xC004C020',
    'SL_E_CHPA_DMAK_LIMIT_EXCEEDED',
    'The activation server reported that the Multiple Activation Key has exceeded its limit.',
    SLERROR_H,
  ),
  hr(
    '0xC004C021',
    'SL_E_CHPA_DMAK_EXTENSION_LIMIT_EXCEEDED',
    'The activation server reported that the Multiple Activation Key extension limit has been exceeded.',
    SLERROR_H,
  ),
  hr(
    '0xC004E003',
    'SL_E_EVALUATION_FAILED',
    'The Software Licensing Service reported that license evaluation failed.',
    SLERROR_H,
  ),
  // Software Licensing Service (client) errors and grace reasons.
  hr(
    '0xC004F009',
    'SL_E_GRACE_TIME_EXPIRED',
    'The Software Licensing Service reported that the grace period expired.',
    SLERROR_H,
  ),
  hr(
    '0x4004F00C',
    'SL_I_OOB_GRACE_PERIOD',
    'The Software Licensing Service reported that the application is running within the valid grace period.',
    SLERROR_H,
  ),
  hr(
    '0x4004F00D',
    'SL_I_OOT_GRACE_PERIOD',
    'The Software Licensing Service reported that the application is running within the valid out of tolerance grace period.',
    SLERROR_H,
  ),
  hr(
    '0xC004F00F',
    'SL_E_OUT_OF_TOLERANCE',
    'The Software Licensing Service reported that the hardware ID binding is beyond the level of tolerance.',
    SLERROR_H,
  ),
  hr(
    '0xC004F014',
    'SL_E_PKEY_NOT_INSTALLED',
    'The Software Licensing Service reported that the product key is not available.',
    SLERROR_H,
  ),
  hr(
    '0xC004F015',
    'SL_E_PRODUCT_SKU_NOT_INSTALLED',
    'The Software Licensing Service reported that the license is not installed.',
    SLERROR_H,
  ),
  hr(
    '0xC004F02C',
    'SL_E_CIDIID_INVALID_DATA',
    'The Software Licensing Service reported that the format for the offline activation data is incorrect.',
    SLERROR_H,
  ),
  hr(
    '0xC004F035',
    'SL_E_VL_NOT_WINDOWS_SLP',
    'The Software Licensing Service reported that the computer could not be activated with a Volume license product key. Volume-licensed systems require upgrading from a qualifying operating system. Please contact your system administrator or use a different type of key.',
    SLERROR_H,
    C004F035_DETAIL,
  ),
  hr(
    '0xC004F038',
    'SL_E_VL_NOT_ENOUGH_COUNT',
    'The Software Licensing Service reported that the product could not be activated. The count reported by your Key Management Service (KMS) is insufficient. Please contact your system administrator.',
    SLERROR_H,
  ),
  hr(
    '0xC004F039',
    'SL_E_VL_BINDING_SERVICE_NOT_ENABLED',
    'The Software Licensing Service reported that the product could not be activated.  The Key Management Service (KMS) is not enabled.',
    SLERROR_H,
  ),
  hr(
    '0xC004F041',
    'SL_E_VL_KEY_MANAGEMENT_SERVICE_NOT_ACTIVATED',
    'The Software Licensing Service determined that the Key Management Service (KMS) is not activated. KMS needs to be activated. Please contact system administrator.',
    SLERROR_H,
  ),
  hr(
    '0xC004F042',
    'SL_E_VL_KEY_MANAGEMENT_SERVICE_ID_MISMATCH',
    'The Software Licensing Service determined that the specified Key Management Service (KMS) cannot be used.',
    SLERROR_H,
  ),
  hr(
    '0xC004F050',
    'SL_E_INVALID_PRODUCT_KEY',
    'The Software Licensing Service reported that the product key is invalid.',
    SLERROR_H,
  ),
  hr(
    '0xC004F051',
    'SL_E_BLOCKED_PRODUCT_KEY',
    'The Software Licensing Service reported that the product key is blocked.',
    SLERROR_H,
  ),
  hr(
    '0xC004F056',
    'SL_E_VL_MACHINE_NOT_BOUND',
    'The Software Licensing Service reported that the product could not be activated using the Key Management Service (KMS).',
    SLERROR_H,
  ),
  hr(
    '0xC004F064',
    'SL_E_NONGENUINE_GRACE_TIME_EXPIRED',
    'The Software Licensing Service reported that the non-genuine grace period expired.',
    SLERROR_H,
  ),
  // Microsoft's activation-error-codes.md lists this as 0xC004F065; slerror.h defines it as informational.
  hr(
    '0x4004F065',
    'SL_I_NONGENUINE_GRACE_PERIOD',
    'The Software Licensing Service reported that the application is running within the valid non-genuine grace period.',
    SLERROR_H,
  ),
  hr(
    '0xC004F06B',
    'SL_E_VL_KEY_MANAGEMENT_SERVICE_VM_NOT_SUPPORTED',
    'The Software Licensing Service determined that it is running in a virtual machine. The Key Management Service (KMS) is not supported in this mode.',
    SLERROR_H,
  ),
  hr(
    '0xC004F06C',
    'SL_E_VL_INVALID_TIMESTAMP',
    'The Software Licensing Service reported that the product could not be activated. The Key Management Service (KMS) determined that the request timestamp is invalid.',
    SLERROR_H,
  ),
  hr(
    '0xC004F074',
    'SL_E_VL_BINDING_SERVICE_UNAVAILABLE',
    'The Software Licensing Service reported that the product could not be activated. No Key Management Service (KMS) could be contacted. Please see the Application Event Log for additional information.',
    SLERROR_H,
  ),
  // Win32 errors KMS clients and hosts report (named in activation-error-codes.md and seeds 001/004).
  hr('0x80070005', 'ERROR_ACCESS_DENIED', 'Access is denied.', WINERROR_H),
  hr('0x800706BA', 'RPC_S_SERVER_UNAVAILABLE', 'The RPC server is unavailable.', WINERROR_H),
  hr('0x8007232A', 'DNS_ERROR_RCODE_SERVER_FAILURE', 'DNS server failure.', WINERROR_H),
  hr('0x8007232B', 'DNS_ERROR_RCODE_NAME_ERROR', 'DNS name does not exist.', WINERROR_H),
  hr('0x8007251D', 'DNS_INFO_NO_RECORDS', 'No records found for given DNS query.', WINERROR_H),
  hr('0x8007267C', 'DNS_ERROR_NO_DNS_SERVERS', 'No DNS servers configured for local system.', WINERROR_H),
]);
