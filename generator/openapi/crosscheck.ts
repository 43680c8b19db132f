/**
 * Cross-check of our spec against an independent OpenAPI description of Cinder: the document
 * openstack/codegenerator builds from Cinder's routes and JSON schemas (v3, microversions up to
 * 3.71). For the resources we cover, it lists operations, actions, query parameters, request body
 * members and response fields that are there and missing from our spec, or only in ours, and
 * differences in method and microversion bounds.
 *
 * Versions: a spec version with a microversion range is compared over that range (bounds clipped
 * to it); one without (v2) is compared with their operations valid at 3.0, since v2 is v3 at its
 * base microversion. Their paths are `/v3/…` (the `/v3/{project_id}/…` copies are skipped); ours are
 * relative to the catalog endpoint; placeholder names do not count.
 */
import type { BodyTemplate, FieldModel, OperationModel, ResourceModel, ServiceModel } from '../model/types.js';
import { compareVersions } from '../model/util.js';
import { actionKey } from '../diff/compare.js';
import { explainedLine, type LedgerResult } from './ledger.js';

type Json = Record<string, unknown>;

export interface Finding {
  readonly category: Category;
  readonly kind: 'missing' | 'extra' | 'different';
  /** e.g. `POST /volumes/{}/action os-reserve`, `GET /volumes ?with_count`. */
  readonly subject: string;
  readonly detail: string;
  /** Microversion bounds: their range and ours, clipped to the window (`3.0–3.71`). */
  readonly theirs?: string | undefined;
  readonly ours?: string | undefined;
}

export type Category =
  'operation' | 'action' | 'query parameter' | 'body field' | 'response field' | 'microversion bounds';

export interface CrosscheckReport {
  readonly version: string;
  readonly window: { readonly min: string; readonly max: string };
  readonly matched: { readonly operations: number; readonly actions: number };
  readonly findings: readonly Finding[];
  /** Their schemas whose x-openstack bounds are impossible (min above max). */
  readonly impossibleBounds: readonly string[];
}

interface Range {
  readonly min?: string | undefined;
  readonly max?: string | undefined;
}

const inWindow = (r: Range, w: { min: string; max: string }): boolean =>
  (r.min === undefined || compareVersions(r.min, w.max) <= 0) &&
  (r.max === undefined || compareVersions(r.max, w.min) >= 0);

/** A range clipped to the window, as text: `3.0–3.71` means "the whole window". */
function clip(r: Range, w: { min: string; max: string }): string {
  const min = r.min && compareVersions(r.min, w.min) > 0 ? r.min : w.min;
  const max = r.max && compareVersions(r.max, w.max) < 0 ? r.max : w.max;
  return `${min}–${max}`;
}

const norm = (p: string): string => p.replace(/\{[^}]+\}/g, '{}');

interface TheirOp {
  readonly method: string;
  readonly path: string;
  readonly range: Range;
  readonly op: Json;
}

class Theirs {
  readonly impossible = new Set<string>();

  constructor(private readonly doc: Json) {}

  resolve(node: unknown): Json {
    let n = node as Json;
    for (let i = 0; i < 10 && n && typeof n['$ref'] === 'string'; i++) {
      const parts = n['$ref'].replace(/^#\//, '').split('/');
      let target: unknown = this.doc;
      for (const p of parts) target = (target as Json | undefined)?.[p.replace(/~1/g, '/').replace(/~0/g, '~')];
      n = target as Json;
    }
    return n ?? {};
  }

  private readonly ranges = new WeakMap<Json, Range>();

  /** The x-openstack bounds of a node (an impossible range is noted once, and read as its minimum). */
  rangeOf(node: Json, where: string): Range {
    const known = this.ranges.get(node);
    if (known) return known;
    const range = this.readRange(node, where);
    this.ranges.set(node, range);
    return range;
  }

  private readRange(node: Json, where: string): Range {
    const x = node['x-openstack'] as { 'min-ver'?: string; 'max-ver'?: string } | undefined;
    const min = x?.['min-ver'];
    let max = x?.['max-ver'];
    if (min && max && compareVersions(min, max) > 0) {
      this.impossible.add(`${where}: min-ver ${min} > max-ver ${max}`);
      max = undefined;
    }
    return { min, max };
  }

  operations(): TheirOp[] {
    const out: TheirOp[] = [];
    for (const [rawPath, item] of Object.entries((this.doc['paths'] as Json) ?? {})) {
      if (!rawPath.startsWith('/v3/') || /^\/v3\/\{(admin_)?project_id\}/.test(rawPath)) continue;
      const path = rawPath.slice(3);
      if (path === '/') continue;
      for (const [method, op] of Object.entries(item as Json)) {
        if (!['get', 'put', 'post', 'delete', 'patch', 'head'].includes(method)) continue;
        out.push({
          method: method.toUpperCase(),
          path,
          range: this.rangeOf(op as Json, `${method.toUpperCase()} ${path}`),
          op: op as Json,
        });
      }
    }
    return out;
  }

  /** Schema variants valid in the window: a `oneOf` by microversion is split into its variants. */
  variants(schema: unknown, w: { min: string; max: string }, where: string): Json[] {
    const s = this.resolve(schema);
    const x = s['x-openstack'] as { discriminator?: string } | undefined;
    if (Array.isArray(s['oneOf']) && x?.discriminator === 'microversion') {
      return (s['oneOf'] as unknown[])
        .map((v) => this.resolve(v))
        .filter((v, i) => inWindow(this.rangeOf(v, `${where} variant ${i}`), w));
    }
    return [s];
  }

  /** Member paths of an object schema: `volume.name`, `OS-SCH-HNT:scheduler_hints`. */
  members(schema: Json, w: { min: string; max: string }, prefix = '', depth = 0): Map<string, Range> {
    const out = new Map<string, Range>();
    const props = (schema['properties'] as Json | undefined) ?? {};
    for (const [key, raw] of Object.entries(props)) {
      const child = this.resolve(raw);
      const range = this.rangeOf(child, `${prefix}${key}`);
      if (!inWindow(range, w)) continue;
      const nested = (child['properties'] as Json | undefined) ?? undefined;
      if (nested && Object.keys(nested).length > 0 && depth < 3) {
        for (const [k, r] of this.members(child, w, `${prefix}${key}.`, depth + 1)) out.set(k, r);
      } else out.set(`${prefix}${key}`, range);
    }
    return out;
  }

  queryParams(op: Json, w: { min: string; max: string }): Map<string, Range> {
    const out = new Map<string, Range>();
    for (const raw of (op['parameters'] as unknown[] | undefined) ?? []) {
      const p = this.resolve(raw);
      if (p['in'] !== 'query') continue;
      const range = this.rangeOf(p, `query ${String(p['name'])}`);
      if (inWindow(range, w)) out.set(String(p['name']), range);
    }
    return out;
  }

  requestSchema(op: Json): Json | undefined {
    const body = this.resolve(op['requestBody']);
    const content = body['content'] as Json | undefined;
    const json = content?.['application/json'] as Json | undefined;
    return json?.['schema'] ? this.resolve(json['schema']) : undefined;
  }

  /** Actions of an …/action endpoint: name → bounds and body member paths below the action key. */
  actions(op: Json, w: { min: string; max: string }): Map<string, { range: Range; members: Map<string, Range> }> {
    const out = new Map<string, { range: Range; members: Map<string, Range> }>();
    const schema = this.requestSchema(op);
    if (!schema || !Array.isArray(schema['oneOf'])) return out;
    for (const raw of schema['oneOf'] as unknown[]) {
      const variant = this.resolve(raw);
      const x = variant['x-openstack'] as { 'action-name'?: string } | undefined;
      const name = x?.['action-name'];
      if (!name) continue;
      const outer = this.rangeOf(variant, name);
      const inner = this.variants(variant, w, name).filter((v) => v !== variant || inWindow(outer, w));
      if (inner.length === 0 || !inWindow(outer, w)) continue;
      const members = new Map<string, Range>();
      let min: string | undefined;
      let max: string | undefined;
      let unboundedMin = false;
      let unboundedMax = false;
      for (const v of inner) {
        const r = v === variant ? outer : this.rangeOf(v, name);
        if (r.min === undefined) unboundedMin = true;
        else if (!min || compareVersions(r.min, min) < 0) min = r.min;
        if (r.max === undefined) unboundedMax = true;
        else if (!max || compareVersions(r.max, max) > 0) max = r.max;
        const body = this.resolve((v['properties'] as Json | undefined)?.[name]);
        for (const [k, mr] of this.members(body, w)) members.set(k, mr);
      }
      out.set(name, { range: { min: unboundedMin ? outer.min : min, max: unboundedMax ? outer.max : max }, members });
    }
    return out;
  }

  responseMembers(op: Json, key: string | undefined, w: { min: string; max: string }): Map<string, Range> | undefined {
    const responses = (op['responses'] as Json | undefined) ?? {};
    const ok = Object.entries(responses).find(([status]) => status.startsWith('2'))?.[1];
    const content = this.resolve(ok)['content'] as Json | undefined;
    const schema = (content?.['application/json'] as Json | undefined)?.['schema'];
    if (!schema) return undefined;
    const out = new Map<string, Range>();
    for (const v of this.variants(schema, w, 'response')) {
      const inner = key ? this.resolve((v['properties'] as Json | undefined)?.[key]) : v;
      for (const [k, r] of this.members(inner, w, '', 2)) out.set(k, r);
    }
    return out;
  }
}

interface OurOp {
  readonly resource: ResourceModel;
  readonly op: OperationModel;
  readonly method: string;
  readonly path: string;
  readonly range: Range;
}

function ourOps(service: ServiceModel): OurOp[] {
  const out: OurOp[] = [];
  for (const r of service.resources) {
    for (const op of r.operations) {
      const range = { min: op.minVersion, max: op.maxVersion };
      const routes = op.routes ?? [];
      // With routes, the runtime sends every request to the route of its microversion
      // (runtime/pipeline/route.ts chooseRoute): the operation's own path is never used.
      if (routes.length === 0) {
        out.push({ resource: r, op, method: op.method, path: op.path, range });
        if (op.detailPath) out.push({ resource: r, op, method: op.method, path: op.detailPath, range });
      }
      for (const route of routes) {
        const rr = { min: route.minVersion ?? range.min, max: route.maxVersion ?? range.max };
        out.push({ resource: r, op, method: route.method, path: route.path, range: rr });
        if (route.detailPath) out.push({ resource: r, op, method: route.method, path: route.detailPath, range: rr });
      }
    }
  }
  return out;
}

/** Our body member paths for an operation (below the action key for an action). */
function ourMembers(r: ResourceModel, op: OperationModel, w: { min: string; max: string }): Map<string, Range> {
  const out = new Map<string, Range>();
  if (op.body === 'resource') {
    const mode = op.kind === 'update' ? 'update' : 'create';
    for (const f of r.fields.filter((x: FieldModel) => (mode === 'create' ? x.create : x.update))) {
      const range = { min: f.writeMinVersion ?? f.minVersion, max: f.maxVersion };
      if (!inWindow(range, w) || f.placement === 'flatten') continue;
      out.set(f.placement === 'root' || !r.resourceKey ? f.wire : `${r.resourceKey}.${f.wire}`, range);
    }
    return out;
  }
  if (!op.body) return out;
  const key = actionKey(op);
  const rangeOfArg = (name: string): Range => {
    const a = op.args.find((x) => x.name === name);
    return { min: a?.minVersion, max: a?.maxVersion };
  };
  const walk = (t: BodyTemplate, prefix: string): void => {
    if (t.kind === 'object') {
      for (const [k, v, keyArg] of t.entries) {
        // A member named by an argument ({$key: $value}) has no name of its own: it is the open
        // content of its parent object, as in the OpenAPI export (additionalProperties).
        if (keyArg) continue;
        if (v.kind === 'object') {
          const dynamic = v.entries.find(([, , ka]) => ka !== undefined);
          if (dynamic) {
            // `meta: {$key: $value}`: the parent is a member ours sends, whatever keys it holds.
            const range = rangeOfArg(dynamic[2]!.arg);
            if (inWindow(range, w)) out.set(`${prefix}${k}`, range);
          }
          walk(v, `${prefix}${k}.`);
        } else if (v.kind === 'arg') {
          const a = op.args.find((x) => x.name === v.name);
          const range = { min: a?.minVersion, max: a?.maxVersion };
          if (inWindow(range, w)) out.set(`${prefix}${k}`, range);
        } else out.set(`${prefix}${k}`, {});
      }
    }
  };
  if (key && op.body.kind === 'object') {
    const inner = op.body.entries[0][1];
    walk(inner, '');
  } else walk(op.body, '');
  return out;
}

export function crosscheck(service: ServiceModel, document: unknown): CrosscheckReport {
  const theirs = new Theirs(document as Json);
  const version = ((document as Json)['info'] as Json | undefined)?.['version'];
  const maxTheirs = typeof version === 'string' || typeof version === 'number' ? String(version) : '3.71';
  const window = service.microversion
    ? {
        min: service.microversion.min,
        max: compareVersions(service.microversion.max, maxTheirs) < 0 ? service.microversion.max : maxTheirs,
      }
    : { min: '3.0', max: '3.0' };
  const findings: Finding[] = [];
  const add = (category: Category, kind: Finding['kind'], subject: string, detail: string): void => {
    findings.push({ category, kind, subject, detail });
  };
  const bounds = (subject: string, theirRange: Range, ourRange: Range, ids: string): void => {
    const t = clip(theirRange, window);
    const o = clip(ourRange, window);
    if (t === o) return;
    findings.push({
      category: 'microversion bounds',
      kind: 'different',
      subject,
      detail: `theirs ${t}, ours ${o} (${ids})`,
      theirs: t,
      ours: o,
    });
  };

  const ours = ourOps(service).filter((o) => inWindow(o.range, window));
  const covered = new Set(ours.map((o) => norm(o.path).split('/')[1]));
  const their = theirs.operations().filter((t) => inWindow(t.range, window) && covered.has(norm(t.path).split('/')[1]));

  const key = (method: string, path: string): string => `${method} ${norm(path)}`;
  const ourByKey = new Map<string, OurOp[]>();
  for (const o of ours) ourByKey.set(key(o.method, o.path), [...(ourByKey.get(key(o.method, o.path)) ?? []), o]);
  const theirByKey = new Map(their.map((t) => [key(t.method, t.path), t]));

  const differentOurs = new Set<string>();
  let matchedOps = 0;
  let matchedActions = 0;
  for (const [k, t] of [...theirByKey].sort(([a], [b]) => cmp(a, b))) {
    const mine = ourByKey.get(k);
    if (!mine) {
      // A method difference: the same path, where ours writes with a method theirs lacks (PUT for
      // POST); a GET and a POST on one path are two operations, not one with another method.
      const writes = ['POST', 'PUT', 'PATCH'];
      const samePath = ours.find(
        (o) =>
          norm(o.path) === norm(t.path) &&
          writes.includes(o.method) &&
          writes.includes(t.method) &&
          !theirByKey.has(key(o.method, o.path)) &&
          !differentOurs.has(key(o.method, o.path)),
      );
      if (samePath) {
        differentOurs.add(key(samePath.method, samePath.path));
        add('operation', 'different', k, `method: theirs ${t.method}, ours ${samePath.method} (${samePath.op.id})`);
      } else
        add(
          'operation',
          'missing',
          k,
          `${clip(t.range, window)}${typeof t.op['operationId'] === 'string' ? ` (${t.op['operationId']})` : ''}`,
        );
      continue;
    }
    matchedOps++;
    const ids = [...new Set(mine.map((o) => o.op.id))].join(', ');

    // Microversion bounds of the request (an action endpoint's bounds are its actions').
    const plain = mine.filter((o) => !actionKey(o.op));
    if (plain.length > 0) bounds(k, t.range, plain[0].range, ids);

    // Query parameters.
    const theirQuery = theirs.queryParams(t.op, window);
    const ourQuery = new Map<string, Range>();
    for (const o of mine)
      for (const a of o.op.args.filter(
        (x) => x.in === 'query' && inWindow({ min: x.minVersion, max: x.maxVersion }, window),
      ))
        ourQuery.set(a.wire, { min: a.minVersion, max: a.maxVersion });
    compareMembers('query parameter', `${k} ?`, theirQuery, ourQuery, ids);

    // Actions.
    const theirActions = theirs.actions(t.op, window);
    if (theirActions.size > 0 || mine.some((o) => actionKey(o.op))) {
      const ourActions = new Map(mine.filter((o) => actionKey(o.op)).map((o) => [actionKey(o.op)!, o]));
      for (const [name, a] of [...theirActions].sort(([x], [y]) => cmp(x, y))) {
        const o = ourActions.get(name);
        if (!o) {
          add('action', 'missing', `${k} ${name}`, clip(a.range, window));
          continue;
        }
        matchedActions++;
        bounds(`${k} ${name}`, a.range, o.range, o.op.id);
        compareMembers('body field', `${k} ${name} `, a.members, ourMembers(o.resource, o.op, window), o.op.id);
      }
      for (const [name, o] of ourActions)
        if (!theirActions.has(name)) add('action', 'extra', `${k} ${name}`, `${o.op.id}, not in their document`);
    } else {
      // Request body members.
      const schema = theirs.requestSchema(t.op);
      if (schema) {
        const theirMembers = new Map<string, Range>();
        for (const v of theirs.variants(schema, window, k))
          for (const [m, r] of theirs.members(v, window)) theirMembers.set(m, r);
        const ourMembersAll = new Map<string, Range>();
        for (const o of mine) for (const [m, r] of ourMembers(o.resource, o.op, window)) ourMembersAll.set(m, r);
        compareMembers('body field', `${k} `, theirMembers, ourMembersAll, ids);
      }
    }

    // Response fields of a resource's get.
    const get = mine.find(
      (o) => o.op.kind === 'get' && o.op.response.kind === 'resource' && o.op.response.resource === o.resource.name,
    );
    if (get) {
      const theirFields = theirs.responseMembers(
        t.op,
        get.op.response.kind === 'resource' ? (get.op.response.key ?? get.resource.resourceKey) : undefined,
        window,
      );
      if (theirFields && theirFields.size > 0) {
        const ourFields = new Map<string, Range>(
          get.resource.fields
            .filter((f) => inWindow({ min: f.minVersion, max: f.maxVersion }, window))
            .map((f) => [f.wire, { min: f.minVersion, max: f.maxVersion }]),
        );
        compareMembers('response field', `${get.resource.name} `, theirFields, ourFields, get.op.id);
      }
    }
  }
  for (const [k, list] of [...ourByKey].sort(([a], [b]) => cmp(a, b))) {
    if (theirByKey.has(k) || differentOurs.has(k)) continue; // matched, or reported as a method difference
    add(
      'operation',
      'extra',
      k,
      `${[...new Set(list.map((o) => o.op.id))].join(', ')}, not in their document at ${window.min}–${window.max}`,
    );
  }

  function compareMembers(
    category: Category,
    prefix: string,
    theirsMap: ReadonlyMap<string, Range>,
    oursMap: ReadonlyMap<string, Range>,
    ids: string,
  ): void {
    // A member theirs declares as an object without properties (quota keys, QoS spec keys) holds
    // whatever members ours sends below it.
    const under = (m: string, map: ReadonlyMap<string, Range>): boolean =>
      [...map.keys()].some((k) => m.startsWith(`${k}.`));
    for (const [m, r] of [...theirsMap].sort(([a], [b]) => cmp(a, b))) {
      const o = oursMap.get(m);
      if (!o) {
        // Not missing when ours sends members below it, or sends the object it is in as a whole
        // (an object argument, or keys named by an argument: `meta: {$key: $value}`).
        if (![...oursMap.keys()].some((k) => k.startsWith(`${m}.`)) && !under(m, oursMap))
          add(category, 'missing', `${prefix}${m}`, `${clip(r, window)} (${ids})`);
      } else bounds(`${prefix}${m}`, r, o, ids);
    }
    for (const [m] of [...oursMap].sort(([a], [b]) => cmp(a, b)))
      if (!theirsMap.has(m) && !under(m, theirsMap)) add(category, 'extra', `${prefix}${m}`, `only ours (${ids})`);
  }

  return {
    version: service.specDir.replace(/^spec\//, ''),
    window,
    matched: { operations: matchedOps, actions: matchedActions },
    findings,
    impossibleBounds: [...theirs.impossible].sort(),
  };
}

export const CATEGORIES: readonly Category[] = [
  'operation',
  'action',
  'query parameter',
  'body field',
  'response field',
  'microversion bounds',
];

export function counts(
  report: CrosscheckReport,
): Record<Category, { missing: number; extra: number; different: number }> {
  const out = Object.fromEntries(CATEGORIES.map((c) => [c, { missing: 0, extra: 0, different: 0 }])) as Record<
    Category,
    { missing: number; extra: number; different: number }
  >;
  for (const f of report.findings) out[f.category][f.kind]++;
  return out;
}

/**
 * The report as Markdown. With the ledger's result: differences it explains on one line each (only
 * counted with `summaryOnly`), every other difference in full, then what only ours has (listed
 * unless `summaryOnly`).
 */
export function toText(report: CrosscheckReport, source: string, summaryOnly = false, ledger?: LedgerResult): string {
  const c = counts(report);
  const lines = [
    `## ${report.version} against ${source} (microversions ${report.window.min}–${report.window.max})`,
    '',
    `matched: ${report.matched.operations} operations, ${report.matched.actions} actions`,
    '',
    '| | missing from ours | only in ours | different |',
    '|---|---:|---:|---:|',
    ...CATEGORIES.map((cat) => `| ${cat} | ${c[cat].missing} | ${c[cat].extra} | ${c[cat].different} |`),
  ];
  if (report.impossibleBounds.length > 0)
    lines.push(
      '',
      `their document has ${report.impossibleBounds.length} impossible x-openstack range(s) (min-ver above max-ver; read as min-ver only)`,
    );
  const label = (f: Finding): string =>
    f.kind === 'missing' ? 'missing from ours' : f.kind === 'extra' ? 'only in ours' : 'different';
  const full = (f: Finding): string => `- ${label(f)}: \`${f.subject}\` — ${f.detail}`;
  if (ledger) {
    const explained = ledger.explained.filter((x) => x.difference.service === report.version);
    const unexplained = ledger.unexplained.filter((d) => d.service === report.version);
    const byKind = new Map<string, number>();
    for (const x of explained) byKind.set(x.difference.kind, (byKind.get(x.difference.kind) ?? 0) + 1);
    lines.push(
      '',
      `explained by the ledger: ${explained.length}${byKind.size > 0 ? ` (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')})` : ''}; unexplained: ${unexplained.length}`,
    );
    if (!summaryOnly && explained.length > 0)
      lines.push('', '### explained by the ledger', '', ...explained.map(explainedLine));
    if (unexplained.length > 0) {
      lines.push('', '### unexplained differences', '');
      for (const d of unexplained)
        lines.push(
          d.finding ? `- ${d.finding.category}, ${full(d.finding).slice(2)}` : `- impossible range: ${d.subject}`,
        );
    }
    if (!summaryOnly) {
      const extras = report.findings.filter((f) => f.kind === 'extra');
      if (extras.length > 0)
        lines.push(
          '',
          '### only in ours (needs no entry)',
          '',
          ...extras.map((f) => `- ${f.category}, ${full(f).slice(2)}`),
        );
    }
    return `${lines.join('\n')}\n`;
  }
  if (!summaryOnly) {
    for (const cat of CATEGORIES) {
      const items = report.findings.filter((f) => f.category === cat);
      if (items.length === 0) continue;
      lines.push('', `### ${cat}`, '');
      for (const f of items) lines.push(full(f));
    }
    if (report.impossibleBounds.length > 0) {
      lines.push('', '### impossible bounds in their document', '');
      for (const b of report.impossibleBounds) lines.push(`- ${b}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
