/**
 * User messages (3.3) through the generated v3 proxy. A volume whose type names a backend that does
 * not exist fails in the scheduler, which records a user message about it: the one failure this
 * stack reliably turns into a message. Then every Message method against that message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Message, Volume } from '../../generated/block-storage/v3/index.js';
import { MicroversionNotSupportedError, NotFoundError, ResourceFailureError } from '../../generated/index.js';
import { expectRejects, json } from './data-helpers.js';
import { loadLiveEnv } from './env.js';
import { uniqueName } from './sdk.js';
import { POLL, V3Cleanup, connectV3, type WiredV3 } from './v3-helpers.js';
import { wholeFileSkipped } from './fake-tags.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const env = loadLiveEnv();

let sdk: WiredV3;
let second: WiredV3;
let cleanup: V3Cleanup;
let failed: Volume;
/** The request ID of the createVolume call that failed in the scheduler. */
let createRequestId: string | undefined;
let message: Message;

/** Polls messages({resourceUuid}) until Cinder has written the message (it follows the status). */
async function messagesOf(resourceUuid: string): Promise<Message[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await sdk.bs.messages({ resourceUuid }).toArray();
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  if (wholeFileSkipped(import.meta.url)) return; // on the fake cloud: test/live/fake-tags.ts says why
  [sdk, second] = await Promise.all([connectV3(), connectV3('second')]);
  const bs = sdk.bs;
  cleanup = new V3Cleanup(bs);
  const nowhere = await bs.createType({
    name: uniqueName('v3-nowhere'),
    extraSpecs: { volume_backend_name: 'osbs-no-such-backend' },
  });
  cleanup.types.add(nowhere.id);
  const v = await bs.createVolume({ name: uniqueName('v3-msg'), size: 1, volumeType: nowhere.id });
  cleanup.volumes.add(v.id);
  createRequestId = v.openstackRequestId;
  await expectRejects(
    bs.waitForStatus(v, 'available', POLL),
    ResourceFailureError,
    undefined,
    'transitioned to failure state error',
  );
  failed = await bs.getVolume(v.id);
});

afterAll(async () => {
  if (wholeFileSkipped(import.meta.url)) return;
  // The messages go with the test; the error volume and its type are deleted.
  await cleanup?.run();
  await Promise.all([sdk?.close(), second?.close()]);
});

describe(`v3 messages (${env.mode})`, () => {
  it('a volume no backend can take ends in error, and Cinder records a user message about it', async () => {
    expect(failed.status).toBe('error');
    const found = await messagesOf(failed.id);
    expect(sdk.last('GET', '/messages').apiVersion).toBe('volume 3.70');
    expect(found).toHaveLength(1);
    message = found[0]!;
    cleanup.messages.add(message.id);
    expect(message.id).toMatch(UUID);
    expect(json(message)).toMatchObject({
      eventId: 'VOLUME_VOLUME_001_003',
      userMessage: 'schedule allocate volume:Could not find any available weighted backend.',
      messageLevel: 'ERROR',
      resourceType: 'VOLUME',
      resourceUuid: failed.id,
    });
    expect(createRequestId).toMatch(/^req-/);
    expect(message.requestId).toBe(createRequestId);
    // Kept for message_ttl (30 days by default).
    const days = (Date.parse(message.guaranteedUntil!) - Date.parse(message.createdAt!)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    expect(message.links?.find((l) => l.rel === 'self')?.href).toContain(`/messages/${message.id}`);
  });

  it('getMessage shows it; messages() filters by event, level, type and request, and pages', async () => {
    const bs = sdk.bs;
    expect(json(await bs.getMessage(message.id))).toEqual(json(message));
    const filtered = await bs
      .messages({
        eventId: message.eventId!,
        messageLevel: 'ERROR',
        resourceType: 'VOLUME',
        requestId: message.requestId!,
      })
      .toArray();
    expect(filtered.map((m) => m.id)).toEqual([message.id]);
    const query = new URL(sdk.last('GET', '/messages').url).searchParams;
    expect(Object.fromEntries(query)).toEqual({
      event_id: 'VOLUME_VOLUME_001_003',
      message_level: 'ERROR',
      resource_type: 'VOLUME',
      request_id: message.requestId,
    });
    expect(await bs.messages({ resourceUuid: failed.id, messageLevel: 'INFO' }).toArray()).toEqual([]);

    const mark = sdk.wire.length;
    const paged = await bs.messages({ limit: 1, sortKey: 'created_at', sortDir: 'desc' }).toArray();
    expect(paged.map((m) => m.id)).toContain(message.id);
    expect(sdk.since(mark).length).toBe(paged.length + 1);

    // Cinder 21 lists the messages of every project to anyone (message_get_all queries without
    // project_only); reading one by ID is scoped: the non-admin demo user gets 404.
    expect((await second.bs.messages().toArray()).map((m) => m.id)).toContain(message.id);
    if (env.mode === 'keystone') {
      await expectRejects(
        second.bs.getMessage(message.id),
        NotFoundError,
        404,
        `Message ${message.id} could not be found.`,
      );
      await expectRejects(second.bs.deleteMessage(message.id, { ignoreMissing: false }), NotFoundError, 404);
    } else {
      // Under noauth every caller is admin.
      expect((await second.bs.getMessage(message.id)).id).toBe(message.id);
    }
  });

  it('deleteMessage deletes it; a second delete is ignored unless ignoreMissing is false', async () => {
    const bs = sdk.bs;
    await bs.deleteMessage(message.id);
    expect(sdk.last('DELETE', `/messages/${message.id}`)).toMatchObject({ apiVersion: 'volume 3.70', status: 204 });
    cleanup.messages.delete(message.id);
    const gone = `Message ${message.id} could not be found.`;
    await expectRejects(bs.getMessage(message.id), NotFoundError, 404, gone);
    expect(await bs.messages({ resourceUuid: failed.id }).toArray()).toEqual([]);
    await bs.deleteMessage(message);
    await expectRejects(bs.deleteMessage(message.id, { ignoreMissing: false }), NotFoundError, 404, gone);
  });

  it('below 3.3 the message API fails before any request', async () => {
    const old = await connectV3('admin', { maxVersion: '3.2' });
    try {
      const mark = old.wire.length;
      await expectRejects(
        old.bs.messages().toArray(),
        MicroversionNotSupportedError,
        undefined,
        'Message.list needs microversion 3.3, but 3.0–3.70 is available (client maximum 3.2)',
      );
      await expectRejects(
        old.bs.getMessage(message.id),
        MicroversionNotSupportedError,
        undefined,
        'Message.get needs microversion 3.3',
      );
      expect(old.wire.length).toBe(mark);
    } finally {
      await old.close();
    }
  });
});
