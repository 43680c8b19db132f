/**
 * Helpers of the data-plane live tests (volumes, snapshots, backups, transfers, waiters): polling
 * options, a wire log for answers the proxy does not return, the sparse backing files of the
 * file-backed fake driver, and best-effort clean-up of everything a file created.
 */
import { closeSync, existsSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

import type { BlockStorageV2, Volume, VolumeStatus } from '../../generated/block-storage/v2/index.js';
import {
  HttpError,
  defaultTransport,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from '../../generated/index.js';
import type { LiveEnv } from './env.js';
import { connectLive, type LiveSdk } from './sdk.js';

/** Waiter options: poll every 0.25 s (at most 0.5 s), give up after 90 s. */
// On the fake cloud a transition completes on the next read: a wait that has not ended after a few
// seconds never will (a gap the run lists), so the suite does not sit out the real stack's 90 s.
export const POLL = {
  interval: 0.25,
  maxInterval: 0.5,
  wait: process.env['LIVE_TARGET'] === 'fake' ? 5 : 90,
} as const;

export const GIB = 1024 ** 3;

// ---------------------------------------------------------------- wire log

/** One request/response pair as it went over the wire. */
export interface Exchange {
  readonly method: string;
  readonly url: string;
  readonly requestBody: unknown;
  readonly status: number;
  /** The parsed JSON body (the raw text when it is not JSON, undefined when empty). */
  readonly body: unknown;
}

export interface WiredSdk extends LiveSdk {
  /** Every exchange of this connection, oldest first. */
  readonly wire: Exchange[];
  /** The last exchange whose method matches and whose URL ends with `urlSuffix`. */
  last(method: string, urlSuffix: string): Exchange;
}

function parse(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * connectLive() with a transport that records every exchange, for the few answers the proxy
 * does not hand back (an action's response body, an error's raw fault). Calls through `bs` are
 * still recorded for the coverage report.
 */
export async function connectWired(who: 'admin' | 'second' = 'admin'): Promise<WiredSdk> {
  const inner = defaultTransport();
  const wire: Exchange[] = [];
  const transport: Transport = {
    async send(request: HttpRequest): Promise<HttpResponse> {
      const response = await inner.send(request);
      wire.push({
        method: request.method,
        url: request.url,
        requestBody: parse(request.body),
        status: response.status,
        body: parse(response.body),
      });
      return response;
    },
    close: () => inner.close?.(),
  };
  const sdk = await connectLive(who, { transport });
  return {
    ...sdk,
    wire,
    last(method: string, urlSuffix: string): Exchange {
      for (let i = wire.length - 1; i >= 0; i--) {
        const e = wire[i];
        if (e.method === method && new URL(e.url).pathname.endsWith(urlSuffix)) return e;
      }
      throw new Error(`no ${method} …${urlSuffix} in the wire log`);
    },
    close: async () => {
      await sdk.close();
      await inner.close?.();
    },
  };
}

// ---------------------------------------------------------------- errors

/**
 * Awaits a promise that must reject with `cls`; checks the HTTP status and that Cinder's message
 * contains `message` (when given). Returns the error for further checks.
 */
export async function expectRejects<E extends Error>(
  promise: Promise<unknown>,
  cls: abstract new (...args: never[]) => E,
  status?: number,
  message?: string | RegExp,
): Promise<E> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error, `expected a ${cls.name}`).toBeInstanceOf(cls);
  if (status !== undefined) expect((error as HttpError).status).toBe(status);
  if (message !== undefined) {
    const text = error instanceof HttpError ? (error.details ?? '') : (error as Error).message;
    if (typeof message === 'string') expect(text).toContain(message);
    else expect(text).toMatch(message);
  }
  return error as E;
}

/**
 * A resource's attributes as a plain object, for toMatchObject: on a mismatch vitest prints a
 * subset copy of the object whose class getters then fail on the missing private fields
 * (TypeError: Cannot read private member #body), hiding the diff.
 */
export function json(resource: { toJSON(): Record<string, unknown> } | undefined): Record<string, unknown> | undefined {
  return resource?.toJSON();
}

// ---------------------------------------------------------------- volumes

/** Waits for a volume's status on a fresh read (a Volume in hand may carry a stale status). */
export async function settledVolume(
  bs: BlockStorageV2,
  id: string,
  status: VolumeStatus = 'available',
): Promise<Volume> {
  return bs.waitForStatus(await bs.getVolume(id), status, POLL);
}

/** The backend name of a pool: rc-host@fake2#fake2 → fake2. */
export function backendOf(pool: string): string {
  return pool.split('@')[1].split('#')[0];
}

// ---------------------------------------------------------------- backing files

/** The directory of the sparse volume/snapshot files, when the stack runs on this machine. */
export function filesDir(env: LiveEnv): string | undefined {
  return env.volumeFilesDir !== undefined && existsSync(env.volumeFilesDir) ? env.volumeFilesDir : undefined;
}

/** The file of a volume: volume-<name id> (the name id differs from the id after a migration). */
export function volumeFile(dir: string, volume: Volume): string {
  return join(dir, `volume-${volume.migrationId ?? volume.id}`);
}

export function snapshotFile(dir: string, snapshotId: string): string {
  return join(dir, `snapshot-${snapshotId}`);
}

/** Writes `text` at byte `offset` of a file (without truncating it). */
export function writeAt(path: string, offset: number, text: string): void {
  const fd = openSync(path, 'r+');
  try {
    const data = Buffer.from(text);
    writeSync(fd, data, 0, data.length, offset);
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes at `offset` as text (NUL bytes where the sparse file has a hole). */
export function readAt(path: string, offset: number, length: number): string {
  const fd = openSync(path, 'r');
  try {
    const data = Buffer.alloc(length);
    const n = readSync(fd, data, 0, length, offset);
    return data.subarray(0, n).toString();
  } finally {
    closeSync(fd);
  }
}

/** Marker offsets: one in the first chunk, one past the first backup chunk (128 MiB). */
export const MARKER_OFFSETS = [4096, 200 * 1024 * 1024 + 17] as const;

export function writeMarkers(path: string, marker: string): void {
  for (const offset of MARKER_OFFSETS) writeAt(path, offset, marker);
}

export function expectMarkers(path: string, marker: string): void {
  for (const offset of MARKER_OFFSETS) expect(readAt(path, offset, marker.length), `${path} at ${offset}`).toBe(marker);
}

// ---------------------------------------------------------------- clean-up

/**
 * What a test file created, deleted in afterAll (ignoring what is already gone): transfers,
 * backups, snapshots, volumes (status reset first, force if a normal delete is refused), then
 * volume types and leftover files. Never throws: a failed clean-up must not hide a test's result.
 */
export class Cleanup {
  readonly transfers = new Set<string>();
  readonly backups = new Set<string>();
  readonly snapshots = new Set<string>();
  readonly volumes = new Set<string>();
  readonly types = new Set<string>();
  readonly files = new Set<string>();

  constructor(private readonly bs: BlockStorageV2) {}

  async run(): Promise<void> {
    const bs = this.bs;
    const quietly = async (what: string, f: () => Promise<unknown>): Promise<void> => {
      try {
        await f();
      } catch (error) {
        console.warn(`clean-up: ${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    for (const id of this.transfers) await quietly(`transfer ${id}`, () => bs.deleteTransfer(id));
    await Promise.all(
      [...this.backups].map((id) =>
        quietly(`backup ${id}`, async () => {
          await bs.deleteBackup(id, { force: true });
          const b = await bs.getBackup(id).catch(() => undefined);
          if (b) await bs.waitForDelete(b, POLL);
        }),
      ),
    );
    await Promise.all(
      [...this.snapshots].map((id) =>
        quietly(`snapshot ${id}`, async () => {
          await bs.deleteSnapshot(id, { force: true });
          const s = await bs.getSnapshot(id).catch(() => undefined);
          if (s) await bs.waitForDelete(s, POLL);
        }),
      ),
    );
    await Promise.all(
      [...this.volumes].map((id) =>
        quietly(`volume ${id}`, async () => {
          const v = await bs.getVolume(id).catch(() => undefined);
          if (!v) return;
          if (v.status !== 'available' && v.status !== 'error' && v.status !== 'deleting') {
            await bs.resetVolumeStatus(id, { status: 'available', attachStatus: 'detached' }).catch(() => undefined);
          }
          try {
            await bs.deleteVolume(id, { cascade: true });
          } catch {
            await bs.deleteVolume(id, { force: true });
          }
          await bs.waitForDelete(v, POLL);
        }),
      ),
    );
    for (const id of this.types) await quietly(`type ${id}`, () => bs.deleteType(id));
    for (const path of this.files) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
  }
}
