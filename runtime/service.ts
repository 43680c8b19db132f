/**
 * How generated code describes a service version to the runtime, so that `connect()` can pick the
 * proxy class that matches what the cloud offers without the runtime importing generated code.
 */
import type { ServiceClient } from './client.js';

/** One API version of a service, emitted from `spec/<service>/<version>/service.yaml`. */
export interface ServiceVersionDescriptor {
  /** Catalog service type, e.g. `block-storage`. */
  readonly serviceType: string;
  /** Other catalog types that mean the same service, in order of preference (`volumev3`, `volumev2`, `volume`). */
  readonly aliases: readonly string[];
  /** Major API version this proxy implements, e.g. `2`. */
  readonly version: string;
  /**
   * Major versions of endpoints this proxy can talk to. The v2 proxy also works against a v3
   * endpoint at its base microversion 3.0, which is the v2 API.
   */
  readonly endpointVersions: readonly string[];
  /** Microversion support: the service name used in `OpenStack-API-Version: <name> X.Y`. */
  readonly microversion?:
    | {
        readonly headerService: string;
        /** The range this proxy was generated for. */
        readonly min: string;
        readonly max: string;
      }
    | undefined;
}

/** A generated proxy class (`BlockStorageV2`). */
export interface ProxyClass<P = unknown> {
  new (client: ServiceClient): P;
  readonly service: ServiceVersionDescriptor;
}

/** All versions of one service that this build of the SDK contains. */
export interface ServiceFamily {
  /** Property name on the connection, e.g. `blockStorage`. */
  readonly attribute: string;
  readonly serviceType: string;
  /**
   * The proxy classes, the default first: connect() without `version` uses it, and the
   * connection's attribute is typed as it (generated families list the newest first).
   */
  readonly versions: readonly ProxyClass[];
}
