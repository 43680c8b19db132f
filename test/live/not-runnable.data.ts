/** Methods of the data scenarios that cannot succeed here: method → why (see not-runnable.ts). */
export const NOT_RUNNABLE_DATA: Readonly<Record<string, string>> = {};
