/**
 * `generated/COVERAGE.md`: every proxy method of every version, the request it sends, its
 * microversion range and the spec file it comes from (a README fragment, from a template).
 */
import type { OperationModel, ProxyMethodModel, ResourceModel, SpecModel } from '../model/types.js';
import { renderTemplate } from './render.js';

export const COVERAGE_FILE = 'generated/COVERAGE.md';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function sends(resource: ResourceModel | undefined, method: ProxyMethodModel): string {
  if (!resource) return method.kind === 'waitStatus' ? 'GET until the status (polling)' : 'GET until 404 (polling)';
  const ops = new Map(resource.operations.map((o) => [o.name, o]));
  const names = method.find
    ? [method.find.get, method.find.list].filter((n): n is string => n !== undefined)
    : [method.plan?.operation, ...method.switches.map((s) => s.operation)].filter((n): n is string => n !== undefined);
  const describe = (op: OperationModel): string => {
    const range = (r: { minVersion?: string | undefined; maxVersion?: string | undefined }): string =>
      r.minVersion || r.maxVersion ? ` (${r.minVersion ?? ''}–${r.maxVersion ?? ''})` : '';
    const routes =
      op.routes.length > 0
        ? op.routes.map((r) => `${r.method} \`${r.path}\`${range(r)}`)
        : [`${op.method} \`${op.path}\``];
    // An action is named by the one key of its body, e.g. os-extend.
    const body =
      op.body && op.body !== 'resource' && op.body.kind === 'object' && op.body.entries.length === 1
        ? ` \`${op.body.entries[0][0]}\``
        : '';
    return routes.join(' / ') + body;
  };
  return names.map((n) => describe(ops.get(n)!)).join('; then ');
}

function versions(resource: ResourceModel | undefined, method: ProxyMethodModel): string {
  if (!resource) return '';
  const op = resource.operations.find(
    (o) => o.name === (method.plan?.operation ?? method.find?.get ?? method.find?.list),
  );
  if (!op || (!op.minVersion && !op.maxVersion)) return '';
  return `${op.minVersion ?? ''}–${op.maxVersion ?? ''}`;
}

export function coverageReport(model: SpecModel): string {
  const services = model.services.map((service) => {
    const rows = [
      ...service.resources.flatMap((r) => r.methods.map((m) => ({ resource: r, method: m }))),
      ...service.helpers.map((m) => ({ resource: undefined, method: m })),
    ].sort((a, b) => a.method.name.localeCompare(b.method.name));
    return {
      className: service.className,
      version: service.version,
      microversion: service.microversion ? `${service.microversion.min}–${service.microversion.max}` : undefined,
      count: rows.length,
      methods: rows.map(({ resource, method }) => ({
        name: method.name,
        sends: cell(sends(resource, method)),
        versions: versions(resource, method),
        file: resource ? resource.file.replace(/^spec\//, '') : service.serviceFile.replace(/^spec\//, ''),
      })),
    };
  });
  return renderTemplate('coverage', { title: 'API coverage', services }).replace(/\n{3,}/g, '\n\n');
}
