/**
 * What the fake cloud holds: one record per resource instance, shared by the v2 and v3 APIs (as in
 * Cinder, where both read the same database), each owned by a project. A record's `data` is keyed
 * by wire names, the union of every version's fields; views per version and microversion are cut
 * from it when answering.
 *
 * A lifecycle step leaves a pending transition on the record; it completes the next time the record
 * is read once the clock has reached its due time (by default at once, so on the next read), unless
 * a fault holds the record in its status.
 */
import { randomUUID } from 'node:crypto';
import type { FakeClock } from './clock.js';

export interface PendingTransition {
  /** `Volume.extend`. */
  readonly operation: string;
  readonly to?: string | undefined;
  readonly gone: boolean;
  /** Wire name → value, applied on completion. */
  readonly set: Readonly<Record<string, unknown>>;
  readonly due: number;
}

export interface FakeRecord {
  readonly resource: string;
  readonly id: string;
  /** The owning project; resources without a project field are global (visible to every project). */
  project: string;
  /** Wire name → value. */
  data: Record<string, unknown>;
  /** Values Cinder keeps beside the fields (a column no view shows: an attachment's connector). */
  kept?: Record<string, unknown> | undefined;
  pending?: PendingTransition | undefined;
  /** Held in its status by a fault: pending transitions wait. */
  stuck?: boolean | undefined;
  /** Creation order, to sort records created within the same clock tick. */
  readonly seq: number;
}

export interface InsertOptions {
  /** The owner (default: the fake's main project). */
  readonly project?: string | undefined;
  /** The ID (default: a random UUID, or `data.id`). */
  readonly id?: string | undefined;
}

export class FakeState {
  readonly #records = new Map<string, Map<string, FakeRecord>>();
  readonly #clock: FakeClock;
  readonly #statusField: (resource: string) => string | undefined;
  readonly #defaults: (resource: string, project: string) => Record<string, unknown>;
  readonly #defaultProject: string;
  #seq = 0;

  /** @internal Built by startFakeCloud, with what the engine knows of each resource. */
  constructor(
    clock: FakeClock,
    defaultProject: string,
    schema: {
      readonly statusField: (resource: string) => string | undefined;
      /** Every field's empty value, timestamps and the owner: what a seeded record starts from. */
      readonly defaults: (resource: string, project: string) => Record<string, unknown>;
    },
  ) {
    this.#clock = clock;
    this.#defaultProject = defaultProject;
    this.#statusField = schema.statusField;
    this.#defaults = schema.defaults;
  }

  #table(resource: string): Map<string, FakeRecord> {
    let table = this.#records.get(resource);
    if (!table) this.#records.set(resource, (table = new Map<string, FakeRecord>()));
    return table;
  }

  /**
   * Adds a record as if it had been created (seeding a test): `data` by wire names, over every
   * field's empty value, the creation time and the owning project.
   */
  insert(resource: string, data: Record<string, unknown>, options: InsertOptions = {}): FakeRecord {
    const given = typeof data['id'] === 'string' ? data['id'] : undefined;
    const id = options.id ?? given ?? randomUUID();
    const project = options.project ?? this.#defaultProject;
    const record: FakeRecord = {
      resource,
      id,
      project,
      data: { ...this.#defaults(resource, project), ...data, id },
      seq: this.#seq++,
    };
    this.#table(resource).set(id, record);
    return record;
  }

  /** The record as it stands now (a due transition completes first); undefined when gone. */
  get(resource: string, id: string): FakeRecord | undefined {
    const record = this.#records.get(resource)?.get(id);
    return record && this.settle(record) ? record : undefined;
  }

  /** Every record of a resource, oldest first, transitions settled. */
  list(resource: string): FakeRecord[] {
    return [...(this.#records.get(resource)?.values() ?? [])].filter((r) => this.settle(r));
  }

  /** Removes a record at once. */
  remove(resource: string, id: string): boolean {
    return this.#records.get(resource)?.delete(id) ?? false;
  }

  /** Sets a record's status at once (e.g. to send it to `error`), dropping any pending transition. */
  setStatus(resource: string, id: string, status: string): void {
    const record = this.#records.get(resource)?.get(id);
    const field = this.#statusField(resource);
    if (!record) throw new Error(`state.setStatus: no ${resource} ${id}`);
    if (!field) throw new Error(`state.setStatus: ${resource} has no status field`);
    record.pending = undefined;
    record.data[field] = status;
  }

  /** Holds a record in its current status (or the one given) until released. */
  hold(resource: string, id: string, status?: string): () => void {
    const record = this.#records.get(resource)?.get(id);
    if (!record) throw new Error(`faults.stick: no ${resource} ${id}`);
    if (status !== undefined) this.setStatus(resource, id, status);
    record.stuck = true;
    return () => {
      record.stuck = false;
    };
  }

  /** Completes a due transition; false when the record is gone. */
  settle(record: FakeRecord): boolean {
    const p = record.pending;
    if (!p || record.stuck || this.#clock.now() < p.due)
      return this.#records.get(record.resource)?.has(record.id) ?? false;
    record.pending = undefined;
    if (p.gone) {
      this.remove(record.resource, record.id);
      return false;
    }
    Object.assign(record.data, p.set);
    const field = this.#statusField(record.resource);
    if (field && p.to !== undefined) record.data[field] = p.to;
    record.data['updated_at'] = this.#clock.timestamp();
    return true;
  }

  /** @internal Counts per resource, for quotas. */
  owned(resource: string, project: string): FakeRecord[] {
    return this.list(resource).filter((r) => r.project === project);
  }
}
