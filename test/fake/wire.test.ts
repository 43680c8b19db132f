/**
 * The fake answers out-of-range and malformed calls the way Cinder does: 404 for a route the
 * request's microversion does not have yet, 406 for a version header outside the range, 400 in
 * Cinder's fault envelope for a body member that is unknown, mistyped, or newer than the request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCloud, type FakeCloud } from 'openstack-block-storage/testing';

let fake: FakeCloud;
beforeAll(async () => {
  fake = await startFakeCloud({ maxMicroversion: '3.60' });
});
afterAll(() => fake.close());

async function call(
  method: string,
  path: string,
  options: { version?: string; body?: unknown; token?: string } = {},
  // The bodies are Cinder's JSON, read into by each assertion.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      'X-Auth-Token': options.token ?? fake.token,
      ...(options.version ? { 'OpenStack-API-Version': `volume ${options.version}` } : {}),
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

describe('microversion bounds', () => {
  it('answers 404 for an operation newer than the request (volume summary before 3.12)', async () => {
    const early = await call('GET', '/volumes/summary', { version: '3.11' });
    expect(early.status).toBe(404);
    expect(early.body).toEqual({
      itemNotFound: { code: 404, message: 'API version 3.11 is not supported on this method.' },
    });
    const inRange = await call('GET', '/volumes/summary', { version: '3.12' });
    expect(inRange.status).toBe(200);
    expect(inRange.body).toHaveProperty('volume-summary');
  });

  it('answers 406 for a version header outside the configured range, naming the range', async () => {
    const above = await call('GET', '/volumes', { version: '3.61' });
    expect(above.status).toBe(406);
    expect(above.body.computeFault.message).toBe(
      'Version 3.61 is not supported by the API. Minimum is 3.0 and maximum is 3.60.',
    );
  });

  it('serves the configured range in its version documents', async () => {
    const root = await fetch(fake.url.replace(/\/v3\/.*$/, '/'));
    expect(root.status).toBe(300);
    const doc = (await root.json()) as { versions: { id: string; version: string; min_version: string }[] };
    expect(doc.versions).toEqual([expect.objectContaining({ id: 'v3.0', version: '3.60', min_version: '3.0' })]);
  });

  it('echoes the microversion used, and takes latest as the maximum', async () => {
    const latest = await call('GET', '/volumes', { version: 'latest' });
    expect(latest.headers.get('openstack-api-version')).toBe('volume 3.60');
    const none = await call('GET', '/volumes');
    expect(none.headers.get('openstack-api-version')).toBe('volume 3.0');
  });

  it('answers 400 for a body field newer than the request (group_id before 3.13)', async () => {
    const early = await call('POST', '/volumes', { version: '3.12', body: { volume: { size: 1, group_id: 'g' } } });
    expect(early.status).toBe(400);
    expect(early.body.badRequest.message).toContain(
      "Additional properties are not allowed ('group_id' was unexpected)",
    );
    const ok = await call('POST', '/volumes', { version: '3.13', body: { volume: { size: 1, group_id: 'g' } } });
    expect(ok.status).toBe(202);
    expect(ok.body.volume.group_id).toBe('g');
  });

  it('shows a field only from its microversion (service_uuid from 3.48, volume_type_id from 3.63)', async () => {
    const created = await call('POST', '/volumes', { version: '3.60', body: { volume: { size: 1 } } });
    expect(created.body.volume).toHaveProperty('service_uuid');
    expect(created.body.volume).not.toHaveProperty('volume_type_id');
    const old = await call('GET', `/volumes/${created.body.volume.id}`, { version: '3.0' });
    expect(old.body.volume).not.toHaveProperty('service_uuid');
  });
});

describe('request bodies', () => {
  it('answers an unknown member with 400 in Cinder’s fault envelope', async () => {
    const answer = await call('POST', '/volumes', { body: { volume: { size: 1, colour: 'red' } } });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      badRequest: {
        code: 400,
        message: expect.stringContaining("Additional properties are not allowed ('colour' was unexpected)"),
      },
    });
  });

  it('answers a mistyped member with 400 naming the member', async () => {
    const answer = await call('POST', '/volumes', { body: { volume: { size: 'big' } } });
    expect(answer.status).toBe(400);
    expect(answer.body.badRequest.message).toContain('field/attribute size');
  });

  it('accepts the digit strings Cinder accepts for integers, and answers with numbers', async () => {
    const answer = await call('POST', '/volumes', { body: { volume: { size: '2' } } });
    expect(answer.status).toBe(202);
    expect(answer.body.volume.size).toBe(2);
  });

  it('checks action bodies: a missing required member, an unknown action, an enum value', async () => {
    const volume = (await call('POST', '/volumes', { body: { volume: { size: 1 } } })).body.volume;
    const missing = await call('POST', `/volumes/${volume.id}/action`, { body: { 'os-extend': {} } });
    expect(missing.status).toBe(400);
    expect(missing.body.badRequest.message).toContain("'new_size' is a required property");
    const unknown = await call('POST', `/volumes/${volume.id}/action`, { body: { 'os-shrink': { new_size: 1 } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.badRequest.message).toBe('There is no such action: os-shrink');
    const badEnum = await call('POST', `/volumes/${volume.id}/action`, {
      body: { 'os-retype': { new_type: 't', migration_policy: 'sometimes' } },
    });
    expect(badEnum.status).toBe(400);
    expect(badEnum.body.badRequest.message).toContain("'sometimes' is not one of ['never', 'on-demand']");
  });

  it('answers a body that is not JSON with 400', async () => {
    const response = await fetch(`${fake.url}/volumes`, {
      method: 'POST',
      headers: { 'X-Auth-Token': fake.token, 'Content-Type': 'application/json' },
      body: '{"volume": ',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ badRequest: { code: 400, message: 'Malformed request body' } });
  });

  it('answers 404 in the itemNotFound envelope for an ID that does not exist', async () => {
    const answer = await call('GET', '/volumes/no-such-volume');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ itemNotFound: { code: 404, message: 'Volume no-such-volume could not be found.' } });
  });

  it('records every request with its parsed body and the operation that answered', async () => {
    await call('POST', '/volumes', { body: { volume: { size: 1, name: 'rec' } } });
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      operation: 'Volume.create',
      status: 202,
      body: { volume: { size: 1, name: 'rec' } },
    });
  });
});
