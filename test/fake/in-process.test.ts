/**
 * The in-process fake: no socket, the fake's handler called through a Transport. (The scenarios
 * of sdk-scenarios.test.ts and faults.test.ts run in both modes; this file pins what is particular
 * to it.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionError, connect } from 'openstack-block-storage';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

const opened: Array<{ close(): Promise<void> }> = [];
async function inProcessFake(): Promise<FakeCloud> {
  const fake = await startFakeCloud({ inProcess: true });
  opened.push(fake);
  return fake;
}
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

describe('startFakeCloud({ inProcess: true })', () => {
  it('opens no socket: its URLs reach nothing, yet fake.connect() works through its transport', async () => {
    const fake = await inProcessFake();
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:0\/v3\//);
    await expect(fetch(`${fake.authUrl}/auth/tokens`)).rejects.toThrow();
    const cloud = await fake.connect();
    opened.push(cloud);
    const volume = await cloud.blockStorage.createVolume({ name: 'here', size: 1 });
    expect((await cloud.blockStorage.getVolume(volume.id)).name).toBe('here');
    expect(fake.requests.map((r) => r.operation)).toContain('Volume.create');
  });

  it('serves a connection you build yourself with connect({ transport: fake.transport })', async () => {
    const fake = await inProcessFake();
    const cloud = await connect({
      env: false,
      transport: fake.transport,
      authType: 'password',
      auth: {
        authUrl: fake.authUrl,
        username: fake.username,
        password: fake.password,
        projectName: fake.projectName,
        userDomainName: 'Default',
        projectDomainName: 'Default',
      },
    });
    opened.push(cloud);
    expect(await cloud.blockStorage.volumes().toArray()).toEqual([]);
  });

  it('refuses a URL of another origin without sending it anywhere', async () => {
    const fake = await inProcessFake();
    const error: unknown = await fake
      .transport!.send({ method: 'GET', url: 'http://127.0.0.1:9/v3/', headers: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ sent: false, code: 'ECONNREFUSED' });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses calls once closed, as a stopped server would', async () => {
    const fake = await startFakeCloud({ inProcess: true });
    const cloud = await fake.connect({ connectRetries: 0 });
    opened.push(cloud);
    await fake.close();
    await expect(cloud.blockStorage.getVolume('v-1')).rejects.toMatchObject({
      name: 'ConnectionError',
      sent: false,
      message: expect.stringContaining('the fake cloud is closed'),
    });
  });

  it('says that port and host make no sense without a socket', async () => {
    await expect(startFakeCloud({ inProcess: true, port: 8776 })).rejects.toThrow(/port and host mean a socket/);
  });
});
