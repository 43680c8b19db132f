/** Methods of the data scenarios that cannot succeed here: method → why (see not-runnable.ts). */
export const NOT_RUNNABLE_DATA: Readonly<Record<string, string>> = {
  uploadVolumeToImage:
    'There is no Glance, so Cinder answers 400 with an empty fault message ({"badRequest": {"code": 400, "message": ""}}) and the volume stays available.',
  manageSnapshot:
    'Cinder accepts it (202, a snapshot in creating), but the fake driver cannot size the existing object (FakeBrickLVM.get_volume returns a list: TypeError in cinder-volume), so the managed snapshot ends in error.',
};
