/**
 * The Keystone v3 service catalog: parsing it from a token response and choosing one endpoint.
 *
 * Selection follows keystoneauth: service types in order of preference (the first type that has a
 * matching endpoint wins, so `block-storage` beats a stale `volumev2` entry), then interface in order,
 * then region. The error for "nothing matched" lists what the catalog does have, because the usual
 * cause is a typo in region or interface, or a cloud that registered the service under another type.
 */
import { EndpointNotFoundError, InvalidResponseError } from '../errors.js';

export interface CatalogEndpoint {
  readonly interface: string;
  readonly region: string | undefined;
  readonly url: string;
}

export interface CatalogService {
  readonly type: string;
  readonly name: string | undefined;
  readonly endpoints: readonly CatalogEndpoint[];
}

export type ServiceCatalog = readonly CatalogService[];

/** What the caller wants; every field narrows the choice. */
export interface EndpointCriteria {
  /** Service types in order of preference (type first, then its aliases). */
  readonly serviceTypes: readonly string[];
  readonly serviceName?: string | undefined;
  /** Interfaces in order of preference; `publicURL` style accepted. Default `public`. */
  readonly interface?: string | readonly string[] | undefined;
  readonly regionName?: string | undefined;
}

/** The endpoint chosen, with what it was chosen as. */
export interface SelectedEndpoint {
  readonly url: string;
  readonly serviceType: string;
  readonly serviceName: string | undefined;
  readonly interface: string;
  readonly region: string | undefined;
}

/** `publicURL` → `public` (the v2 catalog spelling still found in configs and OS_ENDPOINT_TYPE). */
export function normalizeInterface(value: string): string {
  const v = value.trim().toLowerCase();
  return v.endsWith('url') ? v.slice(0, -3) : v;
}

export function interfacesOf(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return ['public'];
  const list = typeof value === 'string' ? value.split(',') : [...value];
  const out = list.map(normalizeInterface).filter((v) => v.length > 0);
  return out.length > 0 ? out : ['public'];
}

/** Parses `token.catalog` of a Keystone v3 token body. Unknown shapes fail loudly. */
export function parseCatalog(raw: unknown, where: string): ServiceCatalog {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new InvalidResponseError(where, 'token.catalog is not a list');
  return raw.map((entry: unknown, i): CatalogService => {
    if (!isRecord(entry) || typeof entry['type'] !== 'string') {
      throw new InvalidResponseError(where, `token.catalog[${i}] has no service type`);
    }
    const endpoints = Array.isArray(entry['endpoints']) ? entry['endpoints'] : [];
    return {
      type: entry['type'],
      name: typeof entry['name'] === 'string' ? entry['name'] : undefined,
      endpoints: endpoints.flatMap((ep: unknown): CatalogEndpoint[] => {
        if (!isRecord(ep) || typeof ep['url'] !== 'string' || typeof ep['interface'] !== 'string') return [];
        // v3 has both `region_id` and the deprecated `region`; they carry the same value.
        const region = ep['region_id'] ?? ep['region'];
        return [
          {
            interface: normalizeInterface(ep['interface']),
            region: typeof region === 'string' ? region : undefined,
            url: ep['url'],
          },
        ];
      }),
    };
  });
}

export function selectEndpoint(catalog: ServiceCatalog, criteria: EndpointCriteria): SelectedEndpoint {
  const interfaces = interfacesOf(criteria.interface);
  for (const type of criteria.serviceTypes) {
    const services = catalog.filter(
      (s) => s.type === type && (criteria.serviceName === undefined || s.name === criteria.serviceName),
    );
    for (const iface of interfaces) {
      for (const service of services) {
        const ep = service.endpoints.find(
          (e) => e.interface === iface && (criteria.regionName === undefined || e.region === criteria.regionName),
        );
        if (ep) {
          return { url: ep.url, serviceType: type, serviceName: service.name, interface: iface, region: ep.region };
        }
      }
    }
  }
  throw new EndpointNotFoundError(describeMiss(catalog, criteria, interfaces));
}

function describeMiss(catalog: ServiceCatalog, criteria: EndpointCriteria, interfaces: string[]): string {
  const wanted =
    `service type ${criteria.serviceTypes.join(' / ')}` +
    (criteria.serviceName !== undefined ? `, name ${criteria.serviceName}` : '') +
    `, interface ${interfaces.join(' / ')}` +
    (criteria.regionName !== undefined ? `, region ${criteria.regionName}` : ', any region');
  const has = catalog.map((s) => {
    const eps = s.endpoints.map((e) => `${e.interface}@${e.region ?? '-'}`).join(' ');
    return `${s.type}${s.name ? ` (${s.name})` : ''}: ${eps || 'no endpoints'}`;
  });
  return `No endpoint for ${wanted}. The catalog has: ${has.length > 0 ? has.join('; ') : 'nothing (unscoped token?)'}`;
}

const PROJECT_PLACEHOLDER = /[%$]\((?:project_id|tenant_id)\)s/g;

/** True when the URL still has a `%(project_id)s` / `$(project_id)s` placeholder. */
export function hasProjectPlaceholder(url: string): boolean {
  return new RegExp(PROJECT_PLACEHOLDER.source).test(url);
}

/**
 * Fills `%(project_id)s`, `$(project_id)s` (and the `tenant_id` spellings): Keystone usually does
 * this itself, but endpoint overrides in clouds.yaml and some catalogs still carry the template.
 * Returns undefined when a placeholder is present and no project id is known.
 */
export function fillProjectId(url: string, projectId: string | undefined): string | undefined {
  if (!hasProjectPlaceholder(url)) return url;
  if (projectId === undefined) return undefined;
  return url.replace(PROJECT_PLACEHOLDER, encodeURIComponent(projectId));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
