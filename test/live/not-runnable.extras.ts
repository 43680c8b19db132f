/** v2 methods added by issue 14 that cannot succeed here: method → why (see not-runnable.ts; v3: not-runnable.v3.ts). */
export const NOT_RUNNABLE_EXTRAS: Readonly<Record<string, string>> = {
  createImage:
    'There is no Glance, so Cinder answers os-volume_upload_image with 400 and an empty fault message ({"badRequest": {"code": 400, "message": ""}}); the volume stays available.',
};
