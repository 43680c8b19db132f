/**
 * The keys of Cinder's responses, per operation and microversion: what the live suite records to
 * check that the fake cloud answers at least the keys the real Cinder does.
 *
 * A response's keys are its top-level keys (`volume`, `volumes`, `volumes_links`, `count`) and
 * the keys one level down: `volume.size` for an object, `volumes[].size` for a list of objects
 * (the union over the items). The real run records them into test/live/response-keys.json
 * (test/live/response-keys-check.ts); the fake run fails on a key the real Cinder answered and
 * the fake did not, for every operation and microversion exercised on both.
 *
 * The operation of a request is found by the fake cloud's own router (fake/cinder.ts), which is
 * generated from the spec: the same operation ids as the SDK, for real and fake responses alike.
 */
import { appendFileSync } from 'node:fs';
import type { HttpRequest, HttpResponse, Transport } from '../../runtime/http/types.js';
import { FakeCinder, type CallerContext } from '../../fake/cinder.js';
import { FakeClock } from '../../fake/clock.js';
import { loadModel } from '../../fake/load.js';
import { FakeState } from '../../fake/state.js';

/** Operation id → microversion (`3.70`, or `base` without a version header) → sorted keys. */
export type KeyTable = Record<string, Record<string, string[]>>;

/** One recorded response (a line of the run's JSONL file). */
export interface KeyRecord {
  readonly operation: string;
  readonly microversion: string;
  readonly keys: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Cinder names its per-volume-type quota keys after the types (`gigabytes_<type name>`), and the
 * suite makes types with unique names: one key stands for them all, else every run adds keys.
 */
const PER_TYPE_QUOTA = /^(quota_(?:class_)?set\.(?:volumes|snapshots|gigabytes|backups))_.+$/;

/** A key with the names a run makes up replaced by a placeholder (`quota_set.gigabytes_<type>`). */
export function normalizeKey(key: string): string {
  return key.replace(PER_TYPE_QUOTA, '$1_<type>');
}

/** Top-level keys and one level down (`volume.size`, `volumes[].size`), normalised. */
export function keysOf(body: unknown): string[] {
  if (!isObject(body)) return [];
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    keys.add(key);
    if (isObject(value)) for (const sub of Object.keys(value)) keys.add(`${key}.${sub}`);
    else if (Array.isArray(value))
      for (const item of value) if (isObject(item)) for (const sub of Object.keys(item)) keys.add(`${key}[].${sub}`);
  }
  return [...new Set([...keys].map(normalizeKey))].sort();
}

/** The union of records into a table. */
export function tableOf(records: Iterable<KeyRecord>, into: KeyTable = {}): KeyTable {
  for (const r of records) {
    const byVersion = (into[r.operation] ??= {});
    byVersion[r.microversion] = [
      ...new Set([...(byVersion[r.microversion] ?? []), ...r.keys.map(normalizeKey)]),
    ].sort();
  }
  return into;
}

/** Keys of `wanted` that `got` lacks, for every operation and microversion present in both. */
export function missingKeys(wanted: KeyTable, got: KeyTable): { where: string; keys: string[] }[] {
  const out: { where: string; keys: string[] }[] = [];
  for (const [operation, versions] of Object.entries(wanted)) {
    for (const [microversion, keys] of Object.entries(versions)) {
      const have = got[operation]?.[microversion];
      if (!have) continue;
      const lacking = keys.filter((k) => !have.includes(k));
      if (lacking.length > 0) out.push({ where: `${operation} @ ${microversion}`, keys: lacking });
    }
  }
  return out;
}

/** Pairs (operation @ microversion) present in both tables. */
export function commonPairs(a: KeyTable, b: KeyTable): number {
  let n = 0;
  for (const [operation, versions] of Object.entries(a))
    for (const microversion of Object.keys(versions)) if (b[operation]?.[microversion]) n++;
  return n;
}

/** Finds the spec operation of a Cinder request, by the fake cloud's router. */
export class OperationFinder {
  readonly #router: FakeCinder;
  readonly #base: string;

  /** `cinderUrl`: the service root (`http://127.0.0.1:8776`); requests elsewhere (Keystone) have none. */
  constructor(cinderUrl: string) {
    this.#base = new URL(cinderUrl).pathname.replace(/\/+$/, '');
    const model = loadModel();
    const clock = new FakeClock(0);
    const state = new FakeState(clock, 'none', { statusField: () => undefined, defaults: () => ({}) });
    const range = model.services.find((s) => s.major === 3)?.microversion;
    this.#router = new FakeCinder({
      services: model.services,
      state,
      clock,
      minMicroversion: range?.min ?? '3.0',
      maxMicroversion: range?.max ?? '3.0',
      delays: {},
      quotas: {},
      majors: model.services.map((s) => s.major),
    });
  }

  /** `Volume.get`, or undefined for a request no operation answers (version documents, Keystone). */
  find(method: string, url: string, headers: Readonly<Record<string, string>>, body?: string): string | undefined {
    const parsed = new URL(url);
    if (!parsed.pathname.startsWith(this.#base)) return undefined;
    const segments = parsed.pathname
      .slice(this.#base.length)
      .split('/')
      .filter((s) => s !== '');
    const lower: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
    // The URL's project is the caller's: the router then matches below it.
    const caller: CallerContext = { userId: 'u', projectId: segments[1] ?? '', admin: true };
    let parsedBody: unknown;
    try {
      // Actions share one path: the body's key says which (`{"os-extend": …}`).
      parsedBody = body === undefined || body === '' ? undefined : JSON.parse(body);
    } catch {
      parsedBody = undefined;
    }
    return this.#router.operationOf(
      { method, segments, query: parsed.searchParams, headers: lower, body: parsedBody, origin: parsed.origin },
      () => caller,
    );
  }
}

/** The microversion a request asked for: `3.70`, or `base` without a version header. */
export function microversionOf(headers: Readonly<Record<string, string>>): string {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== 'openstack-api-version') continue;
    const match = /volume\s+(\S+)/i.exec(v);
    if (match) return match[1];
  }
  return 'base';
}

/**
 * A transport that appends the keys of every successful JSON answer from Cinder to `file` (one
 * KeyRecord per line), then hands the response on unchanged.
 */
export function recordingKeys(inner: Transport, file: string, cinderUrl: string): Transport {
  const finder = new OperationFinder(cinderUrl);
  const record = (request: HttpRequest, response: HttpResponse): void => {
    if (response.status < 200 || response.status >= 300 || response.body.trim() === '') return;
    const operation = finder.find(request.method, request.url, request.headers, request.body);
    if (!operation) return;
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return;
    }
    const line: KeyRecord = { operation, microversion: microversionOf(request.headers), keys: keysOf(body) };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  };
  return {
    async send(request) {
      const response = await inner.send(request);
      record(request, response);
      return response;
    },
    close: () => inner.close?.(),
  };
}
