/**
 * `.`, `..` and '' as a path value would change which URL is called (WHATWG URL parsing, and so
 * fetch, resolves `/volumes/..` to `/`, and reads `%2e%2e` as `..` too): they are refused before
 * any request, whichever client sends the call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../runtime/errors.js';
import { json } from '../http/helpers.js';
import { FLAVOURS, rejection, startCinder, type Cinder, type Opened } from './harness.js';

let cinder: Cinder;
beforeAll(async () => {
  cinder = await startCinder();
});
afterAll(() => cinder.close());

const VOLUME = { id: 'vol-1', name: 'data', status: 'available', size: 1 };

describe.each(FLAVOURS)('path values through $name', (flavour) => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await flavour.open(cinder);
  });
  afterAll(() => opened.close());
  beforeEach(() => {
    cinder.requests.length = 0;
    cinder.handler = (_req, res, seen) => {
      if (seen.method === 'GET' && seen.url.includes('/volumes/detail'))
        return json(res, 200, { volumes: [{ ...VOLUME, name: '..' }] });
      json(res, 200, { volume: VOLUME });
    };
  });

  for (const bad of ['..', '.', '']) {
    it(`deleteVolume(${JSON.stringify(bad)}) is refused before any request`, async () => {
      const error = await rejection(opened.bs.deleteVolume(bad));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(cinder.api()).toEqual([]);
    });

    it(`deleteVolumeMetadata(volume, {keys: [${JSON.stringify(bad)}]}) is refused before any request`, async () => {
      const error = await rejection(opened.bs.deleteVolumeMetadata('vol-1', { keys: [bad] }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toContain('key');
      expect(cinder.api()).toEqual([]);
    });

    it(`deleteTypeExtraSpecs(type, [${JSON.stringify(bad)}]) is refused before any request`, async () => {
      const error = await rejection(opened.bs.deleteTypeExtraSpecs('type-1', [bad]));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(cinder.api()).toEqual([]);
    });
  }

  it("deleteVolumeMetadata(volume, {keys: ['a', '..']}) sends nothing for the bad key, names it in the error", async () => {
    cinder.handler = (_req, res) => {
      res.writeHead(200);
      res.end();
    };
    const error = await rejection(opened.bs.deleteVolumeMetadata('vol-1', { keys: ['a', '..'] }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/"\.\."/);
    expect(cinder.api().map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /volumes/vol-1/metadata/a']);
  });

  it('getVolume(volume) with an ID of "%2e%2e" is sent encoded, to that volume only', async () => {
    await opened.bs.getVolume('%2e%2e');
    expect(cinder.api().map((r) => `${r.method} ${r.url}`)).toEqual(['GET /volumes/%252e%252e']);
  });

  it("findVolume('..') looks the name up in the listing, never GETs the collection as if it were a volume", async () => {
    const found = await opened.bs.findVolume('..');
    expect(found?.id).toBe('vol-1');
    expect(cinder.api().map((r) => r.method + ' ' + r.url.split('?')[0])).toEqual(['GET /volumes/detail']);
  });
});
