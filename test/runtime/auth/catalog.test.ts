import { describe, expect, it } from 'vitest';
import { fillProjectId, parseCatalog, selectEndpoint } from '../../../runtime/auth/catalog.js';
import { endpointFor } from '../../../runtime/auth/endpoint.js';
import type { AuthState } from '../../../runtime/auth/types.js';
import { ConfigurationError, EndpointNotFoundError, InvalidResponseError } from '../../../runtime/errors.js';

const raw = [
  {
    type: 'volumev2',
    name: 'cinderv2',
    endpoints: [{ interface: 'public', region_id: 'RegionOne', url: 'http://old/v2/%(project_id)s' }],
  },
  {
    type: 'volumev3',
    name: 'cinderv3',
    endpoints: [
      { interface: 'public', region: 'RegionOne', url: 'http://r1-public/v3/%(project_id)s' },
      { interface: 'internal', region: 'RegionOne', url: 'http://r1-internal/v3/%(project_id)s' },
      { interface: 'public', region: 'RegionTwo', url: 'http://r2-public/v3/$(project_id)s' },
    ],
  },
  {
    type: 'volumev3',
    name: 'cinder-ssd',
    endpoints: [{ interface: 'public', region: 'RegionOne', url: 'http://ssd/v3/%(tenant_id)s' }],
  },
  { type: 'identity', name: 'keystone', endpoints: [{ interface: 'public', region: 'RegionOne', url: 'http://k/v3' }] },
];
const catalog = parseCatalog(raw, 'test');
const TYPES = ['block-storage', 'volumev3', 'volumev2', 'volume'];

describe('catalog', () => {
  it('prefers service types in order, then interfaces in order, then region', () => {
    expect(selectEndpoint(catalog, { serviceTypes: TYPES })).toMatchObject({
      url: 'http://r1-public/v3/%(project_id)s',
      serviceType: 'volumev3',
      interface: 'public',
      region: 'RegionOne',
    });
    expect(selectEndpoint(catalog, { serviceTypes: ['volumev2', 'volumev3'] }).url).toBe(
      'http://old/v2/%(project_id)s',
    );
    expect(selectEndpoint(catalog, { serviceTypes: TYPES, interface: 'internalURL' }).url).toBe(
      'http://r1-internal/v3/%(project_id)s',
    );
    expect(selectEndpoint(catalog, { serviceTypes: TYPES, interface: ['admin', 'internal'] }).interface).toBe(
      'internal',
    );
    expect(selectEndpoint(catalog, { serviceTypes: TYPES, regionName: 'RegionTwo' }).url).toBe(
      'http://r2-public/v3/$(project_id)s',
    );
    expect(selectEndpoint(catalog, { serviceTypes: TYPES, serviceName: 'cinder-ssd' }).url).toBe(
      'http://ssd/v3/%(tenant_id)s',
    );
  });

  it('lists what the catalog has when nothing matches', () => {
    const err = (() => {
      try {
        selectEndpoint(catalog, { serviceTypes: TYPES, interface: 'admin', regionName: 'RegionTwo' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EndpointNotFoundError);
    expect((err as Error).message).toBe(
      'No endpoint for service type block-storage / volumev3 / volumev2 / volume, interface admin, region RegionTwo. ' +
        'The catalog has: volumev2 (cinderv2): public@RegionOne; volumev3 (cinderv3): public@RegionOne internal@RegionOne public@RegionTwo; ' +
        'volumev3 (cinder-ssd): public@RegionOne; identity (keystone): public@RegionOne',
    );
  });

  it('fills %(project_id)s, $(project_id)s and the tenant_id spellings', () => {
    expect(fillProjectId('http://h/v3/%(project_id)s', 'p1')).toBe('http://h/v3/p1');
    expect(fillProjectId('http://h/v3/$(project_id)s', 'p1')).toBe('http://h/v3/p1');
    expect(fillProjectId('http://h/v3/%(tenant_id)s/x/$(tenant_id)s', 'p1')).toBe('http://h/v3/p1/x/p1');
    expect(fillProjectId('http://h/v3', undefined)).toBe('http://h/v3');
    expect(fillProjectId('http://h/v3/%(project_id)s', undefined)).toBeUndefined();
  });

  it('endpointFor: override wins, then a fixed endpoint, then the catalog', () => {
    const state: AuthState = {
      token: undefined,
      expiresAt: undefined,
      catalog,
      endpoint: undefined,
      projectId: 'p1',
      userId: undefined,
    };
    expect(endpointFor(state, { serviceTypes: TYPES }).url).toBe('http://r1-public/v3/p1');
    expect(endpointFor(state, { serviceTypes: TYPES, endpointOverride: 'http://o/v3/$(project_id)s/' })).toMatchObject({
      url: 'http://o/v3/p1',
      source: 'override',
    });
    expect(
      endpointFor({ ...state, endpoint: 'http://fixed/v3/%(project_id)s' }, { serviceTypes: TYPES }),
    ).toMatchObject({ url: 'http://fixed/v3/p1', source: 'fixed' });
    expect(() => endpointFor({ ...state, projectId: undefined }, { serviceTypes: TYPES })).toThrow(ConfigurationError);
  });

  it('rejects a catalog that is not a list', () => {
    expect(() => parseCatalog({ nope: 1 }, 'POST http://k/v3/auth/tokens')).toThrow(InvalidResponseError);
    expect(parseCatalog(undefined, 'x')).toEqual([]);
  });
});
