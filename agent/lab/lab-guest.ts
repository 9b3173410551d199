/**
 * The operating system inside a lab VM: a Windows guest (server or client) with its SPP model and
 * Application log, or a Linux guest running hv_kvp_daemon. Network identity (FQDN, addresses) is part
 * of the guest, so it moves with the VM.
 */
import type { ClientVersion, Edition, ServerVersion } from 'hyperv-kvp';
import { EventLog } from './event-log.js';
import {
  type LinuxOsFacts,
  linuxFacts,
  type WindowsOsFacts,
  windowsClientFacts,
  windowsServerFacts,
} from './guest-os.js';
import type { KeyTarget } from './product-keys.js';
import type { TaskHandle } from './sim-clock.js';
import type { SppModel } from './spp-model.js';

export interface GuestNetwork {
  readonly fqdn: string;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
}

/** A Windows Server or client guest: OS facts, SPP model, Application log, agent state. */
export class WindowsGuest {
  readonly kind = 'windows';
  readonly os: 'windows-server' | 'windows-client';
  readonly version: ServerVersion | ClientVersion;
  readonly spp: SppModel;
  /** The guest's Application log (event 12309 lands here). */
  readonly log: EventLog;
  readonly network: GuestNetwork;
  #edition: Edition;
  #evaluation: boolean;
  #facts: WindowsOsFacts;
  /** The guest agent's saved state (a file under ProgramData on Windows). */
  agentState: string | null = null;
  /** The next AVMA or KMS activation attempt (renewal or retry), if one is scheduled. */
  activationTask: TaskHandle | null = null;

  constructor(
    os: 'windows-server' | 'windows-client',
    version: ServerVersion | ClientVersion,
    edition: Edition,
    evaluation: boolean,
    spp: SppModel,
    network: GuestNetwork,
    maxLogRecords?: number,
  ) {
    this.log = new EventLog(maxLogRecords);
    this.os = os;
    this.version = version;
    this.#edition = edition;
    this.#evaluation = evaluation;
    this.spp = spp;
    this.network = network;
    this.#facts = this.#computeFacts();
  }

  get edition(): Edition {
    return this.#edition;
  }

  get evaluation(): boolean {
    return this.#evaluation;
  }

  get facts(): WindowsOsFacts {
    return this.#facts;
  }

  /** What decides which keys fit this guest. */
  get keyTarget(): KeyTarget {
    return { os: this.os, version: this.version, edition: this.#edition, evaluation: this.#evaluation };
  }

  /** DISM /Set-Edition: a full (non-evaluation) install of `edition` from now on. */
  setEdition(edition: Edition): void {
    this.#edition = edition;
    this.#evaluation = false;
    this.#facts = this.#computeFacts();
  }

  #computeFacts(): WindowsOsFacts {
    return this.os === 'windows-server'
      ? windowsServerFacts(this.version as ServerVersion, this.#edition, this.#evaluation)
      : windowsClientFacts(this.version as ClientVersion, this.#edition);
  }
}

/** A Linux guest as hv_kvp_daemon describes it; it runs no guest agent. */
export class LinuxGuest {
  readonly kind = 'linux';
  readonly facts: LinuxOsFacts;
  readonly network: GuestNetwork;

  constructor(versionId: string, network: GuestNetwork) {
    this.facts = linuxFacts(versionId);
    this.network = network;
  }
}

export type LabGuest = WindowsGuest | LinuxGuest;
