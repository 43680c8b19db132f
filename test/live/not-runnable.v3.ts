/**
 * v3 proxy methods that cannot succeed on the live stack (Cinder 21.3.1 up to 3.70, file-backed
 * fake driver, no Glance, no Nova, no replication, no clustered service): method → why. Each is
 * still called by a v3 live test that asserts Cinder's exact answer (or the SDK's refusal before
 * any request); the coverage report lists those that never succeeded, and the README all of them.
 */
export const NOT_RUNNABLE_V3: Readonly<Record<string, string>> = {
  uploadVolumeToImage:
    'There is no Glance: Cinder answers 400 with an empty fault message ({"badRequest": {"code": 400, "message": ""}}) and the volume stays available.',
  createImage: 'Sends os-volume_upload_image like uploadVolumeToImage: the same 400 without Glance.',
  failoverService:
    "No back end replicates: 400 \"No service could be changed: replication_status in ['rc-host@fake2'] must be ['enabled', 'failed-over'] and must be up to failover.\"",
  enableGroupReplication:
    'No replication group type can be served: 400 "Invalid group type: Group <id> is not a replication group type."',
  disableGroupReplication: 'The same 400 as enableGroupReplication.',
  failoverGroupReplication: 'The same 400 as enableGroupReplication.',
  completeVolumeExtend:
    'Needs microversion 3.71; this Cinder stops at 3.70: MicroversionNotSupportedError before any request (Cinder itself answers 406).',
  getCluster:
    "No service runs clustered: 404 \"Cluster {'binary': 'cinder-volume', 'name': <name>} could not be found.\"",
  enableCluster: 'The same 404 as getCluster.',
  disableCluster: 'The same 404 as getCluster.',
  setDefaultType:
    'Noauth only: Cinder asks Keystone about the project and answers 500 (NoSuchOptError: auth_url in [keystone_authtoken]); works in Keystone mode.',
  showDefaultType: 'Noauth only: the same 500 as setDefaultType; works in Keystone mode.',
  unsetDefaultType: 'Noauth only: the same 500 as setDefaultType; works in Keystone mode.',
  reimageVolume:
    'No Glance: on an available volume Cinder sets downloading, then fails (500) looking the image up; test/live/v3-extras re-images a reserved volume instead and asserts the 400 naming the statuses os-reimage takes.',
  listGroupReplicationTargets: 'The same 400 as enableGroupReplication.',
  freezeCluster: 'No service runs clustered: 400 "No service found with cluster=<name>".',
  thawCluster: 'The same 400 as freezeCluster.',
  // Accepted by Cinder (so they count as succeeded), but what they start fails on this back end:
  manageVolume:
    'Accepted (202, a volume in creating), but the LVM code the fake driver inherits cannot size the object (TypeError in cinder-volume): the volume ends in error.',
  manageSnapshot: 'Accepted (202), then the same TypeError: the snapshot ends in error.',
  createConsistencyGroup:
    'Accepted (202), but the fake driver implements no create_consistencygroup for the default_cgsnapshot_type group type; the test uses a volume type no back end serves, so the group ends in error without a host and can be deleted.',
};
