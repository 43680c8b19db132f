/**
 * Listings end. A server going round in circles — the same marker or next link again, or pages
 * that stop bringing new items — stops the listing with PaginationLoopError after a few requests.
 * The servers here are bounded: after CAP requests they end the listing themselves, so a client
 * without the guard finishes (with CAP pages of repeats) instead of hanging the test.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaginationLoopError } from '../../../runtime/index.js';
import { json } from '../http/helpers.js';
import { FLAVOURS, rejection, startCinder, type Cinder, type Opened } from './harness.js';

const CAP = 200;

let cinder: Cinder;
beforeAll(async () => {
  cinder = await startCinder();
});
afterAll(() => cinder.close());

/** Serves `page(n)` for the n-th listing request, and an empty last page after CAP requests. */
function serve(page: (n: number) => unknown): void {
  let n = 0;
  cinder.handler = (_req, res) => {
    n += 1;
    json(res, 200, n > CAP ? { volumes: [] } : page(n));
  };
}

const link = (query: string): unknown => [{ rel: 'next', href: `${cinder.endpoint}/volumes/detail?${query}` }];

describe.each(FLAVOURS)('listings through $name', (flavour) => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await flavour.open(cinder);
  });
  afterAll(() => opened.close());
  beforeEach(() => {
    cinder.requests.length = 0;
  });

  it('next links that differ only by an added parameter while repeating one item stop with PaginationLoopError', async () => {
    serve((n) => ({ volumes: [{ id: 'a' }], volumes_links: link(`marker=a&n=${n}`) }));
    const error = await rejection(opened.bs.volumes().toArray());
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect(cinder.api().length).toBeLessThanOrEqual(4);
  });

  it('next links with a new marker each time but the same items stop with PaginationLoopError', async () => {
    serve((n) => ({ volumes: [{ id: 'a' }, { id: 'b' }], volumes_links: link(`marker=m${n}`) }));
    const error = await rejection(opened.bs.volumes().toArray());
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect(cinder.api().length).toBeLessThanOrEqual(STALE_LIMIT);
  });

  it('a server that ignores the marker of full pages (no links) stops with PaginationLoopError', async () => {
    serve(() => ({ volumes: [{ id: 'a' }, { id: 'b' }] }));
    const error = await rejection(opened.bs.volumes({ limit: 2 }).toArray());
    expect(error).toBeInstanceOf(PaginationLoopError);
    expect(cinder.api().length).toBeLessThanOrEqual(3);
  });

  it('a listing whose pages overlap a little still reads to the end', async () => {
    // Items created while listing can shift a page: an item seen twice is not a loop.
    serve((n) =>
      n <= 30
        ? { volumes: [{ id: `v${n - 1}` }, { id: `v${n}` }], volumes_links: link(`marker=v${n}`) }
        : { volumes: [] },
    );
    const ids = (await opened.bs.volumes().toArray()).map((v) => v.id);
    expect(ids.length).toBe(60);
    expect(new Set(ids).size).toBe(31);
  });
});

/** Requests after which a listing of repeated pages must have stopped (a first page, then a few stale ones). */
const STALE_LIMIT = 6;
