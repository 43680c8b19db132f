/**
 * The microversion sweep (Block Storage v3): every operation, at a few server maxima, with the
 * header, route or early error the spec's bounds imply. The expectations are computed here, from
 * the model, independently of the runtime's negotiation, which the test then checks.
 */
import type { OperationModel, RouteModel, ServiceModel } from '../model/types.js';
import { compareVersions } from '../model/util.js';
import { operationsConstName } from './naming.js';
import { renderTemplate } from './render.js';

/** Server maxima swept: the base version, the v3.55 transfer switch, Cinder 21's maximum. */
export const SWEEP_SERVERS = ['3.0', '3.55', '3.70'] as const;

function minOf(a: string, b: string): string {
  return compareVersions(a, b) <= 0 ? a : b;
}

function within(version: string, r: { minVersion?: string | undefined; maxVersion?: string | undefined }): boolean {
  return (
    (!r.minVersion || compareVersions(version, r.minVersion) >= 0) &&
    (!r.maxVersion || compareVersions(version, r.maxVersion) <= 0)
  );
}

/** What the spec says a call of `op` does on a server whose maximum is `server`. */
export function expectedAt(
  service: ServiceModel,
  op: OperationModel,
  path: string,
  server: string,
): { version: string; route: RouteModel } | undefined {
  const mv = service.microversion!;
  let version = minOf(server, mv.max);
  if (op.maxVersion) version = minOf(version, op.maxVersion);
  const floor = op.minVersion && compareVersions(op.minVersion, mv.min) > 0 ? op.minVersion : mv.min;
  if (compareVersions(version, floor) < 0) return undefined;
  const routes: RouteModel[] = op.routes.length > 0 ? [...op.routes] : [{ method: op.method, path }];
  const route = routes.find((r) => within(version, r));
  return route ? { version, route } : undefined;
}

/** A JSON row safe inside a template literal (no backtick, no `${`, backslashes doubled). */
function templateSafe(json: string): string {
  return json.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

export function emitSweepTests(service: ServiceModel, banner: string): string | undefined {
  const mv = service.microversion;
  if (!mv) return undefined;
  const imports = new Set<string>([service.className]);
  const rows: string[] = [];
  for (const resource of service.resources) {
    if (resource.operations.length > 0) imports.add(operationsConstName(resource));
    for (const op of resource.operations) {
      const variants: [string, string, boolean][] = [[op.id, op.path, false]];
      if (op.detailPath) variants.push([`${op.id}.detail`, op.detailPath, true]);
      for (const [id, path, detail] of variants) {
        const effective = detail
          ? { ...op, routes: op.routes.map((r) => ({ ...r, path: r.detailPath ?? r.path })) }
          : op;
        for (const server of SWEEP_SERVERS) {
          const e = expectedAt(service, effective, path, server);
          const row = e
            ? [id, server, `${mv.headerService} ${e.version}`, e.route.method, expandWith(e.route.path, op.base)]
            : [id, server, null, '', ''];
          rows.push(templateSafe(JSON.stringify(row)));
        }
      }
    }
  }
  return renderTemplate('microversion-sweep', {
    banner,
    imports: [...imports].sort().join(', '),
    operationSets: [...imports]
      .filter((i) => i !== service.className)
      .sort()
      .join(', '),
    className: service.className,
    suite: `${service.className} · microversion sweep (${service.specDir})`,
    serverList: SWEEP_SERVERS.join(', '),
    rows: rows.join(',\n'),
  });
}

/** The path the recording server reports for a route: placeholders filled, version-root prefix kept. */
function expandWith(path: string, base: 'endpoint' | 'version'): string {
  const filled = path.replace(/\{([^}]+)\}/g, (_, p: string) => `x-${p}`);
  return base === 'version' ? `/v3${filled}` : filled;
}
