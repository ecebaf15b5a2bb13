/**
 * Builds the npm package of `@crossroads/xs` into `dist/npm` (or `--out=DIR`): ES modules in
 * JavaScript with `.d.ts` beside them, compiled from the same sources JSR serves, in the
 * shape JSR's npm compatibility layer gives (`exports` for `.` and `./xs`). The I/O worker
 * is there twice: as `workers/io_worker.js` (started from its file) and embedded in
 * `lib/runtime/_worker_bundle.js` (started when a bundler left the file behind).
 *
 * `./browser` is the face for web pages (lib/api/browser.ts). Its `browser` condition, the
 * one bundlers use when they build for a browser (esbuild, Vite, webpack, Bun), is the
 * self-contained bundle `browser/xs.js` (bench/_build_browser.ts: no `node:` import, no
 * worker source, no CURVE) that a page could also load as it is; the compiled module
 * `lib/api/browser.js` is the default, for Node, Deno and Bun (where it is the same
 * `Context` as `.`'s, I/O worker included). One declaration file types both: the bundle
 * exports the same names.
 *
 * Run: `deno run -A bench/_build_npm.ts` or `bun bench/_build_npm.ts`; then `npm pack` in
 * the output folder. tests/package/ builds it, installs the tarball into scratch projects
 * and runs a message over tcp on Node, Bun and Deno.
 *
 * Runs on: a development machine (Deno or Bun; TypeScript's compiler runs under Node, the
 * browser bundle is made by Bun's bundler). Not part of the package.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { VERSION } from "../lib/version.ts";
import { emitJs } from "./_tsc_emit.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const outArg = (globalThis as { process?: { argv: string[] } }).process?.argv
  .find((a) => a.startsWith("--out="));
const out = outArg ? outArg.slice(6) : join(root, "dist", "npm");

const denoJson = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
const devJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
if (denoJson.version !== VERSION) {
  throw new Error(`lib/version.ts says ${VERSION}, deno.json says ${denoJson.version}`);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// 1. Compile. Type checking is `deno check`'s job (npm test); here only emit.
emitJs({
  root,
  outDir: out,
  files: ["mod.ts", "xs.ts", "workers/io_worker.ts", "lib/api/browser.ts"],
  declaration: true,
});

// 2. Declarations name the sources (`./x.ts`); the package ships `./x.js`.
const relTs = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']+)\.ts(["'])/g;
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const files = walk(out);
for (const f of files.filter((f) => f.endsWith(".d.ts"))) {
  const text = readFileSync(f, "utf8");
  const fixed = text.replace(relTs, "$1$2.js$3");
  if (fixed !== text) writeFileSync(f, fixed);
}
// 3. Deno's `npm:` specifiers (lib/runtime/crypto_deno.ts) become the package names an npm
// consumer resolves from its dependencies: Deno running an installed package, and
// bundlers, see plain package imports.
const npmSpec = /(["'])npm:(@?[^@"'/]+(?:\/[^@"'/]+)?)@[^/"']+(\/[^"']*)?\1/g;
for (const f of files.filter((f) => f.endsWith(".js") || f.endsWith(".d.ts"))) {
  const text = readFileSync(f, "utf8");
  const fixed = text.replace(npmSpec, "$1$2$3$1");
  if (fixed !== text) writeFileSync(f, fixed);
}
// Any code import of a .ts file left would fail on Node.
for (const f of files.filter((f) => f.endsWith(".js"))) {
  const code = readFileSync(f, "utf8").replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, "");
  const bad = code.match(/(?:from|import)\s*\(?\s*["']\.{1,2}\/[^"']+\.ts["']/);
  if (bad) throw new Error(`${f}: a .ts import survived the build: ${bad[0]}`);
}

// 4. The browser bundle, by Bun's bundler: this Bun, or the one `npm install` put in the repo.
const g = globalThis as { Bun?: unknown; process?: { execPath: string } };
const localBun = join(root, "node_modules", ".bin", "bun");
const bun = g.Bun ? g.process!.execPath : existsSync(localBun) ? localBun : "bun";
const browserBundle = join(out, "browser", "xs.js");
execFileSync(bun, [join(root, "bench", "_build_browser.ts"), `--out=${browserBundle}`], {
  stdio: ["ignore", "ignore", "inherit"],
});
const bundled = readFileSync(browserBundle, "utf8");
if (/\bfrom\s*["']node:|\bimport\s*\(\s*["']node:/.test(bundled)) {
  throw new Error(`${browserBundle} imports a node: module`);
}

// 5. The consumer manifest and the files a user expects.
const entry = (name: string) => ({ types: `./${name}.d.ts`, default: `./${name}.js` });
const manifest = {
  name: denoJson.name,
  version: VERSION,
  description: "Crossroads I/O 1.2.0 (the ZeroMQ fork) for Deno, Bun and Node: PAIR, PUB/SUB, " +
    "REQ/REP, DEALER/ROUTER, PUSH/PULL, SURVEYOR/RESPONDENT over inproc, ipc and tcp, " +
    "wire-compatible with libzmq.",
  license: denoJson.license,
  type: "module",
  exports: {
    ".": entry("mod"),
    "./xs": entry("xs"),
    "./browser": {
      types: "./lib/api/browser.d.ts",
      browser: "./browser/xs.js",
      default: "./lib/api/browser.js",
    },
    "./package.json": "./package.json",
  },
  main: "./mod.js",
  types: "./mod.d.ts",
  files: [
    "mod.js",
    "mod.d.ts",
    "xs.js",
    "xs.d.ts",
    "lib/",
    "workers/",
    "browser/",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
  ],
  // The one run-time dependency: the audited cryptography of CURVE (lib/security/crypto.ts),
  // pinned to the versions the repository is tested with.
  dependencies: devJson.dependencies,
  engines: { node: ">=20" },
  sideEffects: false,
  keywords: ["zeromq", "zmq", "crossroads", "messaging", "pubsub", "deno", "bun"],
};
writeFileSync(join(out, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
for (const f of ["README.md", "LICENSE", "CHANGELOG.md"]) copyFileSync(join(root, f), join(out, f));
console.log(`built ${manifest.name}@${VERSION} into ${out}`);
