/**
 * Live: the SDK's typed errors against what a real Cinder 21 (and Keystone) answers — 404, 400
 * with Cinder's message, a microversion the v2 API cannot send (no request at all), bad
 * credentials and tokens (401), a non-admin calling an admin API (403), and a name that matches
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  AuthenticationError,
  BadRequestError,
  ForbiddenError,
  MicroversionNotSupportedError,
  NotFoundError,
  ResourceNotFoundError,
  UnauthorizedError,
} from '../../generated/index.js';
import { Snapshot, Volume } from '../../generated/block-storage/v2/index.js';
import { expectError, requestLog } from './admin-helpers.js';
import { volumeEndpoint } from './env.js';
import { connectLive, connectOptions, uniqueName, type LiveSdk } from './sdk.js';

const keystone = process.env['RC_AUTH'] === 'keystone';
const REQUEST_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sdk: LiveSdk;
const requests = requestLog();

beforeAll(async () => {
  sdk = await connectLive('admin', { metrics: requests.sink });
});

afterAll(async () => {
  await sdk?.close();
});

describe(`errors (${process.env['RC_AUTH'] ?? 'noauth'})`, () => {
  it('a missing volume: NotFoundError with Cinder message, the request and its request id', async () => {
    const id = crypto.randomUUID();
    const error = await expectError(sdk.bs.getVolume(id), NotFoundError, `Volume ${id} could not be found.`);
    expect(error.status).toBe(404);
    expect(error.method).toBe('GET');
    expect(error.url).toBe(`${volumeEndpoint(sdk.env)}/volumes/${id}`);
    expect(error.details).toBe(`Volume ${id} could not be found.`);
    expect(error.requestId).toMatch(REQUEST_ID);
    expect(error.message).toContain(`(request ${error.requestId})`);
    expect(error.source).toBe('Client');
  });

  it('busy-state refusals are 400 BadRequestError with Cinder’s reason, not 409: while backing-up, with snapshots, a type in use', async () => {
    const bs = sdk.bs;
    const volume = await bs.waitForStatus(await bs.createVolume({ size: 1, name: uniqueName('busy') }), 'available', {
      interval: 0.5,
      wait: 120,
    });
    const type = await bs.createType({ name: uniqueName('busy-type') });
    let typed: string | undefined;
    let snapshot: string | undefined;
    try {
      // backing-up set by an administrator: what a running backup looks like to other calls.
      await bs.resetVolumeStatus(volume, { status: 'backing-up' });
      const id = volume.id;
      await expectError(
        bs.extendVolume(volume, 2),
        BadRequestError,
        `Invalid volume: Volume ${id} status must be '{'status': 'available'}' to extend, currently backing-up.`,
      );
      const deleteRefused =
        'Invalid volume: Volume status must be available or error or error_restoring or error_extending or ' +
        'error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a ' +
        'transfer, or be disassociated from snapshots after volume transfer.';
      await expectError(bs.deleteVolume(volume), BadRequestError, deleteRefused);
      await expectError(
        bs.createSnapshot({ volumeId: id }),
        BadRequestError,
        // At 3.0 (the v2 proxy); from 3.66 Cinder says `available, in-use`.
        `Invalid volume: Volume ${id} status must be available, but current status is: backing-up.`,
      );
      await bs.resetVolumeStatus(volume, { status: 'available' });

      snapshot = (await bs.createSnapshot({ volumeId: id })).id;
      await bs.waitForStatus(Snapshot, snapshot, 'available', { interval: 0.5, wait: 120 });
      const withSnapshots = await expectError(bs.deleteVolume(volume), BadRequestError, deleteRefused);
      expect(withSnapshots.status).toBe(400);

      typed = (await bs.createVolume({ size: 1, name: uniqueName('busy-typed'), volumeType: type.id })).id;
      await expectError(bs.deleteType(type), BadRequestError, 'Target volume type is still in use.');
    } finally {
      // Back to available first, whatever failed: the volume must be deletable below.
      await bs.resetVolumeStatus(volume, { status: 'available' }).catch(() => undefined);
      if (snapshot) {
        await bs.deleteSnapshot(snapshot);
        await bs.waitForDelete(Snapshot, snapshot, { interval: 0.5, wait: 120 });
      }
      if (typed) {
        await bs.waitForStatus(Volume, typed, 'available', { interval: 0.5, wait: 120 });
        await bs.deleteVolume(typed);
        await bs.waitForDelete(Volume, typed, { interval: 0.5, wait: 120 });
      }
      await bs.deleteVolume(volume);
      await bs.waitForDelete(volume, { interval: 0.5, wait: 120 });
      await bs.deleteType(type);
    }
  });

  it('a volume of size 0 or -1: BadRequestError with Cinder message; nothing is created', async () => {
    for (const size of [0, -1]) {
      const name = uniqueName('badsize');
      const error = await expectError(
        sdk.bs.createVolume({ size, name }),
        BadRequestError,
        `Invalid input for field/attribute size. Value: ${size}. ${size} is less than the minimum of 1`,
      );
      expect(error.status).toBe(400);
      expect(error.method).toBe('POST');
      expect(error.requestId).toMatch(REQUEST_ID);
      expect(await sdk.bs.findVolume(name)).toBeUndefined();
    }
  });

  it('getLimits({ project }) needs microversion 3.39, which v2 cannot send: no request leaves the SDK', async () => {
    const before = requests.entries.length;
    const error = await expectError(
      sdk.bs.getLimits({ project: sdk.env.projectId }),
      MicroversionNotSupportedError,
      'Limits.get needs microversion 3.39, but no microversion is available',
    );
    expect(error.operation).toBe('Limits.get');
    expect(error.required).toBe('3.39');
    expect(requests.entries.slice(before)).toEqual([]);
    // The same call without the project goes out and succeeds.
    await sdk.bs.getLimits();
    expect(requests.entries.slice(before)).toEqual(['GET /limits 200']);
  });

  it('findVolume with ignoreMissing false and a name nothing has: ResourceNotFoundError', async () => {
    const name = uniqueName('missing');
    const error = await expectError(
      sdk.bs.findVolume(name, { ignoreMissing: false }),
      ResourceNotFoundError,
      `No Volume found for ${name}`,
    );
    expect(error.resource).toBe('Volume');
    expect(error.nameOrId).toBe(name);
    expect(await sdk.bs.findVolume(name)).toBeUndefined();
  });

  it.runIf(keystone)(
    'a wrong password: Keystone refuses it with 401 and connect() rejects with AuthenticationError',
    async () => {
      const options = connectOptions(sdk.env);
      const auth = { ...(options.auth as Record<string, unknown>), password: 'osbs-wrong-password' };
      const error = await expectError(
        connectLive('admin', { auth }),
        AuthenticationError,
        'Keystone refused',
        'HTTP 401',
        'The request you have made requires authentication.',
      );
      expect(error.message).not.toContain('osbs-wrong-password');
    },
  );

  it.runIf(keystone)(
    'a static token Keystone never issued: Cinder (keystonemiddleware) answers 401 UnauthorizedError',
    async () => {
      const bogus = await connectLive('admin', {
        authType: 'admin_token',
        auth: { token: 'gAAAAABosbs-not-a-token', endpoint: volumeEndpoint(sdk.env) },
      });
      try {
        const error = await expectError(
          bogus.bs.getLimits(),
          UnauthorizedError,
          'The request you have made requires authentication.',
        );
        expect(error.status).toBe(401);
        expect(error.url).toBe(`${volumeEndpoint(sdk.env)}/limits`);
        expect(error.message).not.toContain('gAAAAABosbs-not-a-token');
      } finally {
        await bogus.close();
      }
    },
  );

  it.runIf(keystone)(
    'the non-admin demo user calling admin APIs: ForbiddenError with the policy Cinder checked',
    async () => {
      const demo = await connectLive('second');
      try {
        // Its own project's limits are fine.
        expect((await demo.bs.getLimits()).absolute?.maxTotalVolumes).toBeGreaterThan(0);

        const error = await expectError(
          demo.bs.services().toArray(),
          ForbiddenError,
          "Policy doesn't allow volume_extension:services:index to be performed.",
        );
        expect(error.status).toBe(403);
        expect(error.requestId).toMatch(REQUEST_ID);

        const name = uniqueName('forbidden');
        await expectError(
          demo.bs.createType({ name }),
          ForbiddenError,
          "Policy doesn't allow volume_extension:type_create to be performed.",
        );
        expect(await sdk.bs.findType(name, { isPublic: 'none' })).toBeUndefined();
        await expectError(
          demo.bs.getQuotaClassSet(),
          ForbiddenError,
          "Policy doesn't allow volume_extension:quota_classes:get to be performed.",
        );
      } finally {
        await demo.close();
      }
    },
  );
});
