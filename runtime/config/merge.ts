/**
 * Combines sources: each field comes from the first source that sets it. Auth fields, per-service
 * settings and additional headers merge field by field, so a password in secure.yaml or
 * OS_PASSWORD completes a cloud whose other auth values live elsewhere.
 */
import type { AuthOptions, CloudSettings, ServiceSettings } from './types.js';

export function mergeLayers(layers: readonly CloudSettings[]): CloudSettings {
  const out: Record<string, unknown> = {};
  for (const layer of [...layers].reverse()) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (key === 'auth') out[key] = { ...(out[key] as AuthOptions | undefined), ...defined(value as AuthOptions) };
      else if (key === 'additionalHeaders') out[key] = { ...(out[key] as object | undefined), ...(value as object) };
      else if (key === 'services') out[key] = mergeServices(out[key] as ServicesMap | undefined, value as ServicesMap);
      else out[key] = value;
    }
  }
  return out;
}

type ServicesMap = Readonly<Record<string, ServiceSettings>>;

function mergeServices(under: ServicesMap | undefined, over: ServicesMap): ServicesMap {
  const out: Record<string, ServiceSettings> = { ...under };
  for (const [type, settings] of Object.entries(over)) out[type] = { ...out[type], ...defined(settings) };
  return out;
}

/**
 * Settings for one service: the global values, overridden by `services[t]` for each of its types.
 * The first type (the canonical one) wins over aliases, as `block_storage_*` beats `volume_*`.
 */
export function settingsFor(settings: CloudSettings, serviceTypes: readonly string[]): ServiceSettings {
  let out: ServiceSettings = pickService(settings);
  for (const type of [...serviceTypes].reverse()) {
    const specific = settings.services?.[type];
    if (specific) out = { ...out, ...defined(specific) };
  }
  return out;
}

/** Every key of ServiceSettings (per-service overrides). */
export const SERVICE_FIELDS = [
  'version',
  'endpointOverride',
  'interface',
  'serviceName',
  'serviceType',
  'regionName',
  'defaultMicroversion',
  'minVersion',
  'maxVersion',
  'connectRetries',
  'connectRetryDelay',
  'statusCodeRetries',
  'statusCodeRetryDelay',
  'retriableStatusCodes',
  'rateLimit',
  'concurrency',
  'timeout',
] as const satisfies readonly (keyof ServiceSettings)[];

/**
 * Global settings that make sense for every service. `version`, `endpointOverride`, `serviceName`,
 * `serviceType` and `defaultMicroversion` are included too: with one service family (block storage)
 * writing them at the top level of the options is the natural thing to do.
 */
function pickService(settings: CloudSettings): ServiceSettings {
  const out: Record<string, unknown> = {};
  for (const field of SERVICE_FIELDS) if (settings[field] !== undefined) out[field] = settings[field];
  return out;
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
