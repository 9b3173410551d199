import { describe, expect, it } from 'vitest';
import { DriverError } from '../../../../agent/driver/driver-error.js';
import { hostInfoFromFacts } from '../../../../agent/driver/powershell/host-facts.js';
import { recordedOk } from './replaying-runner.js';

const facts = recordedOk('host-info.recording.json', 'host-info') as Record<string, unknown>;

function badResponse(value: unknown): string {
  try {
    hostInfoFromFacts(value);
  } catch (error) {
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('BAD_RESPONSE');
    return (error as DriverError).message;
  }
  throw new Error('expected BAD_RESPONSE');
}

describe('agent/driver/powershell/host-facts', () => {
  it('reads a clustered, activated 2022 Datacenter host with two 16-core sockets', () => {
    expect(hostInfoFromFacts(facts)).toEqual({
      name: 'NODE1',
      fqdn: 'node1.contoso.com',
      version: '2022',
      build: 20348,
      edition: 'datacenter',
      activated: true,
      sockets: 2,
      coresPerSocket: [16, 16],
      cluster: 'cluster1',
      clusterNodes: ['node1', 'node2'],
    });
  });

  it('reports a host outside a cluster and outside a domain without cluster or FQDN', () => {
    const info = hostInfoFromFacts({
      ...facts,
      PartOfDomain: 'False',
      Domain: 'WORKGROUP',
      ClusterState: 'not-member',
      ClusterName: '',
      ClusterNodes: [],
      ClusterError: 'The cluster service is not running.',
    });
    expect([info.cluster, info.clusterNodes, info.fqdn]).toEqual([null, [], null]);
  });

  it('is not activated when the licence is in grace or no Windows licence holds a key', () => {
    const grace = [{ Name: 'Windows(R), ServerDatacenter edition', Description: 'x', LicenseStatus: '2' }];
    expect(hostInfoFromFacts({ ...facts, Licensing: grace }).activated).toBe(false);
    expect(hostInfoFromFacts({ ...facts, Licensing: [] }).activated).toBe(false);
  });

  it('maps SKU and build: Standard is standard, Hyper-V Server has no edition, 2012 has no host version', () => {
    expect(hostInfoFromFacts({ ...facts, OperatingSystemSku: '7' }).edition).toBe('standard');
    expect(hostInfoFromFacts({ ...facts, OperatingSystemSku: '42' }).edition).toBeNull();
    expect(hostInfoFromFacts({ ...facts, BuildNumber: '9200', Version: '6.2.9200' }).version).toBeNull();
    expect(hostInfoFromFacts({ ...facts, BuildNumber: '17763' }).version).toBe('2019');
  });

  it("accepts Windows PowerShell 5.1's wrapped arrays ({value, Count}) and null for an empty list", () => {
    const processors = facts.Processors as unknown[];
    const info = hostInfoFromFacts({
      ...facts,
      Processors: { value: processors, Count: 2 },
      ClusterNodes: null,
      ClusterState: 'not-installed',
    });
    expect(info.sockets).toBe(2);
  });

  it('refuses output of another shape with BAD_RESPONSE naming the field', () => {
    expect(badResponse({ ...facts, BuildNumber: 20348 })).toContain('BuildNumber');
    expect(badResponse({ ...facts, Extra: 'x' })).toContain(
      'host-info: result does not match the expected schema',
    );
    expect(badResponse('garbage')).toContain('(top level)');
    expect(badResponse({ ...facts, Processors: [] })).toContain('expected at least one socket');
    expect(badResponse({ ...facts, ClusterName: '' })).toContain('cluster member without a cluster name');
  });
});
