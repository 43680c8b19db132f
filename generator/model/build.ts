/**
 * Spec folder → SpecModel. Phases: parse every file (YAML errors), validate against the JSON
 * Schemas (schema errors), build resources, then proxy methods (semantic errors). All errors of a
 * phase are reported together; a later phase runs only on files that passed the earlier ones.
 */
import path from 'node:path';
import { Diagnostics } from '../load/diagnostics.js';
import { resolveExtends } from '../load/extends.js';
import { findSpecFiles, parseSource, readSpecText, type SourceDocument } from '../load/source.js';
import { loadSchemas, validateDocument } from '../load/validate.js';
import { buildProxyMethods, waiterMethod, type RawExample, type RawProxyMethod } from './build-proxy.js';
import { checkQuotas } from './check-quotas.js';
import { buildResource, type RawResource } from './build-resource.js';
import { checkMembersAcross } from './build-members.js';
import { checkRulesAcross } from './build-rules.js';
import { checkRelations } from './build-relations.js';
import type { ResourceModel, ServiceModel, SpecModel } from './types.js';
import { compareVersions } from './util.js';

interface RawService {
  service: string;
  aliases?: string[];
  version: string;
  endpoint_versions: string[];
  class_name: string;
  attribute: string;
  description: string;
  microversion?: { header_service: string; min: string; max: string };
  proxy?: Record<string, { wait: 'status' | 'delete'; description: string; examples: RawExample[] }>;
}

export interface BuildOptions {
  /** Project root; spec files are reported relative to it. */
  readonly root: string;
  /** Spec folder (default `<root>/spec`). */
  readonly specRoot?: string;
}

export async function buildModel(options: BuildOptions): Promise<SpecModel> {
  const specRoot = options.specRoot ?? path.join(options.root, 'spec');
  const d = new Diagnostics();
  const schemas = await loadSchemas(specRoot);
  const files = await findSpecFiles(specRoot);
  const docs: SourceDocument[] = [];
  // Files that failed to load (YAML errors), and the resource each declares: one typo is reported
  // once, where it is, and not again as "unknown resource" by every file that references it.
  const failedFiles = new Set<string>();
  const unavailable = new Map<string, Set<string>>();
  const markUnavailable = (dir: string, name: string | undefined): void => {
    if (name !== undefined) unavailable.set(dir, (unavailable.get(dir) ?? new Set()).add(name));
  };
  for (const file of files) {
    const { file: rel, text } = await readSpecText(file, options.root, d);
    const doc = text === undefined ? undefined : parseSource(rel, text, d);
    if (doc) docs.push(doc);
    else {
      failedFiles.add(rel);
      markUnavailable(path.posix.dirname(rel), text === undefined ? undefined : declaredResource(text));
    }
  }
  // Group by folder: one service version per folder.
  const byDir = new Map<string, SourceDocument[]>();
  for (const doc of docs) {
    const dir = path.posix.dirname(doc.file);
    byDir.set(dir, [...(byDir.get(dir) ?? []), doc]);
  }
  const byFile = new Map(docs.map((doc) => [doc.file, doc]));
  const services: ServiceModel[] = [];
  for (const [dir, rawGroup] of [...byDir].sort(([a], [b]) => a.localeCompare(b))) {
    const group = rawGroup.flatMap((doc) => {
      const resolved = resolveExtends(doc, byFile, d, failedFiles);
      // A file whose base did not load (or whose extends is wrong, reported already) is unavailable too.
      if (!resolved) markUnavailable(dir, nameOf(doc.data));
      return resolved ?? [];
    });
    const serviceDoc = group.find((doc) => path.posix.basename(doc.file) === 'service.yaml');
    if (!serviceDoc) {
      d.add({ file: `${dir}/service.yaml`, line: 1, col: 1 }, '', 'missing service.yaml for this folder');
      continue;
    }
    const service = buildService(
      dir,
      serviceDoc,
      group.filter((doc) => doc !== serviceDoc),
      schemas,
      d,
      unavailable.get(dir) ?? new Set(),
    );
    if (service) services.push(service);
  }
  d.throwIfAny();
  checkMembersAcross({ services }, d);
  d.throwIfAny();
  return { services };
}

function buildService(
  dir: string,
  serviceDoc: SourceDocument,
  resourceDocs: SourceDocument[],
  schemas: Awaited<ReturnType<typeof loadSchemas>>,
  d: Diagnostics,
  unavailable: Set<string>,
): ServiceModel | undefined {
  if (!validateDocument(serviceDoc, schemas.service, d)) return undefined;
  const raw = serviceDoc.data as RawService;
  if (raw.microversion && compareVersions(raw.microversion.min, raw.microversion.max) > 0) {
    d.add(
      serviceDoc.locate(['microversion', 'max']),
      'microversion.max',
      `impossible range: max ${raw.microversion.max} is below min ${raw.microversion.min}`,
    );
  }
  const valid = resourceDocs.filter((doc) => {
    if (validateDocument(doc, schemas.resource, d)) return true;
    unavailable.add(nameOf(doc.data) ?? '');
    return false;
  });
  const raws = valid.map((doc) => ({ doc, raw: doc.data as RawResource }));

  // Resource names must be unique within the version.
  const names = new Map<string, SourceDocument>();
  for (const { doc, raw: r } of raws) {
    const other = names.get(r.resource);
    if (other)
      d.add(doc.locate(['resource']), 'resource', `resource "${r.resource}" is also declared in ${other.file}`);
    else names.set(r.resource, doc);
  }
  const scope = {
    resourceNames: new Set(names.keys()),
    unavailable,
    microversion: raw.microversion && { min: raw.microversion.min, max: raw.microversion.max },
  };
  const resources = raws.map(({ doc, raw: r }) => ({ doc, raw: r, model: buildResource(doc, r, scope, d) }));
  const byName = new Map<string, ResourceModel>(resources.map((r) => [r.model.name, r.model]));
  checkPolicies(
    resources.map((r) => r.model),
    d,
  );
  checkRulesAcross(
    resources.map((r) => r.model),
    unavailable,
    d,
  );
  checkRelations(
    resources.map((r) => r.model),
    d,
  );
  checkQuotas(resources, d);

  const methodOwners = new Map<string, string>();
  const withMethods: ResourceModel[] = resources.map(({ doc, raw: r, model }) => {
    const methods = buildProxyMethods(
      doc,
      model,
      (r.proxy ?? {}) as Record<string, RawProxyMethod>,
      byName,
      d,
      unavailable,
    );
    for (const m of methods) {
      const owner = methodOwners.get(m.name);
      if (owner) d.add(m.source, `proxy.${m.name}`, `proxy method "${m.name}" is also declared in ${owner}`);
      else methodOwners.set(m.name, doc.file);
    }
    return { ...model, methods };
  });
  const helpers = Object.entries(raw.proxy ?? {}).map(([name, h]) => {
    const owner = methodOwners.get(name);
    if (owner)
      d.add(serviceDoc.locate(['proxy', name]), `proxy.${name}`, `proxy method "${name}" is also declared in ${owner}`);
    return waiterMethod(serviceDoc, name, h, d);
  });

  const [, service = '', version = ''] = dir.split('/').slice(-3);
  return {
    serviceType: raw.service,
    aliases: raw.aliases ?? [],
    version: raw.version,
    endpointVersions: raw.endpoint_versions,
    className: raw.class_name,
    attribute: raw.attribute,
    description: raw.description,
    microversion: raw.microversion && {
      headerService: raw.microversion.header_service,
      min: raw.microversion.min,
      max: raw.microversion.max,
    },
    specDir: dir,
    outDir: `generated/${service}/${version}`,
    serviceFile: serviceDoc.file,
    resources: withMethods.sort((a, b) => a.name.localeCompare(b.name)),
    helpers,
  };
}

/**
 * One policy rule has one default in Cinder: two operations naming the same rule must agree on who
 * it allows, or one of them is a typo (and the fake would refuse one caller and admit another).
 */
function checkPolicies(resources: readonly ResourceModel[], d: Diagnostics): void {
  const first = new Map<string, { readonly allows: string; readonly where: string }>();
  for (const r of resources) {
    for (const op of r.operations) {
      const policy = op.policy;
      if (!policy?.source) continue;
      const seen = first.get(policy.rule);
      if (!seen)
        first.set(policy.rule, {
          allows: policy.allows,
          where: `${op.id} (${policy.source.file}:${policy.source.line})`,
        });
      else if (seen.allows !== policy.allows)
        d.add(
          policy.source,
          `operations.${op.name}.policy.allows`,
          `policy rule "${policy.rule}" allows ${policy.allows} here but ${seen.allows} on ${seen.where}: one rule has one default`,
        );
    }
  }
}

/** The `resource:` a document declares, if it says. */
function nameOf(data: unknown): string | undefined {
  const name = data && typeof data === 'object' ? (data as Record<string, unknown>)['resource'] : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** The `resource:` line of a file that is not valid YAML (found by its text: it did not parse). */
function declaredResource(text: string): string | undefined {
  return /^resource:[ \t]*["']?([A-Za-z_][A-Za-z0-9_]*)/m.exec(text)?.[1];
}
