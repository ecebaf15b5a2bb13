// TypeScript's compiler as this project uses it to emit, never to check (`deno check` does
// that): the sources to ES modules with `.ts` imports rewritten to `.js`. One setting for
// the npm package (bench/_build_npm.ts, with declarations) and for the Node suite
// (tests/node/run.mjs); plain JavaScript so that Node 20, which runs no TypeScript, can
// import it too.
//
// Runs on: a development machine's main thread (Node, Deno or Bun), not part of the package.
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Compiles `files` (relative to `root`) into `outDir`, keeping their layout under `root`;
 * `declaration` also writes `.d.ts` files. Throws if tsc fails (its output is shown).
 *
 * @param {{ root: string, outDir: string, files: string[], declaration?: boolean }} o
 */
export function emitJs({ root, outDir, files, declaration = false }) {
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      rewriteRelativeImportExtensions: true,
      allowImportingTsExtensions: true,
      declaration,
      noCheck: true,
      outDir,
      rootDir: root,
      lib: ["ES2023", "DOM"],
      types: [],
      skipLibCheck: true,
      strict: true,
    },
    files: files.map((f) => join(root, f)),
  };
  const cfg = join(outDir, "tsconfig.emit.json");
  writeFileSync(cfg, JSON.stringify(tsconfig, null, 2));
  try {
    execFileSync("node", [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", cfg], {
      stdio: "inherit",
    });
  } finally {
    rmSync(cfg, { force: true });
  }
}
