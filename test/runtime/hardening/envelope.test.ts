/**
 * A response without the key its operation is wrapped in (`{"volume": {...}}`) is an
 * InvalidResponseError naming the key, not a resource built from whatever came (which, for
 * getVolume, was a Volume holding only the ID the caller asked for).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidResponseError } from '../../../runtime/errors.js';
import { json } from '../http/helpers.js';
import { FLAVOURS, rejection, startCinder, type Cinder, type Opened } from './harness.js';

let cinder: Cinder;
beforeAll(async () => {
  cinder = await startCinder();
});
afterAll(() => cinder.close());

describe.each(FLAVOURS)('response envelopes through $name', (flavour) => {
  let opened: Opened;
  let body: unknown;
  beforeAll(async () => {
    opened = await flavour.open(cinder);
  });
  afterAll(() => opened.close());
  beforeEach(() => {
    cinder.handler = (_req, res) => json(res, 200, body);
  });

  it("getVolume('vol-1') answered with {} is an InvalidResponseError, not an empty Volume", async () => {
    body = {};
    const error = await rejection(opened.bs.getVolume('vol-1'));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('"volume"');
  });

  it("getVolume('vol-1') answered with another resource's envelope is an InvalidResponseError", async () => {
    body = { snapshot: { id: 'vol-1', status: 'available' } };
    expect(await rejection(opened.bs.getVolume('vol-1'))).toBeInstanceOf(InvalidResponseError);
  });

  it('createVolume answered with {} is an InvalidResponseError', async () => {
    body = {};
    expect(await rejection(opened.bs.createVolume({ size: 1 }))).toBeInstanceOf(InvalidResponseError);
  });

  it('updateVolume answered with an unwrapped body is an InvalidResponseError', async () => {
    body = { id: 'vol-1', name: 'renamed' };
    expect(await rejection(opened.bs.updateVolume('vol-1', { name: 'renamed' }))).toBeInstanceOf(InvalidResponseError);
  });

  it('getSnapshot answered with {} is an InvalidResponseError', async () => {
    body = {};
    expect(await rejection(opened.bs.getSnapshot('snap-1'))).toBeInstanceOf(InvalidResponseError);
  });

  it("getVolume('vol-1') answered with the envelope still reads the volume", async () => {
    body = { volume: { id: 'vol-1', name: 'data' } };
    expect((await opened.bs.getVolume('vol-1')).name).toBe('data');
  });
});
