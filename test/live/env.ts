/**
 * Typed access to the live-test environment: the variables that
 * test/live/stack/start.sh writes into STATE/env (sourced by test/live/run.sh),
 * or that a developer exports by hand to point the suite at another Cinder.
 *
 *   import { loadLiveEnv, volumeEndpoint } from './env.js';
 *   const env = loadLiveEnv(); // throws LiveEnvError naming every missing variable
 */

export type LiveAuthMode = 'noauth' | 'keystone';

export interface KeystoneCredentials {
  /** Keystone v3 base URL, e.g. http://127.0.0.1:5000/v3 (OS_AUTH_URL). */
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
}

interface LiveEnvCommon {
  mode: LiveAuthMode;
  /** Cinder root URL without trailing slash, e.g. http://127.0.0.1:8776 (CINDER_URL). */
  cinderUrl: string;
  /** Admin project: the noauth hex project, or Keystone's admin project id (CINDER_PROJECT_ID). */
  projectId: string;
  /** Second project (noauth hex id, or Keystone's demo project id); quotas raised too. */
  secondProjectId: string | undefined;
  /** Highest microversion of the server, "3.70" for Cinder 21 (CINDER_MAX_MICROVERSION). */
  maxMicroversion: string;
  /** Backend section names, e.g. ["fake", "fake2"] (RC_BACKENDS). */
  backends: string[];
  /** Pool names, e.g. ["rc-host@fake#fake", "rc-host@fake2#fake2"] (RC_POOLS). */
  pools: string[];
  /** Directory of the sparse volume-<id>/snapshot-<id> files, when the stack is local. */
  volumeFilesDir: string | undefined;
  /** posix (real data) or fake (instant) backup driver; undefined if unknown. */
  backupDriver: string | undefined;
  /** cinder-backup running ("0" in RC_BACKUP means no). */
  backupEnabled: boolean;
  /** State dir of the running stack (RC_STATE_DIR), when started by start.sh. */
  stateDir: string | undefined;
  /** Origin Cinder's and Keystone's CORS settings allow, where browser.test.ts serves its page (RC_BROWSER_ORIGIN). */
  browserOrigin: string | undefined;
}

export interface NoauthLiveEnv extends LiveEnvCommon {
  mode: 'noauth';
  /** X-Auth-Token value "admin:<project>" (CINDER_NOAUTH_TOKEN); every noauth caller is admin. */
  noauthToken: string;
  /** Token for the second project (CINDER_SECOND_NOAUTH_TOKEN). */
  secondNoauthToken: string | undefined;
}

export interface KeystoneLiveEnv extends LiveEnvCommon {
  mode: 'keystone';
  regionName: string;
  /** Catalog interface to use, default "public" (OS_INTERFACE). */
  interface: string;
  /** The admin user in the admin project (OS_*). */
  admin: KeystoneCredentials;
  /** Non-admin user "demo" (member role in project demo), when provided (RC_DEMO_*). */
  demo: (KeystoneCredentials & { projectId: string | undefined }) | undefined;
}

export type LiveEnv = NoauthLiveEnv | KeystoneLiveEnv;

export class LiveEnvError extends Error {
  override name = 'LiveEnvError';
}

type Env = Record<string, string | undefined>;

const HINT =
  'Run the live suite with `npm run test:live` (it starts a local Cinder and exports its ' +
  'STATE/env), or start one with test/live/stack/start.sh and `source /tmp/osbs-live-<mode>/env`.';

function words(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((w) => w.length > 0);
}

/** Read the live-test variables; throws LiveEnvError listing everything that is missing. */
export function loadLiveEnv(env: Env = process.env): LiveEnv {
  const missing: string[] = [];
  const need = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === '') {
      missing.push(name);
      return '';
    }
    return v;
  };
  const opt = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };

  const rawMode = opt('RC_AUTH') ?? (opt('OS_AUTH_URL') ? 'keystone' : 'noauth');
  if (rawMode !== 'noauth' && rawMode !== 'keystone') {
    throw new LiveEnvError(`RC_AUTH must be "noauth" or "keystone", got "${rawMode}". ${HINT}`);
  }

  const common = {
    cinderUrl: need('CINDER_URL').replace(/\/+$/, ''),
    projectId: need('CINDER_PROJECT_ID'),
    secondProjectId: opt('CINDER_SECOND_PROJECT_ID'),
    maxMicroversion: opt('CINDER_MAX_MICROVERSION') ?? '3.70',
    backends: words(opt('RC_BACKENDS') ?? 'fake'),
    pools: words(opt('RC_POOLS')),
    volumeFilesDir: opt('RC_VOLUME_FILES_DIR'),
    backupDriver: opt('RC_BACKUP_DRIVER'),
    backupEnabled: opt('RC_BACKUP') !== '0',
    stateDir: opt('RC_STATE_DIR'),
    browserOrigin: opt('RC_BROWSER_ORIGIN'),
  };

  let result: LiveEnv;
  if (rawMode === 'noauth') {
    result = {
      ...common,
      mode: 'noauth',
      noauthToken: need('CINDER_NOAUTH_TOKEN'),
      secondNoauthToken: opt('CINDER_SECOND_NOAUTH_TOKEN'),
    };
  } else {
    const admin: KeystoneCredentials = {
      authUrl: need('OS_AUTH_URL').replace(/\/+$/, ''),
      username: need('OS_USERNAME'),
      password: need('OS_PASSWORD'),
      projectName: need('OS_PROJECT_NAME'),
      userDomainName: opt('OS_USER_DOMAIN_NAME') ?? 'Default',
      projectDomainName: opt('OS_PROJECT_DOMAIN_NAME') ?? 'Default',
    };
    const demoUser = opt('RC_DEMO_USERNAME');
    result = {
      ...common,
      mode: 'keystone',
      regionName: opt('OS_REGION_NAME') ?? 'RegionOne',
      interface: opt('OS_INTERFACE') ?? 'public',
      admin,
      demo:
        demoUser === undefined
          ? undefined
          : {
              authUrl: admin.authUrl,
              username: demoUser,
              password: need('RC_DEMO_PASSWORD'),
              projectName: need('RC_DEMO_PROJECT_NAME'),
              userDomainName: admin.userDomainName,
              projectDomainName: admin.projectDomainName,
              projectId: opt('RC_DEMO_PROJECT_ID'),
            },
    };
  }

  if (missing.length > 0) {
    throw new LiveEnvError(`live test environment (${rawMode}) is missing ${missing.join(', ')}. ${HINT}`);
  }
  return result;
}

/** The project-scoped v3 endpoint, e.g. http://127.0.0.1:8776/v3/<project id>. */
export function volumeEndpoint(env: LiveEnv, projectId: string = env.projectId): string {
  return `${env.cinderUrl}/v3/${projectId}`;
}
