/**
 * The runtime the generated SDK runs on. Generated modules import from here only.
 */
export * from './errors.js';
export type { ApiResponse, HeaderReader, HttpMethod, Operation, OperationRequest, QueryScalar, QueryValue, RequestOptions, Route, ServiceClient } from './client.js';
export { compareMicroversions, formatMicroversion, negotiateMicroversion, parseMicroversion, withinBounds, type Microversion, type ServerVersions, type VersionBounds } from './microversion.js';
export { Resource, construct, decodeValue, encodeValue, fromWire, type FieldSpec, type FieldType, type ResourceClass, type ResourceSchema, type StatusSpec, type StructSchema } from './resource.js';
export type { ProxyClass, ServiceFamily, ServiceVersionDescriptor } from './service.js';
export { checkArg } from './args.js';
export { optionalRefId, refId, toTarget, type TargetOptions } from './target.js';
export { callOperation, createResource, deleteResource, fetchResource, mergeInto, readResource, readValue, resourceBody, unwrapResource, updateResource, type CallInput } from './operations.js';
export { Paginated, listResources, type ListInput, type ListOptions, type Page } from './paginate.js';
export { findResource, type FindInput, type FindPlan } from './find.js';
export { waitForDelete, waitForStatus, type WaitForStatusOptions, type WaitOptions } from './wait.js';
