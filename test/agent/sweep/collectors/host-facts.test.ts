import { describe, expect, it } from 'vitest';
import type { HypervDriver } from '../../../../agent/driver/hyperv-driver.js';
import type { HostInfo } from '../../../../agent/model/index.js';
import { collectHostFacts, hostFacts } from '../../../../agent/sweep/collectors/host-facts.js';

const INFO: HostInfo = {
  name: 'HV01',
  fqdn: 'hv01.lab.local',
  version: '2022',
  build: 20348,
  edition: 'datacenter',
  activated: true,
  sockets: 2,
  coresPerSocket: [16, 16],
  cluster: 'CL1',
  clusterNodes: ['HV01', 'HV02'],
};

const answering = (info: HostInfo) => ({ hostInfo: async () => info }) as unknown as HypervDriver;

describe('agent/sweep/collectors/host-facts', () => {
  it('returns the facts and maps them to what the store records', async () => {
    const info = await collectHostFacts(answering(INFO));
    expect(hostFacts(info)).toEqual({
      version: '2022',
      build: 20348,
      edition: 'datacenter',
      activated: true,
      sockets: 2,
      coresPerSocket: [16, 16],
      cluster: 'CL1',
    });
  });

  it.each([
    [{ sockets: 0, coresPerSocket: [] }, 'sockets is 0, expected an integer 1..64'],
    [{ coresPerSocket: [16] }, 'coresPerSocket is [16], expected 2 counts 1..1024'],
    [{ name: '' }, 'host name "", expected 1..253 characters'],
  ])('fails the collector for facts the store would refuse (%o)', async (change, message) => {
    await expect(collectHostFacts(answering({ ...INFO, ...change }))).rejects.toThrow(message);
  });
});
