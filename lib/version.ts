/**
 * The package's version, kept equal to `version` in deno.json: the npm build
 * (bench/_build_npm.ts) refuses a mismatch, and tests/package/package_test.ts runs that build.
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
