/**
 * The package's version, kept equal to `version` in deno.json (tests/package/version_test.ts
 * checks it; the npm build refuses a mismatch).
 *
 * Runs on: API thread.
 */

/**
 * This package's version (semver), as published to JSR and npm.
 *
 * @example
 * ```ts
 * import { VERSION } from "@crossroads/xs";
 * console.log(`@crossroads/xs ${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";
