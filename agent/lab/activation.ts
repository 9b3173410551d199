/**
 * Activation requests of lab guests: the AVMA exchange with the host (architecture §5) and the KMS
 * client's request, which the lab answers only when a KMS host is configured.
 *
 * AVMA rules (Microsoft's AVMA page): the host must be Datacenter, activated, of a version that
 * activates the guest's version (shared/avma's matrix, not a copy), and Data Exchange must be on. The
 * outcome names and HRESULTs come from shared/avma (`hresultForNotification`, whose pairing is
 * UNCONFIRMED). Lab decisions where no source gives the exact symptom, all UNCONFIRMED:
 * - host down, Data Exchange off, Standard host: Invalid Host (0xC004FD01), the host logs nothing
 *   (the request never reaches an AVMA-capable host);
 * - host (or, with `clusterActivation: all-nodes`, any cluster node) not activated: Invalid Host with
 *   0xC004FD02, logged by the host;
 * - the installed AVMA key is not the one for the guest's own version and edition (left behind by an
 *   in-place upgrade): Invalid Data ("data mismatch"), logged by the host;
 * - host too old for the guest: Activation Denied, logged by the host.
 * The host logs 12310, the guest 12309; both under Microsoft-Windows-Security-SPP (provider UNCONFIRMED).
 */
import type { ServerVersion } from 'hyperv-kvp';
import {
  AVMA_NOTIFICATION_INFO,
  type AvmaNotification,
  hostActivatesGuest,
  hresultForNotification,
  SECURITY_SPP_PROVIDER,
} from '../../shared/avma/index.js';
import type { LabHost } from './host-model.js';
import type { WindowsGuest } from './lab-guest.js';
import type { LabSettings } from './lab-settings.js';
import { keyFitsTarget } from './product-keys.js';
import type { LabVm } from './vm-model.js';

export const AVMA_GUEST_EVENT_ID = 12309;
export const AVMA_HOST_EVENT_ID = 12310;
/** SL_E_KMS_NOT_FOUND-style "No Key Management Service (KMS) could be contacted" (slerror.h 0xC004F074). */
export const KMS_UNREACHABLE = '0xC004F074';

export interface AvmaOutcome {
  readonly notification: AvmaNotification;
  readonly hresult: string;
  /** The request reached an AVMA-capable host, which logged 12310. */
  readonly reachedHost: boolean;
  /** Why, in a few words (for the lab's own report). */
  readonly cause: string;
}

export interface AvmaRequest {
  readonly host: LabHost;
  /** Every node of the host's cluster (the host alone when it has none). */
  readonly clusterNodes: readonly LabHost[];
  readonly clusterActivation: LabSettings['clusterActivation'];
  readonly dataExchange: boolean;
  readonly guest: WindowsGuest;
}

function outcome(
  notification: AvmaNotification,
  reachedHost: boolean,
  cause: string,
  hostNotActivated = false,
) {
  const hresult = hresultForNotification(notification, hostNotActivated ? 'host-not-activated' : null);
  return Object.freeze({ notification, hresult, reachedHost, cause });
}

/** Decides what the host answers a guest's AVMA request, checking the rules in the order above. */
export function decideAvma(request: AvmaRequest): AvmaOutcome {
  const { host, guest } = request;
  if (!host.up) return outcome('invalid-host', false, `host ${host.name} is down`);
  if (!request.dataExchange) return outcome('invalid-host', false, 'Data Exchange is off');
  if (host.edition !== 'datacenter')
    return outcome('invalid-host', false, `host ${host.name} is not Datacenter`);
  const nodes = request.clusterActivation === 'all-nodes' ? request.clusterNodes : [host];
  const inactive = nodes.find((node) => !node.activated);
  if (inactive !== undefined)
    return outcome('invalid-host', true, `host ${inactive.name} is not activated`, true);
  const key = guest.spp.key?.key ?? '';
  if (guest.os !== 'windows-server' || !keyFitsTarget(key, guest.keyTarget)) {
    return outcome('invalid-data', true, 'the AVMA key does not match the guest');
  }
  if (!hostActivatesGuest(host.version, guest.version as ServerVersion)) {
    return outcome(
      'activation-denied',
      true,
      `a ${host.version} host cannot activate a ${guest.version} guest`,
    );
  }
  return outcome('avma-success', true, 'activated');
}

/**
 * Runs one AVMA request of `vm` against `host` at `now`: decides, writes 12310 on the host when the
 * request reached it and 12309 on the guest, and updates the guest's licence. Never throws.
 */
export function performAvmaRequest(vm: LabVm, request: AvmaRequest, now: number): AvmaOutcome {
  const decision = decideAvma(request);
  const { host, guest } = request;
  const info = AVMA_NOTIFICATION_INFO[decision.notification];
  const time = new Date(now).toISOString();
  if (decision.reachedHost) {
    host.log.write({
      eventId: AVMA_HOST_EVENT_ID,
      provider: SECURITY_SPP_PROVIDER,
      time,
      message: `AVMA request from virtual machine ${vm.name} (${vm.id}): ${info.title} (${decision.hresult})`,
      data: {
        VirtualMachineName: vm.name,
        VirtualMachineId: vm.id,
        GuestFullyQualifiedDomainName: guest.network.fqdn,
        Notification: info.title,
        Result: decision.hresult,
      },
    });
  }
  guest.log.write({
    eventId: AVMA_GUEST_EVENT_ID,
    provider: SECURITY_SPP_PROVIDER,
    time,
    // Message text is UNCONFIRMED; the guest agent reads the title, the first 0x HRESULT and the
    // "Host machine name:" label (slmgr's wording), so the lab writes all three.
    message: `${info.title}: ${info.description} Result: ${decision.hresult}. Host machine name: ${host.name}`,
    data: { Notification: info.title, Result: decision.hresult, HostMachineName: host.name },
  });
  if (decision.notification === 'avma-success') guest.spp.activated(now, host.name);
  else guest.spp.activationFailed(now, decision.hresult);
  return decision;
}

/**
 * A KMS client's activation request: the lab simulates no KMS host unless `kmsHostAvailable`, so
 * without one it fails with 0xC004F074 and the licence runs on until its validity ends. Returns
 * whether it succeeded. Never throws.
 */
export function performKmsRequest(guest: WindowsGuest, settings: LabSettings, now: number): boolean {
  if (settings.kmsHostAvailable) {
    guest.spp.activated(now);
    return true;
  }
  guest.spp.activationFailed(now, KMS_UNREACHABLE);
  return false;
}
