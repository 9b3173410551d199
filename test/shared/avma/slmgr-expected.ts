/** Hand-written expected parses of the slmgr fixtures (read line by line from the fixture files). */
import type { SlmgrReport } from '../../../shared/avma/src/slmgr-report.js';

const NO_PRODUCT_FIELDS = {
  serviceVersion: null,
  name: null,
  description: null,
  channel: null,
  keyKind: null,
  activationId: null,
  applicationId: null,
  extendedPid: null,
  productKeyChannel: null,
  installationId: null,
  processorCertificateUrl: null,
  machineCertificateUrl: null,
  useLicenseUrl: null,
  productKeyCertificateUrl: null,
  validationUrl: null,
  partialProductKey: null,
  licenseStatus: null,
  licenseStatusText: null,
  notificationReason: null,
  expiration: null,
  evaluationEndDate: null,
  remainingWindowsRearmCount: null,
  remainingSkuRearmCount: null,
  remainingAppRearmCount: null,
  trustedTime: null,
  configuredActivationType: null,
  kmsClient: null,
  kmsHost: null,
  kmsRequests: null,
  avma: null,
  other: {},
  notes: [],
} satisfies SlmgrReport;

const KMS_HOST = { currentCount: 2, listeningOnPort: 1688, dnsPublishingEnabled: true, priority: 'Normal' };
const KMS_REQUESTS = {
  totalRequestsReceived: 826,
  failedRequestsReceived: 0,
  unlicensed: 0,
  licensed: 826,
  initialGracePeriod: 0,
  licenseExpiredOrHardwareOutOfTolerance: 0,
  nonGenuineGracePeriod: 0,
  notification: 0,
};

export const SEED_KMS_CLIENT_DLI: SlmgrReport = {
  ...NO_PRODUCT_FIELDS,
  name: 'Windows(R) 7, Enterprise edition',
  description: 'Windows Operating System - Windows(R) 7, VOLUME_KMSCLIENT channel',
  channel: 'VOLUME_KMSCLIENT',
  keyKind: 'gvlk',
  partialProductKey: 'DVQ7P',
  licenseStatus: 'licensed',
  licenseStatusText: 'Licensed',
  expiration: { kind: 'volume', minutes: 243720, days: 169 },
  kmsClient: {
    clientMachineId: '2ffcfc30-6a6a-49ec-92b8-f6150c7df211',
    registeredKmsMachineName: null,
    kmsLookupDomain: null,
    kmsMachineNameFromDns: 'emeronb10-rc3.sppvltest.net:1688',
    kmsMachineIpAddress: null,
    kmsMachineExtendedPid: '55041-00140-015-871562-03-1033-7078.0000-0992009',
    activationIntervalMinutes: 15,
    renewalIntervalMinutes: 25,
    hostCachingEnabled: true,
  },
};

export const SEED_KMS_HOST_DLI: SlmgrReport = {
  ...NO_PRODUCT_FIELDS,
  name: 'Windows Server(R), ServerEnterprise edition',
  description: 'Windows Operating System - Windows Server(R), VOLUME_KMS_C channel',
  channel: 'VOLUME_KMS_C',
  keyKind: 'kms-host',
  partialProductKey: 'PYWKV',
  licenseStatus: 'licensed',
  licenseStatusText: 'Licensed',
  kmsHost: KMS_HOST,
  kmsRequests: KMS_REQUESTS,
};

export const SEED_KMS_HOST_DLV: SlmgrReport = {
  ...SEED_KMS_HOST_DLI,
  activationId: 'fed62577-3bef-4309-90e8-671abdc076d8',
  applicationId: '55c92734-d682-4d71-983e-d6ec3f16059f',
  extendedPid: '55041-00140-015-871562-03-1033-7078.0000-0992009',
  installationId: '007770007653131654256624425615586710406244931761974006',
  processorCertificateUrl: 'http://go.microsoft.com/fwlink/?LinkID=88342',
  machineCertificateUrl: 'http://go.microsoft.com/fwlink/?LinkID=88343',
  useLicenseUrl: 'http://go.microsoft.com/fwlink/?LinkID=88345',
  productKeyCertificateUrl: 'http://go.microsoft.com/fwlink/?LinkID=88344',
  evaluationEndDate: '6/1/2010 4:59:59 PM',
  remainingWindowsRearmCount: 3,
  trustedTime: '4/28/2009 2:32:10 PM',
};

export const SERVER_2019_GVLK_NOTIFICATION_DLV: SlmgrReport = {
  ...NO_PRODUCT_FIELDS,
  serviceVersion: '10.0.17763.2028',
  name: 'Windows(R), ServerStandard edition',
  description: 'Windows(R) Operating System, VOLUME_KMSCLIENT channel',
  channel: 'VOLUME_KMSCLIENT',
  keyKind: 'gvlk',
  activationId: 'de32eafd-aaee-4662-9444-c1befb41bde2',
  applicationId: '55c92734-d682-4d71-983e-d6ec3f16059f',
  extendedPid: '03612-04297-000-000000-03-1033-17763.0000-1862025',
  productKeyChannel: 'Volume:GVLK',
  installationId: '189844539606059265855451803261440643485915018321605276862695924',
  partialProductKey: 'J464C',
  licenseStatus: 'notification',
  licenseStatusText: 'Notification',
  notificationReason: '0xC004F00F',
  remainingWindowsRearmCount: 1001,
  remainingSkuRearmCount: 1001,
  trustedTime: '7/5/2025 9:13:33 AM',
  configuredActivationType: 'All',
  notes: [
    'Please use slmgr.vbs /ato to activate and update KMS client information in order to update values.',
  ],
};

export const RETAIL_PRO_DLI: SlmgrReport = {
  ...NO_PRODUCT_FIELDS,
  name: 'Windows(R), Professional edition',
  description: 'Windows(R) Operating System, RETAIL channel',
  channel: 'RETAIL',
  keyKind: 'retail',
  partialProductKey: '3V66T',
  licenseStatus: 'licensed',
  licenseStatusText: 'Licensed',
};

export const AVMA_COMPOSED_DLI: SlmgrReport = {
  ...NO_PRODUCT_FIELDS,
  name: 'Windows(R), ServerStandard edition',
  description: 'Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel',
  channel: 'VIRTUAL_MACHINE_ACTIVATION',
  keyKind: 'avma',
  partialProductKey: '4GF74',
  licenseStatus: 'licensed',
  licenseStatusText: 'Licensed',
  expiration: { kind: 'avma', minutes: 9835, days: 6 },
  avma: {
    guestIaid: null,
    hostMachineName: 'HV01',
    activationTime: '11/5/2026 10:00:00 AM',
    hostDigitalPid2: null,
  },
};
