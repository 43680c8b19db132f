/**
 * find*: GET by ID first; 404/400/403 fall back to the list (filtered by name on the server when
 * the list takes a name, matched here otherwise); 0, 1 and 2 matches; ignoreMissing; any other
 * error propagates.
 */
import { describe, expect, it } from 'vitest';
import { QosSpec, Volume } from '../../../generated/block-storage/v2/index.js';
import {
  DuplicateResourceError,
  InvalidArgumentError,
  NotFoundError,
  ResourceNotFoundError,
  ServerError,
} from '../../../runtime/index.js';
import { coreEnv, rejectionOf, type Reply, type SeenRequest } from './support.js';

const env = coreEnv();

const NOT_FOUND: Reply = { status: 404, body: { itemNotFound: { code: 404, message: 'Volume could not be found.' } } };

/** GET /volumes/{id} answers from `byId`; the list answers `listed` filtered by the name query (as Cinder does). */
function cinder(
  byId: Record<string, Reply>,
  listed: readonly { id: string; name: string }[],
): (r: SeenRequest) => Reply {
  return (r) => {
    if (r.path === '/volumes/detail' || r.path === '/volumes') {
      const name = r.query['name'];
      return { body: { volumes: listed.filter((v) => name === undefined || v.name === name) } };
    }
    const id = r.path.replace(/^\/volumes\//, '');
    return byId[id] ?? NOT_FOUND;
  };
}

const calls = (): [string, string, Record<string, unknown>][] => env.requests.map((r) => [r.method, r.path, r.query]);

describe('findVolume (the list filters by name on the server)', () => {
  it('an ID: one GET, no list', async () => {
    env.server.handler = cinder({ 'vol-1': { body: { volume: { id: 'vol-1', name: 'one' } } } }, []);
    const v = await env.proxy.findVolume('vol-1');
    expect(v).toBeInstanceOf(Volume);
    expect(v!.name).toBe('one');
    expect(calls()).toEqual([['GET', '/volumes/vol-1', {}]]);
  });

  it('a name: the GET says 404, the list is asked with name=<it>', async () => {
    env.server.handler = cinder({}, [{ id: 'vol-7', name: 'data' }]);
    const v = await env.proxy.findVolume('data', { allProjects: true });
    expect(v!.id).toBe('vol-7');
    expect(calls()).toEqual([
      ['GET', '/volumes/data', {}],
      ['GET', '/volumes/detail', { name: 'data', all_tenants: 'true' }],
    ]);
  });

  it('no match: undefined by default, ResourceNotFoundError with ignoreMissing: false', async () => {
    env.server.handler = cinder({}, [{ id: 'vol-7', name: 'data' }]);
    expect(await env.proxy.findVolume('nothing')).toBeUndefined();
    const error = await rejectionOf(env.proxy.findVolume('nothing', { ignoreMissing: false }));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect((error as Error).message).toBe('No Volume found for nothing');
    expect(env.requests).toHaveLength(4);
  });

  it('two matches: DuplicateResourceError, whatever ignoreMissing says', async () => {
    env.server.handler = cinder({}, [
      { id: 'vol-1', name: 'dup' },
      { id: 'vol-2', name: 'dup' },
    ]);
    for (const ignoreMissing of [true, false]) {
      const error = await rejectionOf(env.proxy.findVolume('dup', { ignoreMissing }));
      expect(error).toBeInstanceOf(DuplicateResourceError);
      expect(error).toMatchObject({ resource: 'Volume', nameOrId: 'dup' });
    }
  });

  it('a 500 on the GET propagates; the list is not tried', async () => {
    env.server.handler = () => ({ status: 500, body: { computeFault: { code: 500, message: 'boom' } } });
    const error = await rejectionOf(env.proxy.findVolume('vol-1'));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).status).toBe(500);
    expect(env.requests).toHaveLength(1);
  });

  it.each([400, 403])('a %i on the GET (the value is no ID) falls back to the list', async (status) => {
    env.server.handler = cinder({ 'my disk': { status, body: { badRequest: { code: status, message: 'no' } } } }, [
      { id: 'vol-3', name: 'my disk' },
    ]);
    const v = await env.proxy.findVolume('my disk');
    expect(v!.id).toBe('vol-3');
    expect(calls()).toEqual([
      ['GET', '/volumes/my disk', {}],
      ['GET', '/volumes/detail', { name: 'my disk' }],
    ]);
  });

  it('a 500 on the list propagates too', async () => {
    env.server.handler = (r) =>
      r.path === '/volumes/detail' ? { status: 503, body: { serviceUnavailable: { message: 'later' } } } : NOT_FOUND;
    expect(await rejectionOf(env.proxy.findVolume('x'))).toBeInstanceOf(ServerError);
  });

  it('an empty name or ID is refused before any request', async () => {
    expect(await rejectionOf(env.proxy.findVolume(''))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejectionOf(env.proxy.findVolume(undefined as unknown as string))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(env.requests).toEqual([]);
  });
});

describe('findQosSpec (the list takes no name filter: matched here)', () => {
  const specs = (n: number, names: Record<number, string> = {}): { id: string; name: string }[] =>
    Array.from({ length: n }, (_, i) => ({ id: `q-${i}`, name: names[i] ?? `spec-${i}` }));

  /** /qos-specs lists everything in pages of `page`, with Cinder-style links. */
  function qos(all: readonly { id: string; name: string }[], page: number): (r: SeenRequest) => Reply {
    return (r) => {
      if (r.path !== '/qos-specs') return NOT_FOUND;
      const marker = r.query['marker'] as string | undefined;
      const start = marker === undefined ? 0 : all.findIndex((s) => s.id === marker) + 1;
      const items = all.slice(start, start + page);
      const links =
        items.length === page
          ? [{ rel: 'next', href: `${env.server.endpoint}/qos-specs?marker=${items.at(-1)!.id}` }]
          : [];
      return { body: { qos_specs: items, qos_specs_links: links } };
    };
  }

  it('the name is not sent; items are matched by name across pages', async () => {
    env.server.handler = qos(specs(25, { 17: 'gold' }), 10);
    const q = await env.proxy.findQosSpec('gold');
    expect(q).toBeInstanceOf(QosSpec);
    expect(q!.id).toBe('q-17');
    expect(calls()).toEqual([
      ['GET', '/qos-specs/gold', {}],
      ['GET', '/qos-specs', {}],
      ['GET', '/qos-specs', { marker: 'q-9' }],
      ['GET', '/qos-specs', { marker: 'q-19' }],
    ]);
  });

  it('an ID the GET refused (403) still matches by ID in the list', async () => {
    env.server.handler = (r) =>
      r.path === '/qos-specs/q-3' ? { status: 403, body: { forbidden: { message: 'policy' } } } : qos(specs(5), 10)(r);
    expect((await env.proxy.findQosSpec('q-3'))!.name).toBe('spec-3');
  });

  it('a second match ends the search without listing the rest', async () => {
    env.server.handler = qos(specs(100, { 2: 'dup', 12: 'dup', 55: 'dup' }), 10);
    const error = await rejectionOf(env.proxy.findQosSpec('dup'));
    expect(error).toBeInstanceOf(DuplicateResourceError);
    // GET + pages 0–9 and 10–19: the match at 12 settles it.
    expect(env.requests).toHaveLength(3);
  });

  it('nothing in the whole list: undefined, or ResourceNotFoundError', async () => {
    env.server.handler = qos(specs(15), 10);
    expect(await env.proxy.findQosSpec('none')).toBeUndefined();
    env.server.requests.length = 0;
    const error = await rejectionOf(env.proxy.findQosSpec('none', { ignoreMissing: false }));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect(env.requests).toHaveLength(3);
  });
});
