/**
 * `endpoint`: where the service is and which microversions it serves. `connect()` finds it once
 * per session (catalog, then version discovery) and shares it between calls; `createClient()` is
 * given it.
 */
import { isThenable, type Policy, type ServiceTarget } from './types.js';

export function endpointPolicy(
  find: (signal: AbortSignal | undefined) => ServiceTarget | Promise<ServiceTarget>,
): Policy {
  return {
    name: 'endpoint',
    sendRequest(request, next) {
      const target = find(request.signal);
      // Found already (every call after a session's first): no extra async hop.
      return isThenable(target)
        ? Promise.resolve(target).then((found) => next({ ...request, target: found }))
        : next({ ...request, target });
    },
  };
}
