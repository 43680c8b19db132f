/** Methods of the admin scenarios that cannot succeed here: method → why (see not-runnable.ts). */
export const NOT_RUNNABLE_ADMIN: Readonly<Record<string, string>> = {};
