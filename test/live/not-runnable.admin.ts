/** Methods of the admin scenarios that cannot succeed here: method → why (see not-runnable.ts). */
export const NOT_RUNNABLE_ADMIN: Readonly<Record<string, string>> = {
  failoverService:
    "No back end replicates here, so Cinder answers 400 \"No service could be changed: replication_status in ['rc-host@fake2'] must be ['enabled', 'failed-over'] and must be up to failover.\"",
  createConsistencyGroup:
    'Cinder accepts it (202), but the fake driver implements no create_consistencygroup for the default_cgsnapshot_type group type, so the group ends in error (and, once on a host, can never be deleted); the test uses a volume type no back end serves, and generic groups for the rest of the CG API.',
};
