/**
 * What the live browser test hands to the page and gets back (test/live/browser.test.ts). The page
 * bundles (lite-page.ts, connect-page.ts) check every result themselves and throw on the first
 * mismatch; the summaries they return are checked again by the test.
 */

export interface KeystoneLogin {
  readonly authUrl: string;
  readonly username: string;
  readonly password: string;
  readonly projectName: string;
  readonly userDomainName: string;
  readonly projectDomainName: string;
  readonly regionName: string;
  readonly interface: string;
}

export interface PageConfig {
  readonly mode: 'noauth' | 'keystone';
  /** The project-scoped v3 endpoint, http://127.0.0.1:8776/v3/<project id>. */
  readonly endpoint: string;
  /** noauth: the `admin:<project>` token. */
  readonly token?: string | undefined;
  /** keystone: the admin's password login. */
  readonly keystone?: KeystoneLogin | undefined;
  /** Name of the volume the page creates (unique per run). */
  readonly volumeName: string;
  /** Server's highest microversion, e.g. "3.70". */
  readonly maxMicroversion: string;
  /** A W3C traceparent sent with every SDK request (so the CORS preflight must allow it). */
  readonly traceparent: string;
}

export interface NotFoundSummary {
  readonly name: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly details: string | undefined;
}

export interface LiteSummary {
  readonly serverMax: string | undefined;
  /** keystone: the token came from X-Subject-Token, read by the page itself. */
  readonly tokenFromSubjectHeader: boolean;
  readonly volumeId: string;
  readonly statusAfterWait: string | undefined;
  readonly consumesQuota: boolean | null | undefined;
  readonly requestId: string | undefined;
  readonly listedByName: string[];
  readonly notFound: NotFoundSummary;
  /** The error of a call carrying a header that CORS does not allow. */
  readonly refusedHeader: string;
  readonly goneAfterDelete: boolean;
}

export interface ConnectSummary {
  readonly resolvedUrl: string;
  readonly serverMax: string | undefined;
  readonly volumeId: string;
  readonly sizeAfterExtend: number | undefined;
  readonly foundByName: string | undefined;
  readonly requestId: string | undefined;
  readonly notFound: NotFoundSummary;
  readonly goneAfterDelete: boolean;
}

/** The globals the two bundles set on the page. */
export interface PageGlobals {
  osbsLite?: { run(config: PageConfig): Promise<LiteSummary> };
  osbsConnect?: { run(config: PageConfig): Promise<ConnectSummary> };
}

/** Throws (inside the page) when a result is not what Cinder must have answered. */
export function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`check failed in the page: ${what}`);
}

export const MISSING_ID = '00000000-0000-4000-8000-000000000000';
