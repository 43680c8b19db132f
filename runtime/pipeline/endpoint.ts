/**
 * `endpoint`: where the service is and which microversions it serves. `connect()` finds it once
 * per session (catalog, then version discovery) and shares it between calls; `createClient()` is
 * given it.
 */
import type { Policy, ServiceTarget } from './types.js';

export function endpointPolicy(
  find: (signal: AbortSignal | undefined) => ServiceTarget | Promise<ServiceTarget>,
): Policy {
  return {
    name: 'endpoint',
    async sendRequest(request, next) {
      return next({ ...request, target: await find(request.signal) });
    },
  };
}
