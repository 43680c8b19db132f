/**
 * Proxy methods that cannot succeed on the live stack (Cinder 21 with a file-backed fake driver,
 * no Glance, no Nova, no replication). Each is still called by a live test that asserts Cinder's
 * exact answer; the coverage report counts them separately and the README lists them.
 */
import { NOT_RUNNABLE_ADMIN } from './not-runnable.admin.js';
import { NOT_RUNNABLE_DATA } from './not-runnable.data.js';
import { NOT_RUNNABLE_EXTRAS } from './not-runnable.extras.js';

export const NOT_RUNNABLE: Readonly<Record<string, string>> = {
  ...NOT_RUNNABLE_DATA,
  ...NOT_RUNNABLE_ADMIN,
  ...NOT_RUNNABLE_EXTRAS,
};
