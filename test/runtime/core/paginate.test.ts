/**
 * Paging against a Cinder-like server: `volumes_links` rel=next with absolute hrefs that carry
 * marker and limit (and every other query parameter, offset included, as Cinder does), a page size
 * cap, marker/limit fallback without links, maxItems, foreign hosts in links, loops, broken
 * bodies, and laziness (page N+1 is not asked for before the consumer pulls past page N).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Volume } from '../../../generated/block-storage/v2/index.js';
import {
  InvalidArgumentError,
  InvalidResponseError,
  PaginationLoopError,
  Resource,
  listResources,
  type ResourceSchema,
} from '../../../runtime/index.js';
import {
  PROJECT,
  REQUEST_ID,
  RecordingServer,
  TOKEN,
  coreEnv,
  rejectionOf,
  type Reply,
  type SeenRequest,
} from './support.js';

const env = coreEnv();

const idOf = (i: number): string => `vol-${String(i).padStart(6, '0')}`;
const indexOf = (id: string): number => Number(id.slice(4));

interface PagerOptions {
  /** Number of volumes on the server. */
  readonly total: number;
  /** Largest page the server sends (Cinder's osapi_max_limit). */
  readonly maxPage?: number;
  /** How next links look: Cinder's absolute href (default), none, or pointing somewhere else. */
  readonly links?: 'cinder' | 'none' | { readonly origin: string };
  /** Key the links are under (default `volumes_links`). */
  readonly linksKey?: string;
  readonly resourcesKey?: string;
}

/** A Cinder-like `/volumes/detail` over `total` volumes, generated on demand. */
function pager(o: PagerOptions): (r: SeenRequest) => Reply {
  const maxPage = o.maxPage ?? 1000;
  const key = o.resourcesKey ?? 'volumes';
  return (r) => {
    const q = r.query;
    const one = (name: string): string | undefined => (Array.isArray(q[name]) ? q[name].at(-1) : q[name]);
    const limit = Math.min(Number(one('limit') ?? maxPage), maxPage);
    const marker = one('marker');
    const offset = Number(one('offset') ?? 0);
    const start = (marker === undefined ? 0 : indexOf(marker) + 1) + offset;
    const items = [];
    for (let i = start; i < Math.min(start + limit, o.total); i++)
      items.push({ id: idOf(i), name: `v${i}`, size: (i % 50) + 1, status: 'available' });
    const body: Record<string, unknown> = { [key]: items };
    if (items.length === limit && o.links !== 'none') {
      // Cinder copies every request parameter into the link and sets marker and limit.
      const origin = typeof o.links === 'object' ? o.links.origin : env.server.origin;
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(q))
        for (const item of Array.isArray(v) ? v : [v]) if (k !== 'marker' && k !== 'limit') params.append(k, item);
      params.set('limit', String(limit));
      params.set('marker', items.at(-1)!.id);
      body[o.linksKey ?? `${key}_links`] = [
        { rel: 'next', href: `${origin}/v3/${PROJECT}${r.path}?${params.toString()}` },
      ];
    }
    return { body };
  };
}

describe('following Cinder next links', () => {
  it('10,000 volumes in pages of 1,000: nothing lost or repeated, 10 full pages and the empty one after', async () => {
    env.server.handler = pager({ total: 10_000 });
    const seen = new Set<string>();
    let count = 0;
    let previous = -1;
    for await (const v of env.proxy.volumes({ limit: 1000 })) {
      expect(v).toBeInstanceOf(Volume);
      const i = indexOf(v.id);
      expect(i).toBe(previous + 1);
      previous = i;
      seen.add(v.id);
      count++;
    }
    expect(count).toBe(10_000);
    expect(seen.size).toBe(10_000);
    // Cinder links a full last page too; the empty page after it ends the listing.
    expect(env.requests).toHaveLength(11);
    expect(env.requests[0].query).toEqual({ limit: '1000' });
    env.requests.slice(1).forEach((r, n) => {
      expect(r.path).toBe('/volumes/detail');
      expect(r.query).toEqual({ limit: '1000', marker: idOf((n + 1) * 1000 - 1) });
    });
  });

  it('a last page shorter than the limit ends the listing: 10,500 volumes → 11 requests', async () => {
    env.server.handler = pager({ total: 10_500 });
    const items = await env.proxy.volumes({ limit: 1000 }).toArray();
    expect(items).toHaveLength(10_500);
    expect(new Set(items.map((v) => v.id)).size).toBe(10_500);
    expect(env.requests).toHaveLength(11);
  });

  it('without a limit the server caps the page and its links are followed', async () => {
    env.server.handler = pager({ total: 2_345, maxPage: 1000 });
    const items = await env.proxy.volumes().toArray();
    expect(items.map((v) => v.id)).toEqual(Array.from({ length: 2_345 }, (_, i) => idOf(i)));
    expect(env.requests.map((r) => r.query)).toEqual([
      {},
      { limit: '1000', marker: idOf(999) },
      { limit: '1000', marker: idOf(1999) },
    ]);
  });

  it('filters travel in the links; every page is asked with them', async () => {
    env.server.handler = pager({ total: 30 });
    const items = await env.proxy.volumes({ limit: 10, status: 'available', allProjects: true }).toArray();
    expect(items).toHaveLength(30);
    expect(env.requests).toHaveLength(4);
    for (const r of env.requests)
      expect(r.query).toMatchObject({ status: 'available', all_tenants: 'true', limit: '10' });
  });

  it('an offset is applied once: Cinder copies it into next links, the SDK drops it after the first page', async () => {
    env.server.handler = pager({ total: 35 });
    const items = await env.proxy.volumes({ limit: 10, offset: 5 }).toArray();
    expect(items.map((v) => indexOf(v.id))).toEqual(Array.from({ length: 30 }, (_, i) => i + 5));
    expect(env.requests[0].query).toEqual({ limit: '10', offset: '5' });
    for (const r of env.requests.slice(1)) expect(r.query['offset']).toBeUndefined();
  });

  it('links under another "<something>_links" key are followed (Cinder\'s consistencygroup_links)', async () => {
    env.server.handler = pager({
      total: 25,
      resourcesKey: 'consistencygroups',
      linksKey: 'consistencygroup_links',
      maxPage: 10,
    });
    const items = await env.proxy.consistencyGroups().toArray();
    expect(items).toHaveLength(25);
    expect(env.requests).toHaveLength(3);
  });

  it('pages() gives each page with its request id', async () => {
    env.server.handler = pager({ total: 25 });
    const sizes: number[] = [];
    for await (const page of env.proxy.volumes({ limit: 10 }).pages()) {
      sizes.push(page.items.length);
      expect(page.requestId).toBe(REQUEST_ID);
    }
    expect(sizes).toEqual([10, 10, 5]);
  });
});

describe('marker/limit fallback when no link comes', () => {
  it('a full page without a link asks for the next one with marker=<last id>, keeping filters and limit', async () => {
    env.server.handler = pager({ total: 2_500, links: 'none' });
    const items = await env.proxy.volumes({ limit: 1000, status: 'available' }).toArray();
    expect(items).toHaveLength(2_500);
    expect(new Set(items.map((v) => v.id)).size).toBe(2_500);
    expect(env.requests.map((r) => r.query)).toEqual([
      { limit: '1000', status: 'available' },
      { limit: '1000', status: 'available', marker: idOf(999) },
      { limit: '1000', status: 'available', marker: idOf(1999) },
    ]);
  });

  it('an exact multiple ends with one empty page', async () => {
    env.server.handler = pager({ total: 2_000, links: 'none' });
    expect(await env.proxy.volumes({ limit: 1000 }).toArray()).toHaveLength(2_000);
    expect(env.requests).toHaveLength(3);
  });

  it('no limit and no link: exactly one request', async () => {
    env.server.handler = pager({ total: 2_000, links: 'none' });
    expect(await env.proxy.volumes().toArray()).toHaveLength(1_000);
    expect(env.requests).toHaveLength(1);
  });

  it('an offset is not re-applied after the marker', async () => {
    env.server.handler = pager({ total: 25, links: 'none' });
    const items = await env.proxy.volumes({ limit: 10, offset: 3 }).toArray();
    expect(items.map((v) => indexOf(v.id))).toEqual(Array.from({ length: 22 }, (_, i) => i + 3));
  });

  it('a server that ignores the marker is a PaginationLoopError, not an endless loop', async () => {
    env.server.handler = () => ({ body: { volumes: [{ id: 'a' }, { id: 'b' }] } });
    const error = await rejectionOf(env.proxy.volumes({ limit: 2 }).toArray());
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect(env.requests).toHaveLength(2);
  });
});

describe('maxItems', () => {
  it('stops early and fetches no further page', async () => {
    env.server.handler = pager({ total: 10_000 });
    const items = await env.proxy.volumes({ limit: 100, maxItems: 250 }).toArray();
    expect(items.map((v) => indexOf(v.id))).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(env.requests).toHaveLength(3);
  });

  it('stopping exactly at a page boundary does not fetch the next page', async () => {
    env.server.handler = pager({ total: 10_000 });
    expect(await env.proxy.volumes({ limit: 100, maxItems: 200 }).toArray()).toHaveLength(200);
    expect(env.requests).toHaveLength(2);
  });

  it('without a limit, maxItems is the page size (one request)', async () => {
    env.server.handler = pager({ total: 10_000 });
    expect(await env.proxy.volumes({ maxItems: 42 }).toArray()).toHaveLength(42);
    expect(env.requests.map((r) => r.query)).toEqual([{ limit: '42' }]);
  });

  it('maxItems 0 sends nothing; a negative or fractional one is an InvalidArgumentError', async () => {
    env.server.handler = pager({ total: 10 });
    expect(await env.proxy.volumes({ maxItems: 0 }).toArray()).toEqual([]);
    expect(env.requests).toHaveLength(0);
    expect(() => env.proxy.volumes({ maxItems: -1 })).toThrow(InvalidArgumentError);
    expect(() => env.proxy.volumes({ maxItems: 1.5 })).toThrow(InvalidArgumentError);
  });

  it('pages() honours maxItems too: the last page is cut, no page after it', async () => {
    env.server.handler = pager({ total: 10_000 });
    const sizes: number[] = [];
    for await (const page of env.proxy.volumes({ limit: 100, maxItems: 250 }).pages()) sizes.push(page.items.length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(env.requests).toHaveLength(3);
    env.server.requests.length = 0;
    const one: number[] = [];
    for await (const page of env.proxy.volumes({ maxItems: 5 }).pages()) one.push(page.items.length);
    expect(one).toEqual([5]);
    expect(env.requests).toHaveLength(1);
    for await (const _ of env.proxy.volumes({ maxItems: 0 }).pages()) throw new Error('no page expected');
    expect(env.requests).toHaveLength(1);
  });

  it('breaking out of a for-await stops the listing too', async () => {
    env.server.handler = pager({ total: 10_000 });
    let n = 0;
    for await (const _ of env.proxy.volumes({ limit: 100 })) if (++n === 150) break;
    expect(env.requests).toHaveLength(2);
  });
});

describe('links that must not be followed as they are', () => {
  let foreign: RecordingServer;
  beforeAll(async () => {
    foreign = await RecordingServer.start();
    foreign.handler = () => ({ body: { volumes: [{ id: 'evil' }] } });
  });
  afterAll(async () => {
    await foreign.close();
  });

  it('a next link to a foreign host: only its query is used, on our endpoint; the token never goes there', async () => {
    foreign.requests.length = 0;
    env.server.handler = pager({ total: 25, links: { origin: foreign.origin } });
    const items = await env.proxy.volumes({ limit: 10 }).toArray();
    expect(items.map((v) => v.id)).toEqual(Array.from({ length: 25 }, (_, i) => idOf(i)));
    expect(foreign.requests).toEqual([]);
    for (const r of env.requests) expect(r.headers['x-auth-token']).toBe(TOKEN);
    expect(env.requests.map((r) => r.query)).toEqual([
      { limit: '10' },
      { limit: '10', marker: idOf(9) },
      { limit: '10', marker: idOf(19) },
    ]);
  });

  it("a link to another path is also requested on the operation's own path", async () => {
    let n = 0;
    env.server.handler = () =>
      n++ === 0
        ? {
            body: {
              volumes: [{ id: 'a' }],
              volumes_links: [{ rel: 'next', href: 'https://elsewhere.example/admin/secret?marker=a' }],
            },
          }
        : { body: { volumes: [] } };
    await env.proxy.volumes().toArray();
    expect(env.requests.map((r) => [r.path, r.query])).toEqual([
      ['/volumes/detail', {}],
      ['/volumes/detail', { marker: 'a' }],
    ]);
  });

  it('the same next link twice is a PaginationLoopError', async () => {
    env.server.handler = () => ({
      body: {
        volumes: [{ id: 'a' }, { id: 'b' }],
        volumes_links: [{ rel: 'next', href: `${env.server.endpoint}/volumes/detail?marker=b` }],
      },
    });
    const seen: string[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const v of env.proxy.volumes()) seen.push(v.id);
      })(),
    );
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect((error as Error).message).toContain('marker=b');
    expect(env.requests).toHaveLength(2);
    // What came before the loop was delivered.
    expect(seen).toEqual(['a', 'b', 'a', 'b']);
  });

  it('rel values other than next are ignored', async () => {
    env.server.handler = () => ({
      body: {
        volumes: [{ id: 'a' }],
        volumes_links: [{ rel: 'self', href: `${env.server.endpoint}/volumes/detail?marker=z` }],
      },
    });
    expect(await env.proxy.volumes().toArray()).toHaveLength(1);
    expect(env.requests).toHaveLength(1);
  });
});

describe('ends and broken bodies', () => {
  it('an empty page ends the listing even when it carries a next link', async () => {
    env.server.handler = () => ({
      body: { volumes: [], volumes_links: [{ rel: 'next', href: `${env.server.endpoint}/volumes/detail?marker=x` }] },
    });
    expect(await env.proxy.volumes({ limit: 10 }).toArray()).toEqual([]);
    expect(env.requests).toHaveLength(1);
  });

  it.each([
    ['the list is an object', { volumes: { id: 'a' } }, /expected a "volumes" list/],
    ['the key is missing', { snapshots: [] }, /expected a "volumes" list/],
    ['the body is a bare list', [{ id: 'a' }], /expected a "volumes" list/],
    ['the body is a string', 'volumes', /not JSON|expected a "volumes" list/],
    ['an item is not an object', { volumes: [{ id: 'a' }, 7] }, /item 1 is not an object/],
  ])('%s → InvalidResponseError', async (_what, body, message) => {
    env.server.handler = () => ({ body }); // always labelled application/json
    const error = await rejectionOf(env.proxy.volumes().toArray());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toMatch(message);
  });

  it('an unpaginated listing makes one request even when links come', async () => {
    class Thing extends Resource {
      static override readonly schema: ResourceSchema = {
        name: 'Thing',
        resourcesKey: 'things',
        fields: { id: { wire: 'id', type: 'string' } },
      };
    }
    env.server.handler = () => ({
      body: { things: [{ id: 'a' }], things_links: [{ rel: 'next', href: `${env.server.endpoint}/things?marker=a` }] },
    });
    const op = { id: 'Thing.list', method: 'GET', path: '/things' } as const;
    const items = await listResources(env.client, Thing, op, { query: { limit: 1 }, paginated: false }).toArray();
    expect(items.map((t) => t.resourceId)).toEqual(['a']);
    expect(env.requests).toHaveLength(1);
  });
});

describe('laziness: memory stays flat because nothing is fetched ahead', () => {
  it('page N+1 is asked for only when the consumer pulls past page N', async () => {
    env.server.handler = pager({ total: 3_000 });
    const it = env.proxy.volumes({ limit: 1000 })[Symbol.asyncIterator]();
    expect(env.requests).toHaveLength(0); // creating the listing sends nothing
    for (let i = 0; i < 1000; i++) {
      const r = await it.next();
      expect(r.done).toBe(false);
    }
    // Give any read-ahead a chance to show up on the server.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.requests).toHaveLength(1);
    const next = await it.next();
    expect((next.value as Volume).id).toBe(idOf(1000));
    expect(env.requests).toHaveLength(2);
    for (let i = 0; i < 999; i++) await it.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(env.requests).toHaveLength(2);
    await it.return?.();
    expect(env.requests).toHaveLength(2);
  });

  it('calls to next() made before the previous one settles get every item once, in order', async () => {
    env.server.handler = pager({ total: 25 });
    const it = env.proxy.volumes({ limit: 10 })[Symbol.asyncIterator]();
    // Not awaited one by one: the page each call needs is still being fetched by an earlier call.
    const results = await Promise.all(Array.from({ length: 27 }, () => it.next()));
    expect(results.slice(0, 25).map((r) => (r.done ? 'done' : indexOf(r.value.id)))).toEqual(
      Array.from({ length: 25 }, (_, i) => i),
    );
    expect(results.slice(25).map((r) => r.done)).toEqual([true, true]);
    expect(env.requests).toHaveLength(3);
  });

  it('a listing can be iterated again (a new listing each time)', async () => {
    env.server.handler = pager({ total: 15 });
    const listing = env.proxy.volumes({ limit: 10 });
    expect(await listing.toArray()).toHaveLength(15);
    expect(await listing.toArray()).toHaveLength(15);
    expect(env.requests).toHaveLength(4);
  });
});
