/**
 * Harness smoke test: proves that the live stack answers like a real Cinder, using
 * nothing but Node's global fetch (independent of the SDK under construction).
 */
import { existsSync, openSync, readSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadLiveEnv, volumeEndpoint, type LiveEnv } from './env.js';

const env: LiveEnv = loadLiveEnv();
const MICROVERSION = `volume ${env.maxMicroversion}`;

interface Session {
  endpoint: string;
  token: string;
}

interface ApiResult<T> {
  status: number;
  headers: Headers;
  body: T;
}

interface Volume {
  id: string;
  status: string;
  size: number;
  migration_status?: string | null;
  'os-vol-host-attr:host'?: string | null;
  'os-vol-mig-status-attr:name_id'?: string | null;
}

interface CatalogEntry {
  type: string;
  endpoints: { interface: string; region_id?: string; region?: string; url: string }[];
}

async function api<T = unknown>(session: Session, method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = {
    'X-Auth-Token': session.token,
    Accept: 'application/json',
    'OpenStack-API-Version': MICROVERSION,
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${session.endpoint}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

async function authenticate(e: LiveEnv): Promise<Session> {
  if (e.mode === 'noauth') {
    return { endpoint: volumeEndpoint(e), token: e.noauthToken };
  }
  const res = await fetch(`${e.admin.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: { name: e.admin.username, domain: { name: e.admin.userDomainName }, password: e.admin.password },
          },
        },
        scope: { project: { name: e.admin.projectName, domain: { name: e.admin.projectDomainName } } },
      },
    }),
  });
  expect(res.status).toBe(201);
  const token = res.headers.get('x-subject-token');
  expect(token).toBeTruthy();
  const body = (await res.json()) as { token: { project: { id: string }; catalog: CatalogEntry[] } };
  const url = findEndpoint(body.token.catalog, 'block-storage', e.regionName, e.interface);
  expect(url, 'block-storage endpoint in the catalog').toBeDefined();
  return { endpoint: url!.replace(/\/+$/, ''), token: token! };
}

function findEndpoint(catalog: CatalogEntry[], type: string, region: string, iface: string): string | undefined {
  const entry = catalog.find((c) => c.type === type);
  return entry?.endpoints.find((ep) => ep.interface === iface && (ep.region_id ?? ep.region) === region)?.url;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 400));
  }
}

async function waitForVolumeStatus(session: Session, id: string, wanted: string): Promise<Volume> {
  return waitFor(`volume ${id} to be ${wanted}`, async () => {
    const r = await api<{ volume: Volume }>(session, 'GET', `/volumes/${id}`);
    expect(r.status).toBe(200);
    const v = r.body.volume;
    if (v.status.startsWith('error')) throw new Error(`volume ${id} went to ${v.status}`);
    return v.status === wanted && !v.migration_status?.startsWith('migrating') ? v : undefined;
  });
}

async function waitForVolumeGone(session: Session, id: string): Promise<void> {
  await waitFor(`volume ${id} to be deleted`, async () => {
    const r = await api(session, 'GET', `/volumes/${id}`);
    return r.status === 404 ? true : undefined;
  });
}

async function createVolume(session: Session, name: string): Promise<Volume> {
  const r = await api<{ volume: Volume }>(session, 'POST', '/volumes', { volume: { size: 1, name } });
  expect(r.status).toBe(202);
  created.add(r.body.volume.id);
  return waitForVolumeStatus(session, r.body.volume.id, 'available');
}

async function deleteVolume(session: Session, id: string): Promise<void> {
  const r = await api(session, 'DELETE', `/volumes/${id}`);
  expect(r.status).toBe(202);
  await waitForVolumeGone(session, id);
  created.delete(id);
}

const created = new Set<string>();
let session: Session;

beforeAll(async () => {
  session = await authenticate(env);
});

afterAll(async () => {
  // Best effort: leave nothing behind when a test failed half-way.
  for (const id of created) {
    await api(session, 'POST', `/volumes/${id}/action`, { 'os-reset_status': { status: 'available' } }).catch(
      () => undefined,
    );
    await api(session, 'DELETE', `/volumes/${id}`).catch(() => undefined);
  }
});

describe(`live smoke (${env.mode})`, () => {
  it('GET / answers 300 with the v3.0 version document, microversions 3.0-3.70', async () => {
    const res = await fetch(`${env.cinderUrl}/`, { headers: { Accept: 'application/json' } });
    expect(res.status).toBe(300);
    const body = (await res.json()) as {
      versions: { id: string; status: string; version: string; min_version: string }[];
    };
    expect(body.versions.map((v) => v.id)).toEqual(['v3.0']);
    const v3 = body.versions[0];
    expect(v3.status).toBe('CURRENT');
    expect(v3.min_version).toBe('3.0');
    expect(v3.version).toBe('3.70');
    expect(v3.version).toBe(env.maxMicroversion);
  });

  it('authenticates and reaches the project endpoint', async () => {
    expect(session.endpoint).toBe(volumeEndpoint(env));
    const r = await api<{ volumes: unknown[] }>(session, 'GET', '/volumes');
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body.volumes)).toBe(true);
  });

  it.runIf(env.mode === 'keystone')(
    'the catalog lists Cinder v3 as block-storage and volumev3 (3 interfaces)',
    async () => {
      if (env.mode !== 'keystone') return;
      const res = await fetch(`${env.admin.authUrl}/auth/tokens`, {
        method: 'GET',
        headers: { 'X-Auth-Token': session.token, 'X-Subject-Token': session.token, Accept: 'application/json' },
      });
      expect(res.status).toBe(200);
      const { token } = (await res.json()) as { token: { catalog: CatalogEntry[] } };
      for (const type of ['block-storage', 'volumev3']) {
        for (const iface of ['public', 'internal', 'admin']) {
          expect(findEndpoint(token.catalog, type, env.regionName, iface), `${type}/${iface}`).toBe(
            volumeEndpoint(env),
          );
        }
      }
    },
  );

  it('raised the quotas of both projects (tests create many volumes)', async () => {
    const projects = [env.projectId, env.secondProjectId].filter((p): p is string => p !== undefined);
    expect(projects.length).toBe(2);
    for (const project of projects) {
      const r = await api<{ quota_set: Record<string, number> }>(session, 'GET', `/os-quota-sets/${project}`);
      expect(r.status).toBe(200);
      expect(r.body.quota_set['volumes']).toBeGreaterThanOrEqual(200);
      expect(r.body.quota_set['snapshots']).toBeGreaterThanOrEqual(200);
      expect(r.body.quota_set['backups']).toBeGreaterThanOrEqual(200);
      expect(r.body.quota_set['gigabytes']).toBeGreaterThanOrEqual(200);
    }
  });

  it('the second identity reaches its own project', async () => {
    let second: Session;
    if (env.mode === 'noauth') {
      expect(env.secondNoauthToken).toBeDefined();
      second = { endpoint: volumeEndpoint(env, env.secondProjectId), token: env.secondNoauthToken! };
    } else {
      expect(env.demo).toBeDefined();
      const demo = env.demo!;
      second = await authenticate({ ...env, admin: demo });
      expect(second.endpoint).toBe(volumeEndpoint(env, demo.projectId ?? env.secondProjectId));
      // demo is a plain member: admin-only APIs are refused.
      expect((await api(second, 'GET', '/os-services')).status).toBe(403);
    }
    const r = await api<{ volumes: unknown[] }>(second, 'GET', '/volumes');
    expect(r.status).toBe(200);
  });

  it('creates a 1 GiB volume, waits for available, deletes it, waits for 404', async () => {
    const name = `osbs-smoke-${Date.now()}`;
    const vol = await createVolume(session, name);
    expect(vol.size).toBe(1);
    expect(vol.status).toBe('available');
    const pool = vol['os-vol-host-attr:host'];
    if (env.pools.length > 0) expect(env.pools).toContain(pool);
    await deleteVolume(session, vol.id);
  });
});

describe('second backend', () => {
  it.runIf(env.pools.length >= 2)('os-migrate_volume moves a volume and its data to the other pool', async () => {
    const vol = await createVolume(session, `osbs-smoke-migrate-${Date.now()}`);
    const source = vol['os-vol-host-attr:host']!;
    const target = env.pools.find((p) => p !== source)!;
    expect(env.pools).toContain(source);

    // Write a marker into the backing file (when the stack runs on this machine).
    const marker = Buffer.from(`osbs-marker-${vol.id}`);
    const file = env.volumeFilesDir ? join(env.volumeFilesDir, `volume-${vol.id}`) : undefined;
    const local = file !== undefined && existsSync(file);
    if (local) {
      const fd = openSync(file, 'r+');
      writeSync(fd, marker, 0, marker.length, 12345);
      closeSync(fd);
    }

    const r = await api(session, 'POST', `/volumes/${vol.id}/action`, {
      'os-migrate_volume': { host: target, force_host_copy: false, lock_volume: false },
    });
    expect(r.status).toBe(202);
    const done = await waitFor(`migration of ${vol.id} to ${target}`, async () => {
      const g = await api<{ volume: Volume }>(session, 'GET', `/volumes/${vol.id}`);
      const v = g.body.volume;
      if (v.migration_status === 'error') throw new Error(`migration failed: ${JSON.stringify(v)}`);
      return v.migration_status === 'success' && v.status === 'available' ? v : undefined;
    });
    expect(done['os-vol-host-attr:host']).toBe(target);

    // The data now lives in the migration target's file: volume-<name_id>.
    const nameId = done['os-vol-mig-status-attr:name_id'];
    expect(nameId).toBeTruthy();
    expect(nameId).not.toBe(vol.id);
    const moved = local ? join(env.volumeFilesDir!, `volume-${nameId}`) : undefined;
    if (moved !== undefined) {
      // Cinder deletes the source asynchronously after the swap.
      await waitFor('the source file to be removed', async () => (existsSync(file!) ? undefined : true), 20_000);
      const fd = openSync(moved, 'r');
      const back = Buffer.alloc(marker.length);
      readSync(fd, back, 0, marker.length, 12345);
      closeSync(fd);
      expect(back.toString()).toBe(marker.toString());
    }
    await deleteVolume(session, vol.id);
    if (moved !== undefined) expect(existsSync(moved), 'migrated file removed with the volume').toBe(false);
  });
});
