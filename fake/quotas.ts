/**
 * Cinder's quota engine in the fake cloud, read from the spec's `quota` declarations: the keys of
 * the project quota resource and what each counts (records of which resources, a count, a sum or
 * the largest of a field), keys made per record of another resource (`volumes_<type name>`), the
 * quota classes (the `default` class gives every project without its own limits its values) and the
 * absolute limits. Nothing here names a resource: the declarations do.
 *
 * A project's limit for a key is its own, else the default class's, else the key's declared default
 * (cinder/quota.py DbQuotaDriver.get_project_quotas). Usage is computed from the state on every
 * read, so it is always what the records say (Cinder keeps counters; the fake has no reservations).
 */
import type { FakeQuota, FakeQuotaKey, FakeResource } from './model.js';
import type { FakeRecord, FakeState } from './state.js';

/** A refusal: the engine turns it into Cinder's fault envelope. */
export interface QuotaRefusal {
  readonly status: number;
  readonly message: string;
}

interface KeyEntry {
  readonly key: FakeQuotaKey;
  readonly default: number;
  /** For a per-record key: the record it is made for (a volume type). */
  readonly record?: FakeRecord;
}

/** What the engine passes in: the resources by name (v3 wins) and the state. */
export interface QuotaContext {
  readonly resources: ReadonlyMap<string, FakeResource>;
  readonly state: FakeState;
  /** The limits every project starts with as its own (the fake's `quotas` option). */
  readonly initial: Readonly<Record<string, number>>;
}

export class FakeQuotas {
  readonly #ctx: QuotaContext;
  /** The resource declaring `quota.role: project`. */
  readonly #project: { readonly resource: FakeResource; readonly quota: FakeQuota } | undefined;
  /** A project's own limits, once they differ from the initial ones. */
  readonly #own = new Map<string, Record<string, number>>();
  /** Quota class name → its values. */
  readonly #classes = new Map<string, Record<string, number>>();

  constructor(ctx: QuotaContext) {
    this.#ctx = ctx;
    for (const resource of ctx.resources.values()) {
      if (resource.quota?.role === 'project') this.#project = { resource, quota: resource.quota };
    }
  }

  /** Every quota key now: the declared ones and one per record for per-record keys. */
  keys(): Map<string, KeyEntry> {
    const out = new Map<string, KeyEntry>();
    const quota = this.#project?.quota;
    if (!quota) return out;
    for (const [name, key] of Object.entries(quota.keys)) out.set(name, { key, default: key.default ?? -1 });
    const per = quota.perRecord;
    if (per) {
      const owner = this.#ctx.resources.get(per.resource);
      for (const record of this.#ctx.state.list(per.resource)) {
        const label = record.data[owner?.nameField ?? 'name'];
        if (typeof label !== 'string') continue;
        for (const [name, key] of Object.entries(per.keys))
          out.set(`${name}_${label}`, { key, default: key.default ?? per.default ?? -1, record });
      }
    }
    return out;
  }

  #classValues(name: string): Record<string, number> {
    return this.#classes.get(name) ?? {};
  }

  /** A class's limit: its own value, else the default class's, else the key's default. */
  classLimit(name: string, key: string, entry: KeyEntry): number {
    return this.#classValues(name)[key] ?? this.#classValues('default')[key] ?? entry.default;
  }

  #ownOf(project: string): Record<string, number> {
    return this.#own.get(project) ?? { ...this.#ctx.initial };
  }

  limit(project: string, key: string, entry: KeyEntry): number {
    return this.#ownOf(project)[key] ?? this.classLimit('default', key, entry);
  }

  /** Whether a record of `resource` counts for a per-record key (its match field names the record). */
  #counts(resource: string, data: Readonly<Record<string, unknown>>, entry: KeyEntry): boolean {
    if (!entry.record) return true;
    const match = this.#project?.quota.perRecord?.match[resource];
    if (match === undefined) return false;
    const owner = this.#ctx.resources.get(entry.record.resource);
    const value = data[match];
    return value === entry.record.id || value === entry.record.data[owner?.nameField ?? 'name'];
  }

  inUse(project: string, entry: KeyEntry): number {
    const key = entry.key;
    if (key.perRecordLimit) return 0;
    let total = 0;
    for (const resource of key.of) {
      for (const record of this.#ctx.state.owned(resource, project)) {
        if (!this.#counts(resource, record.data, entry)) continue;
        if (key.measure === 'count') total += 1;
        else if (key.field !== undefined) {
          const v = Number(record.data[key.field] ?? 0);
          total = key.measure === 'largest' ? Math.max(total, v) : total + v;
        }
      }
    }
    return total;
  }

  /** A project's limits (`quota_set`), or with usage `{limit, in_use, reserved}` per key. */
  projectView(project: string, usage: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of this.keys()) {
      const limit = this.limit(project, key, entry);
      out[key] = usage ? { limit, in_use: this.inUse(project, entry), reserved: 0 } : limit;
    }
    return out;
  }

  /** The defaults a project gets: the default class over the keys' defaults. */
  defaultsView(): Record<string, number> {
    return this.classView('default');
  }

  classView(name: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, entry] of this.keys()) out[key] = this.classLimit(name, key, entry);
    return out;
  }

  /**
   * Checks the values of an update body as Cinder's `quota_set` / `quota_class_set` format checkers
   * do (cinder/api/validation/validators.py): known keys, integers of at least -1.
   */
  #validate(
    body: Readonly<Record<string, unknown>>,
    skip: ReadonlySet<string>,
    what: string,
  ): { readonly refusal?: QuotaRefusal; readonly values: Record<string, number> } {
    const keys = this.keys();
    const bad: string[] = [];
    const values: Record<string, number> = {};
    const refuse = (reason: string) => ({
      refusal: {
        status: 400,
        message: `Invalid input for field/attribute ${what}. Value: ${JSON.stringify(body)}. ${reason}`,
      },
      values,
    });
    for (const [key, raw] of Object.entries(body)) {
      if (skip.has(key)) continue;
      if (!keys.has(key)) {
        bad.push(key);
        continue;
      }
      const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isInteger(value)) return refuse(`${key} must be an integer.`);
      if (value < -1) return refuse(`${key} must be >= -1`);
      values[key] = value;
    }
    if (bad.length > 0) return refuse(`Bad key(s) in ${what.replace(/_/g, ' ')}: ${bad.join(', ')}`);
    return { values };
  }

  /**
   * QuotaSetsController.update (cinder/api/contrib/quotas.py): a limit below what is in use is
   * refused (_validate_existing_resource), except -1 and limits on each record.
   */
  updateProject(
    project: string,
    body: Readonly<Record<string, unknown>>,
    skip: ReadonlySet<string>,
    what: string,
  ): QuotaRefusal | undefined {
    const { refusal, values: checked } = this.#validate(body, skip, what);
    if (refusal) return refusal;
    const keys = this.keys();
    for (const [key, value] of Object.entries(checked)) {
      const entry = keys.get(key)!;
      if (value === -1 || entry.key.perRecordLimit) continue;
      const used = this.inUse(project, entry);
      if (value < used)
        return {
          status: 400,
          message: `Quota ${key} limit must be equal or greater than existing resources. Current usage is ${used} and the requested limit is ${value}.`,
        };
    }
    this.#own.set(project, { ...this.#ownOf(project), ...checked });
    return undefined;
  }

  /** QuotaSetsController.delete: the project's own limits go; the defaults apply again. */
  revertProject(project: string): void {
    this.#own.set(project, {});
  }

  updateClass(name: string, body: Readonly<Record<string, unknown>>, what: string): QuotaRefusal | undefined {
    const { refusal, values } = this.#validate(body, new Set(), what);
    if (refusal) return refusal;
    this.#classes.set(name, { ...this.#classValues(name), ...values });
    return undefined;
  }

  /**
   * Before a record is made or grows: every key counting the resource, for the project. `count` is
   * the number of new records; `changed` the new values of measured fields of an existing record.
   */
  check(
    resource: FakeResource,
    project: string,
    data: Readonly<Record<string, unknown>>,
    count: number,
    changed?: Readonly<Record<string, number>>,
  ): QuotaRefusal | undefined {
    const noun = resource.name.toLowerCase();
    for (const [key, entry] of this.keys()) {
      const k = entry.key;
      if (!k.of.includes(resource.name) || !this.#counts(resource.name, data, entry)) continue;
      const limit = this.limit(project, key, entry);
      if (limit < 0) continue;
      if (k.measure === 'count') {
        if (count > 0 && this.inUse(project, entry) + count > limit)
          return {
            status: 413,
            message: `${resource.name}LimitExceeded: Maximum number of ${key} allowed (${limit}) exceeded for quota '${key}'.`,
          };
        continue;
      }
      if (k.field === undefined) continue;
      const next = changed?.[k.field] ?? (count > 0 ? Number(data[k.field] ?? 0) : undefined);
      if (next === undefined) continue;
      if (k.measure === 'largest') {
        if (next > limit)
          return {
            status: 413,
            message: `${resource.name}SizeExceedsLimit: Requested ${noun} size ${next}G is larger than maximum allowed limit ${limit}G.`,
          };
        continue;
      }
      const delta = changed ? next - Number(data[k.field] ?? 0) : next;
      const used = this.inUse(project, entry);
      if (delta > 0 && used + delta > limit)
        return {
          status: 413,
          message: `${resource.name}SizeExceedsAvailableQuota: Requested ${noun} or snapshot exceeds allowed ${key} quota. Requested ${delta}G, quota is ${limit}G and ${used}G has been consumed.`,
        };
    }
    return undefined;
  }

  /** The absolute limits of a `role: limits` declaration: response path → a key's limit or in_use. */
  limitsView(quota: FakeQuota, project: string): Record<string, unknown> {
    const keys = this.keys();
    const out: Record<string, unknown> = {};
    for (const [path, v] of Object.entries(quota.values ?? {})) {
      const entry = keys.get(v.key);
      if (!entry) continue;
      const value = v.value === 'limit' ? this.limit(project, v.key, entry) : this.inUse(project, entry);
      const parts = path.split('.');
      let at = out;
      for (const part of parts.slice(0, -1)) {
        const next = at[part];
        at = (typeof next === 'object' && next !== null ? next : (at[part] = {})) as Record<string, unknown>;
      }
      at[parts[parts.length - 1]] = value;
    }
    return out;
  }
}
