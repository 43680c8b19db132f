/**
 * The generator's own reading of microversion bounds (used to emit the v3 sweep test): the version
 * a call is sent at, the route for it, or none.
 */
import { describe, expect, it } from 'vitest';
import { expectedAt } from '../../generator/emit/sweep-module.js';
import type { OperationModel, ServiceModel } from '../../generator/model/types.js';

const service = { microversion: { headerService: 'volume', min: '3.0', max: '3.71' } } as unknown as ServiceModel;
const op = (o: Partial<OperationModel>): OperationModel =>
  ({ method: 'GET', path: '/things', routes: [], pathParams: [], ...o }) as unknown as OperationModel;

describe('expectedAt', () => {
  it('sends the server maximum, capped by the service and the operation', () => {
    expect(expectedAt(service, op({}), '/things', '3.55')?.version).toBe('3.55');
    expect(expectedAt(service, op({}), '/things', '3.80')?.version).toBe('3.71');
    expect(expectedAt(service, op({ maxVersion: '3.26' }), '/things', '3.70')?.version).toBe('3.26');
  });
  it('has no version when the operation needs more than the server offers', () => {
    expect(expectedAt(service, op({ minVersion: '3.71' }), '/things', '3.70')).toBeUndefined();
    expect(expectedAt(service, op({ minVersion: '3.27' }), '/things', '3.0')).toBeUndefined();
    expect(expectedAt(service, op({ minVersion: '3.27' }), '/things', '3.27')?.version).toBe('3.27');
  });
  it('picks the route whose range holds the version', () => {
    const transfer = op({
      routes: [
        { method: 'POST', path: '/os-volume-transfer', maxVersion: '3.54' },
        { method: 'POST', path: '/volume-transfers', minVersion: '3.55' },
      ],
    });
    expect(expectedAt(service, transfer, '/x', '3.54')?.route.path).toBe('/os-volume-transfer');
    expect(expectedAt(service, transfer, '/x', '3.55')?.route.path).toBe('/volume-transfers');
    expect(expectedAt(service, transfer, '/x', '3.0')?.route.path).toBe('/os-volume-transfer');
  });
});
