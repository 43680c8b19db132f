/** Methods added by issue 14 that cannot succeed here: method → why (see not-runnable.ts). */
export const NOT_RUNNABLE_EXTRAS: Readonly<Record<string, string>> = {
  createImage:
    'There is no Glance, so Cinder answers os-volume_upload_image with 400 and an empty fault message ({"badRequest": {"code": 400, "message": ""}}); the volume stays available.',
  reimageVolume:
    'There is no Glance: on an available volume Cinder sets downloading and then fails (500) looking the image up, leaving the volume in downloading; the test re-images a reserved volume instead and asserts the 400 naming the statuses os-reimage takes.',
  listGroupReplicationTargets:
    'No back end replicates, so no group type can: Cinder answers 400 "Invalid group type: Group <id> is not a replication group type."',
  freezeCluster: 'This stack has no clusters: Cinder answers 400 "No service found with cluster=<name>".',
  thawCluster: 'This stack has no clusters: Cinder answers 400 "No service found with cluster=<name>".',
};
