/** The shared lab server and its client driver: the clock's grid, host errors over the wire, bad replies. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LabClientDriver,
  labStatus,
  reportRecorded,
} from '../../../../agent/driver/lab/lab-client-driver.js';
import { type RunningLabServer, startLabServer } from '../../../../agent/driver/lab/lab-server.js';
import { Lab } from '../../../../agent/lab/lab.js';
import { validateScenario } from '../../../../agent/lab/scenario-loader.js';
import { server as guest, scenario } from '../../sweep/sweep-kit.js';

const START = Date.parse('2026-11-01T00:00:00Z');
const INTERVAL = 15 * 60_000;
const SCENARIO = validateScenario(
  scenario(
    [
      {
        name: 'web01',
        host: 'HV01',
        tenant: 'contoso',
        guest: guest('2019', 'standard', 'gvlk', 'unlicensed'),
      },
    ],
    [{ at: '2026-11-01T00:05:00Z', type: 'host-down', host: 'HV02' }],
  ),
);

describe('agent/driver/lab/lab-server', () => {
  let running: RunningLabServer | null = null;
  afterEach(async () => {
    await running?.close();
    running = null;
  });

  it('steps its clock only when every host was recorded at the current tick, and stops at --until', async () => {
    running = await startLabServer({
      lab: await Lab.create(SCENARIO),
      intervalMs: INTERVAL,
      until: START + INTERVAL,
      port: 0,
    });
    const url = running.url;
    expect(await labStatus(url)).toMatchObject({
      now: START,
      done: false,
      hosts: ['HV01', 'HV02'],
      recorded: [],
    });
    expect(await reportRecorded(url, 'hv01', START)).toMatchObject({ now: START, recorded: ['HV01'] });
    // A report for another tick (a slow agent) changes nothing.
    expect(await reportRecorded(url, 'HV02', START + INTERVAL)).toMatchObject({
      now: START,
      recorded: ['HV01'],
    });
    expect(await reportRecorded(url, 'HV02', START)).toMatchObject({ now: START + INTERVAL, recorded: [] });
    await reportRecorded(url, 'HV01', START + INTERVAL);
    expect(await reportRecorded(url, 'HV02', START + INTERVAL)).toMatchObject({
      now: START + INTERVAL,
      done: true,
    });
    await running.finished;
  });

  it('answers the driver calls of a host with the tenants of its VMs, and a down host with HOST_UNAVAILABLE', async () => {
    running = await startLabServer({
      lab: await Lab.create(SCENARIO),
      intervalMs: INTERVAL,
      until: START + 2 * INTERVAL,
      port: 0,
    });
    const hv01 = new LabClientDriver(running.url, 'HV01');
    const [vm] = await hv01.listVms();
    expect(vm?.name).toBe('web01');
    expect(hv01.tenants.get(vm?.id ?? '')).toBe('contoso');
    expect((await hv01.hostInfo()).edition).toBe('datacenter');
    await expect(hv01.removeKvpItems(vm?.id ?? '', ['AvmaAgent.Key'])).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
    });
    for (const host of ['HV01', 'HV02']) await reportRecorded(running.url, host, START);
    await expect(new LabClientDriver(running.url, 'HV02').listVms()).rejects.toMatchObject({
      code: 'HOST_UNAVAILABLE',
    });
    await expect(new LabClientDriver(running.url, 'HV09').listVms()).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('refuses a reply that does not match the driver contract (BAD_RESPONSE), like a host answering nonsense', async () => {
    const liar = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ vms: [{ id: 1 }], tenants: {} }));
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (liar.address() as AddressInfo).port;
      const error = await new LabClientDriver(`http://127.0.0.1:${port}`, 'HV01')
        .listVms()
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BAD_RESPONSE' });
    } finally {
      liar.closeAllConnections();
      await new Promise((resolve) => liar.close(resolve));
    }
  });
});
