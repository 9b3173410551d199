import { decodeKvpItem, encodeKvpItem, isIpv4, isIpv6, type KvpItem } from 'hyperv-kvp';
import { VM_IDS_IN_TEXT } from '../../../model/index.js';

/**
 * Anonymises recorded answers so an operator can hand them over as fixtures: host, cluster and VM names,
 * domains, FQDNs, IP addresses and GUIDs are replaced consistently (the same original always becomes
 * the same stand-in, in every file), and the data of guest and host KVP items other than the agent's own
 * (`AvmaAgent.*`) is redacted, since tenants put anything there. Structure, item names, XML formatting,
 * versions, SKUs, states and counts are kept: they are what the fixtures are for.
 */

/** GUIDs that identify Microsoft components, not a customer's machines. */
const PUBLIC_GUIDS = new Set([
  '2a34b1c2-fd73-4043-8a5b-dd2159bc743f',
  '55c92734-d682-4d71-983e-d6ec3f16059f',
]);
/** Intrinsic items whose values name the guest or its addresses. */
const ADDRESS_ITEMS = new Set([
  'NetworkAddressIPv4',
  'NetworkAddressIPv6',
  'RDPAddressIPv4',
  'RDPAddressIPv6',
]);
const AGENT_PREFIX = 'AvmaAgent.';

function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Anonymiser {
  readonly #replacements = new Map<string, string>();
  readonly #guids = new Map<string, string>();
  readonly #counters = new Map<string, number>();
  /** Lower-cased match (original or its XML-escaped form) to stand-in; rebuilt after registrations. */
  #forms: Map<string, string> | null = null;
  #pattern: RegExp | null = null;

  #next(kind: string): number {
    const count = (this.#counters.get(kind) ?? 0) + 1;
    this.#counters.set(kind, count);
    return count;
  }

  /** Registers `original` (case-insensitively) to be replaced by a stand-in of `kind`; returns it. */
  name(original: string, kind: 'host' | 'cluster' | 'vm' | 'domain' | 'fqdn'): string {
    const key = original.trim().toLowerCase();
    if (key === '') return original;
    const known = this.#replacements.get(key);
    if (known !== undefined) return known;
    const n = this.#next(kind);
    const standIn = {
      host: `host-${n}`,
      cluster: `cluster-${n}`,
      vm: `vm-${n}`,
      domain: `domain${n}.example`,
      fqdn: `guest-${n}.example`,
    }[kind];
    this.#register(key, standIn);
    return standIn;
  }

  #register(key: string, standIn: string): void {
    this.#replacements.set(key, standIn);
    this.#forms = null;
  }

  /** Stand-in for an IPv4/IPv6 address from the documentation ranges (192.0.2.0/24, 2001:db8::/32). */
  address(original: string): string {
    const key = original.toLowerCase();
    const known = this.#replacements.get(key);
    if (known !== undefined) return known;
    const ipv4 = isIpv4(original);
    const n = this.#next(ipv4 ? 'ipv4' : 'ipv6');
    const standIn = ipv4 ? `192.0.2.${n % 254 || 254}` : `2001:db8::${n.toString(16)}`;
    this.#register(key, standIn);
    return standIn;
  }

  #guid(original: string): string {
    const key = original.toLowerCase();
    if (PUBLIC_GUIDS.has(key)) return original;
    let standIn = this.#guids.get(key);
    if (standIn === undefined) {
      standIn = `00000000-0000-4000-8000-${this.#next('guid').toString(16).padStart(12, '0')}`;
      this.#guids.set(key, standIn);
    }
    return original === original.toUpperCase() ? standIn.toUpperCase() : standIn;
  }

  /** One alternation of every registered name and address, longest first, matched in a single pass. */
  #matcher(): { pattern: RegExp | null; forms: Map<string, string> } {
    if (this.#forms !== null) return { pattern: this.#pattern, forms: this.#forms };
    const forms = new Map<string, string>();
    for (const [original, standIn] of this.#replacements) {
      forms.set(original, standIn);
      forms.set(xmlEscape(original).toLowerCase(), standIn);
    }
    const alternatives = [...forms.keys()].sort((a, b) => b.length - a.length).map(regexEscape);
    this.#forms = forms;
    // Not inside a longer word: "node1" must not rewrite "node10".
    this.#pattern =
      alternatives.length === 0
        ? null
        : new RegExp(`(?<![A-Za-z0-9])(?:${alternatives.join('|')})(?![A-Za-z0-9])`, 'gi');
    return { pattern: this.#pattern, forms };
  }

  /**
   * `value` with every GUID and every registered name and address replaced. One pass, so a stand-in is
   * never rewritten again even when it looks like another original (192.0.2.x addresses).
   */
  text(value: string): string {
    const withGuids = value.replace(VM_IDS_IN_TEXT, (guid) => this.#guid(guid));
    const { pattern, forms } = this.#matcher();
    return pattern === null
      ? withGuids
      : withGuids.replace(pattern, (match) => forms.get(match.toLowerCase()) ?? match);
  }

  /** Registers what an intrinsic item names (FQDN, addresses) before any text is rewritten. */
  learnItem(item: KvpItem): void {
    if (item.name === 'FullyQualifiedDomainName' && item.data.trim() !== '') this.name(item.data, 'fqdn');
    if (ADDRESS_ITEMS.has(item.name)) {
      for (const address of item.data.split(';'))
        if (isIpv4(address.trim()) || isIpv6(address.trim())) this.address(address.trim());
    }
  }

  /**
   * One embedded-instance string: names and addresses rewritten in place (formatting kept); the Data of
   * a guest or host item that is not the agent's own is replaced by "redacted (N characters)".
   * Items that do not decode are replaced whole, since nothing in them can be checked.
   */
  item(xml: string, redactData: boolean): string {
    let item: KvpItem;
    try {
      item = decodeKvpItem(xml);
    } catch {
      return encodeKvpItem({ name: 'Undecodable', data: `redacted (${xml.length} characters)`, source: 0 });
    }
    if (!redactData || item.name.startsWith(AGENT_PREFIX) || item.data === '') return this.text(xml);
    const redacted = `redacted (${item.data.length} characters)`;
    const escaped = xmlEscape(item.data);
    const rewritten = xml.includes(`>${escaped}<`) ? xml.replace(`>${escaped}<`, `>${redacted}<`) : null;
    return this.text(rewritten ?? encodeKvpItem({ name: item.name, data: redacted, source: item.source }));
  }
}
