import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The shared data folder beside the repository (`../shared/data`), overridable by GECKO_DATA. */
export const SHARED_DATA =
  process.env.GECKO_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
/** The shared conformance folder (`../shared/conformance`). */
export const SHARED_CONFORMANCE = fileURLToPath(new URL('../../../shared/conformance', import.meta.url));
