/**
 * The microversion sweep (Block Storage v3): every operation, at a few server maxima, with the
 * header, route or early error the spec's bounds imply. The expectations are computed here, from
 * the model, independently of the runtime's negotiation, which the test then checks.
 */
import type { OperationModel, RouteModel, ServiceModel } from '../model/types.js';
import { compareVersions } from '../model/util.js';
import { operationsConstName } from './resource-module.js';
import { literal, renderTemplate } from './render.js';

/** Server maxima swept: the base version, the v3.55 transfer switch, Cinder 21's maximum. */
export const SWEEP_SERVERS = ['3.0', '3.55', '3.70'] as const;

function minOf(a: string, b: string): string {
  return compareVersions(a, b) <= 0 ? a : b;
}

function within(version: string, r: { minVersion?: string | undefined; maxVersion?: string | undefined }): boolean {
  return (!r.minVersion || compareVersions(version, r.minVersion) >= 0) && (!r.maxVersion || compareVersions(version, r.maxVersion) <= 0);
}

/** What the spec says a call of `op` does on a server whose maximum is `server`. */
export function expectedAt(service: ServiceModel, op: OperationModel, path: string, server: string): { version: string; route: RouteModel } | undefined {
  const mv = service.microversion!;
  let version = minOf(server, mv.max);
  if (op.maxVersion) version = minOf(version, op.maxVersion);
  const floor = op.minVersion && compareVersions(op.minVersion, mv.min) > 0 ? op.minVersion : mv.min;
  if (compareVersions(version, floor) < 0) return undefined;
  const routes: RouteModel[] = op.routes.length > 0 ? [...op.routes] : [{ method: op.method, path }];
  const route = routes.find((r) => within(version, r));
  return route ? { version, route } : undefined;
}

export function emitSweepTests(service: ServiceModel, banner: string): string | undefined {
  const mv = service.microversion;
  if (!mv) return undefined;
  const imports = new Set<string>([service.className]);
  const cases: { operation: string; path: string; server: string; expect?: string }[] = [];
  for (const resource of service.resources) {
    for (const op of resource.operations) {
      const variants: [string, string, boolean][] = [[op.name, op.path, false]];
      if (op.detailPath) variants.push([`${op.name}Detail`, op.detailPath, true]);
      for (const [name, path, detail] of variants) {
        imports.add(operationsConstName(resource));
        const values = Object.fromEntries(op.pathParams.map((p) => [p, `x-${p}`]));
        for (const server of SWEEP_SERVERS) {
          const e = expectedAt(service, detail ? { ...op, routes: op.routes.map((r) => ({ ...r, path: r.detailPath ?? r.path })) } : op, path, server);
          cases.push({
            operation: `${operationsConstName(resource)}.${name}`,
            path: literal(values),
            server,
            expect: e
              ? `{ header: ${literal(`${mv.headerService} ${e.version}`)}, method: ${literal(e.route.method)}, path: ${literal(e.route.path.replace(/\{([^}]+)\}/g, (_, p: string) => `x-${p}`))} }`
              : undefined,
          });
        }
      }
    }
  }
  return renderTemplate('microversion-sweep', {
    banner,
    imports: [...imports].sort().join(', '),
    className: service.className,
    suite: `${service.className} · microversion sweep (${service.specDir})`,
    serverList: SWEEP_SERVERS.join(', '),
    cases,
  });
}
