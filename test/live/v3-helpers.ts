/**
 * Helpers of the v3 live tests (test/live/v3-*.test.ts): the v3 proxy connected with a wire log
 * that keeps the OpenStack-API-Version header of every request, fresh reads that wait for a
 * status, and best-effort clean-up of what a v3 file created (attachments, groups, group
 * snapshots, group types, transfers, snapshots, volumes, types, messages).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type {
  BlockStorageV3,
  Group,
  GroupSnapshotStatus,
  GroupStatus,
  GroupSnapshot,
  Snapshot,
  SnapshotStatus,
  Volume,
  VolumeStatus,
} from '../../generated/block-storage/v3/index.js';
import {
  defaultTransport,
  type ConnectOptions,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from '../../generated/index.js';
import { POLL } from './data-helpers.js';
import type { LiveEnv } from './env.js';
import { connectLive, type LiveSdkV3 } from './sdk.js';

export { POLL };

/** One request/response pair of a v3 connection, with the microversion header that was sent. */
export interface V3Exchange {
  readonly method: string;
  readonly url: string;
  /** The URL's path, e.g. /v3/<project>/volumes/detail. */
  readonly path: string;
  /** The value of the OpenStack-API-Version request header (`volume 3.70`), or undefined. */
  readonly apiVersion: string | undefined;
  readonly requestBody: unknown;
  readonly status: number;
  /** The OpenStack-API-Version response header: the version the server answered at. */
  readonly answeredVersion: string | undefined;
  /** Cinder's request ID (x-openstack-request-id), to find the call in the service logs. */
  readonly requestId: string | undefined;
  /** The parsed JSON body (the raw text when it is not JSON, undefined when empty). */
  readonly body: unknown;
}

export interface WiredV3 extends LiveSdkV3 {
  /** Every exchange of this connection, oldest first. */
  readonly wire: V3Exchange[];
  /** The last exchange whose method matches and whose path ends with `suffix`. */
  last(method: string, suffix: string): V3Exchange;
  /** The exchanges since `mark` (a previous `wire.length`). */
  since(mark: number): V3Exchange[];
}

function parse(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function header(headers: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/**
 * The v3 proxy as admin (or the second identity), with a transport that records every exchange
 * and the microversion header it carried. `extra` goes to connect() (e.g. defaultMicroversion or
 * maxVersion). Calls through `bs` are recorded for the v3 coverage line.
 */
export async function connectV3(who: 'admin' | 'second' = 'admin', extra: ConnectOptions = {}): Promise<WiredV3> {
  const inner = defaultTransport();
  const wire: V3Exchange[] = [];
  const transport: Transport = {
    async send(request: HttpRequest): Promise<HttpResponse> {
      const response = await inner.send(request);
      wire.push({
        method: request.method,
        url: request.url,
        path: new URL(request.url).pathname,
        apiVersion: header(request.headers, 'openstack-api-version'),
        requestBody: parse(request.body),
        status: response.status,
        answeredVersion: response.headers.get('openstack-api-version') ?? undefined,
        requestId: response.headers.get('x-openstack-request-id') ?? undefined,
        body: parse(response.body),
      });
      return response;
    },
    close: () => inner.close?.(),
  };
  const sdk = await connectLive(who, { ...extra, transport }, '3');
  return {
    ...sdk,
    wire,
    last(method: string, suffix: string): V3Exchange {
      for (let i = wire.length - 1; i >= 0; i--) {
        const e = wire[i];
        if (e.method === method && e.path.endsWith(suffix)) return e;
      }
      throw new Error(`no ${method} …${suffix} in the wire log`);
    },
    since: (mark: number) => wire.slice(mark),
    close: async () => {
      await sdk.close();
      await inner.close?.();
    },
  };
}

/**
 * Lines of a Cinder service log (STATE/cinder/log/<service>.log) that contain every fragment,
 * polling briefly since the services write asynchronously; undefined when the stack is not local.
 */
export async function logLines(
  env: LiveEnv,
  service: 'cinder-api' | 'cinder-scheduler' | 'cinder-volume',
  fragments: readonly string[],
  { atLeast = 1, timeoutMs = 5000 } = {},
): Promise<string[] | undefined> {
  if (env.stateDir === undefined) return undefined;
  const file = join(env.stateDir, 'cinder', 'log', `${service}.log`);
  if (!existsSync(file)) return undefined;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => fragments.every((f) => line.includes(f)));
    if (lines.length >= atLeast || Date.now() > deadline) return lines;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits for a volume's status on a fresh read (a Volume in hand may carry a stale status). */
export async function settled(bs: BlockStorageV3, id: string, status: VolumeStatus = 'available'): Promise<Volume> {
  return bs.waitForStatus(await bs.getVolume(id), status, POLL);
}

/** Waits for a group's status on a fresh read. */
export async function settledGroup(bs: BlockStorageV3, id: string, status: GroupStatus = 'available'): Promise<Group> {
  return bs.waitForStatus(await bs.getGroup(id), status, POLL);
}

/** Waits for a group snapshot's status on a fresh read. */
export async function settledGroupSnapshot(
  bs: BlockStorageV3,
  id: string,
  status: GroupSnapshotStatus = 'available',
): Promise<GroupSnapshot> {
  return bs.waitForStatus(await bs.getGroupSnapshot(id), status, POLL);
}

/** Waits for a snapshot's status on a fresh read. */
export async function settledSnapshot(
  bs: BlockStorageV3,
  id: string,
  status: SnapshotStatus = 'available',
): Promise<Snapshot> {
  return bs.waitForStatus(await bs.getSnapshot(id), status, POLL);
}

/** Creates `count` 1 GiB volumes (optionally of a type, in a group) and waits until they are available. */
export async function newVolumes(
  bs: BlockStorageV3,
  cleanup: V3Cleanup,
  prefix: string,
  count: number,
  attrs: { volumeType?: string; groupId?: string; metadata?: Record<string, string> } = {},
): Promise<Volume[]> {
  const made = await Promise.all(
    Array.from({ length: count }, (_, i) => bs.createVolume({ name: `${prefix}-${i}`, size: 1, ...attrs })),
  );
  for (const v of made) cleanup.volumes.add(v.id);
  return Promise.all(made.map((v) => bs.waitForStatus(v, 'available', POLL)));
}

/**
 * What a v3 file created, deleted in afterAll (ignoring what is already gone), in dependency
 * order: attachments, transfers, group snapshots, groups (with their volumes), snapshots, volumes
 * (status reset first), group types, volume types, messages. Never throws.
 */
export class V3Cleanup {
  readonly attachments = new Set<string>();
  readonly transfers = new Set<string>();
  readonly groupSnapshots = new Set<string>();
  readonly groups = new Set<string>();
  readonly snapshots = new Set<string>();
  readonly volumes = new Set<string>();
  readonly groupTypes = new Set<string>();
  readonly types = new Set<string>();
  readonly messages = new Set<string>();

  constructor(private readonly bs: BlockStorageV3) {}

  async run(): Promise<void> {
    const bs = this.bs;
    const quietly = async (what: string, f: () => Promise<unknown>): Promise<void> => {
      try {
        await f();
      } catch (error) {
        console.warn(`clean-up: ${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    for (const id of this.attachments) await quietly(`attachment ${id}`, () => bs.deleteAttachment(id));
    for (const id of this.transfers) await quietly(`transfer ${id}`, () => bs.deleteTransfer(id));
    await Promise.all(
      [...this.groupSnapshots].map((id) =>
        quietly(`group snapshot ${id}`, async () => {
          const gs = await bs.getGroupSnapshot(id).catch(() => undefined);
          if (!gs) return;
          if (gs.status !== 'available' && gs.status !== 'error') await bs.resetGroupSnapshotStatus(id, 'available');
          await bs.deleteGroupSnapshot(id);
          await bs.waitForDelete(gs, POLL);
        }),
      ),
    );
    await Promise.all(
      [...this.groups].map((id) =>
        quietly(`group ${id}`, async () => {
          const g = await bs.getGroup(id).catch(() => undefined);
          if (!g) return;
          if (g.status !== 'available' && g.status !== 'error') await bs.resetGroupStatus(id, 'available');
          await bs.deleteGroup(id, { deleteVolumes: true });
          await bs.waitForDelete(g, POLL);
        }),
      ),
    );
    await Promise.all(
      [...this.snapshots].map((id) =>
        quietly(`snapshot ${id}`, async () => {
          const s = await bs.getSnapshot(id).catch(() => undefined);
          if (!s) return;
          await bs.deleteSnapshot(id, { force: true });
          await bs.waitForDelete(s, POLL);
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
    for (const id of this.groupTypes) await quietly(`group type ${id}`, () => bs.deleteGroupType(id));
    for (const id of this.types) await quietly(`type ${id}`, () => bs.deleteType(id));
    for (const id of this.messages) await quietly(`message ${id}`, () => bs.deleteMessage(id));
  }
}
