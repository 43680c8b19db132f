/**
 * Which live tests do not run on the fake cloud (`npm run test:live -- --target fake`), and why.
 * One place, so that the tests themselves stay exactly the tests of the real run:
 *
 * - `realOnly(reason)`: the test needs the real thing (Cinder's services and scheduler, data on
 *   disk, its logs, a deployment property of the real stack). It is never a fake failure.
 * - `diverges(reason)`: the fake answers differently today. Each is a gap of the fake (behaviour
 *   the spec does not declare yet), counted against the fidelity share in test/live/README.md.
 *
 * On the fake, test/live/fake-target-setup.ts skips every tagged test with its reason (shown by
 * the reporter and in the table); `LIVE_FAKE_RUN_DIVERGENT=1` runs the divergent ones anyway, to
 * see which a fake change fixed. Keys are file names and test titles (a key ending in `…` is a
 * prefix of the title; `*` is every test of the file). test/live/fidelity-table.ts fails on a key
 * that names no test, so the list cannot outlive the tests.
 */

export type TargetMode = 'noauth' | 'keystone';

export interface FakeTag {
  readonly kind: 'real-only' | 'diverges';
  readonly reason: string;
  /** Only in these auth modes (default: both). */
  readonly modes?: readonly TargetMode[] | undefined;
}

export const realOnly = (reason: string, modes?: readonly TargetMode[]): FakeTag => ({
  kind: 'real-only',
  reason,
  modes,
});
export const diverges = (reason: string, modes?: readonly TargetMode[]): FakeTag => ({
  kind: 'diverges',
  reason,
  modes,
});

// Reasons shared by several tests.
const SERVICES = "needs Cinder's services: cinder-scheduler, one cinder-volume per back end, cinder-backup";
const SCHEDULER = 'needs the scheduler and the second back end (a host is picked, a volume moves)';
const MESSAGES = 'user messages are written by cinder-scheduler/cinder-volume when an asynchronous step fails';
const MESSAGE_TEXT = "the wording of this error differs from Cinder's (it is not declared in the spec)";
const MANAGE =
  'os-unmanage works on the fake; the manage half waits: the checks of a manage request (one of host and cluster), ' +
  "the fields it stores, and the manage flow ending in error on the real stack's driver (it cannot size the object)";
const DEFAULT_TYPES =
  "default types: Cinder's project lookup in Keystone (404 for an unknown project) and the stored default are not modelled";
const SUMMARY_VIEWS =
  "a backup's create answer is Cinder's summary view (id, name and links; cinder/api/contrib/backups.py create): " +
  'which operations answer the summary view is not declarable yet';

export const FAKE_TAGS: Readonly<Record<string, Readonly<Record<string, FakeTag>>>> = {
  'v3-extras.test.ts': {
    'initVolumeAttachment returns the fake driver connection info; terminateVolumeAttachment is accepted': realOnly(
      "the connection info of the real stack's volume driver",
    ),
    'createImage: without Glance Cinder answers 400 with an empty fault message; the volume stays available': realOnly(
      'a property of the real deployment: it has no Glance, so Cinder refuses the upload',
    ),
    'freezeCluster and thawCluster (3.26) send the cluster in place of a host; this stack has no cluster, so Cinder answers 400':
      realOnly("clusters are Cinder's clustered services"),
    'createImage with visibility and protection (3.1): without Glance Cinder answers 400 with an empty fault message':
      realOnly('a property of the real deployment: it has no Glance, so Cinder refuses the upload'),
  },
  'v2-extras.test.ts': {
    'initVolumeAttachment returns the fake driver connection info; terminateVolumeAttachment is accepted': realOnly(
      "the connection info of the real stack's volume driver",
    ),
    'createImage: without Glance Cinder answers 400 with an empty fault message; the volume stays available': realOnly(
      'a property of the real deployment: it has no Glance, so Cinder refuses the upload',
    ),
    'completeVolumeExtend: Cinder 21 (2023.1) has no os-extend_volume_completion and answers 400': realOnly(
      'a property of the real Cinder 21: it has no os-extend_volume_completion action (the spec and the fake have it)',
    ),
    'manageableSnapshots lists through the os-snapshot-manage extension (nothing unmanaged on the fake back end)':
      realOnly('manageable resources are listed by the cinder-volume of a host'),
    'exportRecord (for exportBackup) exports a backup record; resetBackup (for resetBackupStatus) resets its status':
      realOnly("the backup driver's export record"),
  },
  'v3-volume-actions.test.ts': {
    'uploadVolumeToImage and createImage: without an Image service Cinder answers 400 with an empty message': realOnly(
      'a property of the real deployment: it has no Glance, so Cinder refuses the upload',
    ),
    'retypeVolume to a type of the same back end keeps the volume in place': realOnly(
      "the volume's host, picked by the scheduler",
    ),
    'migrateVolume to the other pool (or Cinder’s 400 when there is only one)': realOnly(SCHEDULER),
    'unmanageVolume takes the volume out of Cinder; manageVolume of its object is accepted and ends in error on the fake driver':
      diverges(MANAGE),
    'unmanageSnapshot takes the snapshot out of Cinder; manageSnapshot is accepted and ends in error on the fake driver':
      diverges(MANAGE),
  },
  'v3-backups.test.ts': {
    'exportBackup and exportRecord give the record; importBackup refuses it while the backup exists and accepts it after a delete':
      realOnly("the backup driver's export record"),
  },
  'v3-admin-calls.test.ts': {
    'services and findService; disableService with a reason and enableService': realOnly(SERVICES),
    'freezeService and thawService; failoverService answers Cinder’s 400 (no replication here)': realOnly(SERVICES),
    'backendPools, getCapabilities, extensions and getLimits': realOnly(
      "the scheduler's pools, a back end's capabilities and the real cinder-api's extensions",
    ),
    'createConsistencyGroup on a type no back end serves: accepted, then error; get, find, update, delete': realOnly(
      'the scheduler sends a group no back end serves to error',
    ),
  },
  'consistency-groups.test.ts': {
    'createConsistencyGroup: accepted, then error without a back end; what Cinder does with such a group': realOnly(
      'the scheduler sends a group no back end serves to error',
    ),
  },
  'backups.test.ts': {
    'createBackup answers id, name and links; the backup becomes available; getBackup shows it; the volume is available again':
      diverges(SUMMARY_VIEWS),
    'exportBackup gives the posix record; importBackup refuses it while the backup exists, accepts it after a delete, and the data restores':
      realOnly("the posix backup driver's export record and the backed-up data on disk"),
  },
  'discovery.test.ts': {
    'extensions: the API extensions Cinder 21 loads': realOnly('the API extensions the real cinder-api loads'),
    'services: scheduler, backup and one cinder-volume per back end, all up': realOnly(SERVICES),
    'findService: by binary, narrowed by host; two cinder-volume hosts are ambiguous': realOnly(SERVICES),
    'disableService without and with a reason, then enableService (re-read with services())': realOnly(SERVICES),
    'freezeService and thawService: the fake driver accepts both; Cinder disables the back end while frozen':
      realOnly(SERVICES),
    'failoverService: no replication on this back end, Cinder refuses with 400': realOnly(SERVICES),
    'backendPools: the two file-backed pools with their capabilities; names only without details': realOnly(
      "the scheduler's pools and their capabilities",
    ),
    'getCapabilities: the back end rc-host@fake; an unknown host is a NotFoundError': realOnly(
      "a back end's capabilities, reported by cinder-volume",
    ),
  },
  'qos.test.ts': {
    'createQosSpec; getQosSpec, findQosSpec and qosSpecs() show it': diverges(
      'a QoS spec created without a consumer gets back-end (cinder/volume/qos_specs.py create): field defaults are not declared',
    ),
    'updateQosSpec adds and changes keys and the consumer; other keys stay': diverges(MESSAGE_TEXT),
  },
  'smoke.test.ts': {
    'creates a 1 GiB volume, waits for available, deletes it, waits for 404': realOnly(
      "the volume's host, picked by the scheduler",
    ),
    'os-migrate_volume moves a volume and its data to the other pool': realOnly(SCHEDULER),
  },
  'snapshots.test.ts': {
    // The size now comes from the snapshot (copy); the test also reads the volumes' host.
    'unmanageSnapshot: the snapshot leaves the API, its file stays; manageSnapshot of that file is accepted but ends in error on the fake driver':
      diverges(MANAGE),
  },
  'types.test.ts': {
    'a volume of an encrypted type needs the key manager this stack lacks: 400 "Key manager error"': realOnly(
      'a property of the real deployment: it has no key manager, so Cinder refuses the volume',
    ),
  },
  'v3-admin.test.ts': {
    'availabilityZones() lists the one zone, available': realOnly("availability zones come from Cinder's services"),
    'resourceFilters() (3.33) answers the configured filters, for every resource or one': realOnly(
      "the real deployment's resource_filters configuration",
    ),
    "Cinder's answers without a host, for an unknown host or cluster, and to a non-admin": realOnly(
      'manageable resources are listed by the cinder-volume of a host',
    ),
    'this stack runs no clustered services: clusters() is empty, a cluster answers 404': realOnly(
      "clusters are Cinder's clustered services",
    ),
    'getServiceLogLevels (3.32) reads the levels of each service, filtered by binary, server and prefix': realOnly(
      "the log levels of Cinder's running services",
    ),
    'setServiceLogLevels (3.32) switches cinder-volume to DEBUG: its log shows the next volume create in detail':
      realOnly("Cinder's service log levels and its log file"),
    'setDefaultType, showDefaultType and defaultTypes() on the project-less route; new volumes of the project get the type':
      diverges(DEFAULT_TYPES, ['keystone']),
    "Cinder's answers: a non-admin is refused, an unknown project 404, an unknown type 400": diverges(DEFAULT_TYPES, [
      'keystone',
    ]),
    'unsetDefaultType removes it (and answers 204 again when there is none)': diverges(DEFAULT_TYPES, ['keystone']),
    'failoverService with a cluster: failover_host answers 400 "Host field is missing.", the same request at /os-services/failover reaches the cluster lookup':
      realOnly(SERVICES),
    'cleanupServiceWorkers (3.24): nothing by default (only down services), the running ones with isUp':
      realOnly(SERVICES),
    'under noauth Cinder answers 500 to every project-specific call (it asks Keystone about the project); the listing works':
      realOnly('a property of the real noauth deployment: Cinder asks a Keystone that is not there'),
  },
  'v3-attachments.test.ts': {
    'deleteAttachment detaches: the volume is available again and the attachment is gone': diverges(
      "the volume is detached on the fake; Cinder's answer to the delete (the volume's remaining attachments) " +
        'is a list of records, which an `answers` template cannot build',
    ),
    'reserve/unreserve, initialize the connection, attach, begin and roll back detaching, detach, terminate': diverges(
      "the status steps and os-initialize_connection's answer work on the fake; the attachment record os-attach " +
        "makes (found by getAttachment) is not declared (a `creates` cannot bind the new record's ID for the effect)",
    ),
  },
  'v3-groups.test.ts': {
    // The 400s are declared (group.yaml checks); the group's replication_status "disabled" Cinder fills in is not.
  },
  'v3-messages.test.ts': {
    '*': realOnly(MESSAGES),
  },
  'v3-microversions.test.ts': {
    'the 3.70 view of a volume carries the fields Cinder added after 3.0': diverges(
      'volume_type_id is not the ID of the type named by volume_type (a field taken from a related record is not ' +
        'declared), and listing types with is_public=none leaves out the public __DEFAULT__ type',
    ),
    'a per-call microversion overrides negotiation for that call only': realOnly(
      'service_uuid names the cinder-volume service that holds the volume',
    ),
  },
  'volumes.test.ts': {
    'uploadVolumeToImage: without Glance Cinder answers 400 with an empty fault message; the volume stays available':
      realOnly('a property of the real deployment: it has no Glance, so Cinder refuses the upload'),
    'retypeVolume to a type of the same backend (policy never) keeps the volume where it is': realOnly(
      "the volume's host, picked by the scheduler",
    ),
    'retypeVolume on-demand to a type of the other backend moves the volume (needs two pools)': realOnly(SCHEDULER),
    'migrateVolume…': realOnly(SCHEDULER),
    // The answer is declared now; the test also compares the volumes' host.
  },
  'waiters.test.ts': {
    'waitForStatus polls a creating volume until it is available and returns the fresh resource': realOnly(
      "the volume's host, picked by the scheduler",
    ),
  },
};

/** The tag of one test in one mode, if any. */
export function tagOf(file: string, title: string, mode: TargetMode): FakeTag | undefined {
  const entries = FAKE_TAGS[file];
  if (!entries) return undefined;
  const tag =
    entries[title] ??
    Object.entries(entries).find(([key]) => key.endsWith('…') && title.startsWith(key.slice(0, -1)))?.[1] ??
    entries['*'];
  return tag && (!tag.modes || tag.modes.includes(mode)) ? tag : undefined;
}

/**
 * Whether the whole file (a `*` tag) is skipped in this run: its top-level hooks check it and do
 * nothing, since vitest runs a file's own beforeAll even when every test in it is skipped.
 */
export function wholeFileSkipped(fileUrl: string, env: Record<string, string | undefined> = process.env): boolean {
  if (env['LIVE_TARGET'] !== 'fake') return false;
  const file = fileUrl.slice(fileUrl.lastIndexOf('/') + 1);
  const tag = FAKE_TAGS[file]?.['*'];
  const mode: TargetMode = env['RC_AUTH'] === 'keystone' ? 'keystone' : 'noauth';
  if (!tag || (tag.modes && !tag.modes.includes(mode))) return false;
  return tag.kind === 'real-only' || env['LIVE_FAKE_RUN_DIVERGENT'] !== '1';
}

/**
 * Keys of the real Cinder's answers (test/live/response-keys.json) the fake does not answer, each
 * with its reason; test/live/response-keys-check.ts fails on any other missing key.
 */
export interface KeyGap {
  readonly kind: FakeTag['kind'];
  /** Operation ids it applies to. */
  readonly operation: RegExp;
  /** Keys (`volume.migration_status`, `volumes[].migration_status`). */
  readonly key: RegExp;
  readonly reason: string;
}

export const KEY_GAPS: readonly KeyGap[] = [
  {
    kind: 'diverges',
    operation: /^ConsistencyGroup\.list$/,
    key: /^consistencygroup_links(\[\]\.\w+)?$/,
    reason:
      "the fake answers next links under `consistencygroups_links` (the resources key); Cinder's view " +
      '(cinder/api/views/consistencygroups.py) says `consistencygroup_links`, which the spec does not declare',
  },
  {
    kind: 'diverges',
    operation: /^Volume\./,
    key: /^volumes?(\[\])?\.migration_status$/,
    reason:
      'the spec declares the migration status as `os-vol-mig-status-attr:migstat` only; Cinder answers ' +
      '`migration_status` too (a gap of the spec)',
  },
  {
    kind: 'diverges',
    operation: /^QosSpec\.(create|get)$/,
    key: /^links(\[\]\.\w+)?$/,
    reason:
      'Cinder answers links beside `qos_specs`, outside the resource key (cinder/api/views/qos_specs.py detail); ' +
      'the spec declares no field there (a gap of the spec)',
  },
  {
    kind: 'real-only',
    operation: /^Service\.list$/,
    key: /^services\[\]\./,
    reason: 'the fake runs no Cinder services: its service list is empty (the tests that list them are real-only)',
  },
  {
    kind: 'real-only',
    operation: /^Volume\.initializeConnection$/,
    key: /^connection_info\./,
    reason: "the connection info comes from the real stack's volume driver",
  },
  {
    kind: 'diverges',
    operation: /^Transfer\.list$/,
    key: /^transfers\[\]\.(volume_id|created_at)$/,
    reason:
      "Cinder's summary view of a transfer carries volume_id, which the spec does not declare (the fake's summary " +
      'is id, name and links); created_at comes from the detail listing, called only by tests skipped on the fake',
  },
  {
    kind: 'diverges',
    operation: /^(Snapshot|Type)\.list$/,
    key: /^(snapshots|volume_type)_links(\[\]\.\w+)?$/,
    reason:
      'the real run answered next links to the paging calls of tests skipped on the fake (see the divergences); ' +
      'the calls the fake does get ask for no page',
  },
  {
    kind: 'real-only',
    operation: /^Backup\.list$/,
    key: /^backups_links(\[\]\.\w+)?$/,
    reason:
      "a property of the real run's state: its project held more backups than the one backups.test.ts pages " +
      'through one at a time (maxItems 1); on the fake that backup is the only one, so no next link follows it',
  },
];

/** The gap a missing key is listed under, if any. */
export function keyGapOf(operation: string, key: string): KeyGap | undefined {
  return KEY_GAPS.find((g) => g.operation.test(operation) && g.key.test(key));
}
