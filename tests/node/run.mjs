// Runs the test suite on Node (20+), which cannot run TypeScript: compiles mod.ts, lib/,
// workers/ and the test files to JavaScript beside copies of the sources in dist/node-test/
// (the sources stay there for the Deno and Bun peers some tests start), then runs the test
// files with node:test, two at a time, and prints "node: N passed, N failed".
//
// Usage: node tests/node/run.mjs [test file or folder under tests/ ...]
// Which files run, and why some do not, is the SUITE and LEFT_OUT lists below.
//
// Runs on: Node's main thread (a development and CI tool).
import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import { emitJs } from "../../bench/_tsc_emit.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const out = join(root, "dist", "node-test");

/** The folders of tests/ Node runs. */
const SUITE = [
  "api",
  "core",
  "interop",
  "io",
  "pipe",
  "process",
  "protocols",
  "security",
  "session",
  "spec",
  "transports",
  "upstream",
  "wire",
  "xs",
  "layers_test.ts",
  "options_test.ts",
];
/**
 * Left out, with the reason:
 * - runtime/: checks the Deno and Bun adapters and how a web Worker starts, which Node does not
 *   use; Node's adapter (`node:net`) is checked by runtime_contract_test.ts on Deno and Bun,
 *   and the Node start path by tests/package/ (installed package, bundles) and this whole run.
 * - package/, examples/: they start Node, Bun and Deno processes themselves from Deno's suite.
 * - node/: this runner.
 */
const LEFT_OUT = ["runtime", "package", "examples", "node"];

function walk(p) {
  return statSync(p).isDirectory() ? readdirSync(p).flatMap((n) => walk(join(p, n))) : [p];
}

const args = process.argv.slice(2);
const picked = (args.length ? args.map((a) => a.replace(/^tests\//, "")) : SUITE)
  .filter((a) => !LEFT_OUT.includes(a.split("/")[0]));
const tests = picked.flatMap((a) => walk(join(root, "tests", a)))
  .filter((f) => f.endsWith("_test.ts"));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const p of ["mod.ts", "xs.ts", "lib", "workers", "tests", "docs", "README.md", "deno.json"]) {
  cpSync(join(root, p), join(out, p), { recursive: true });
}
// The compiled tree depends on what the sources do (the cryptography of CURVE).
const { dependencies } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
writeFileSync(
  join(out, "package.json"),
  JSON.stringify({ type: "module", private: true, dependencies }),
);
// Tests start Deno and Bun peers from node_modules/.bin under the tree's root.
symlinkSync(join(root, "node_modules"), join(out, "node_modules"));
// Scripts that tests start as processes (imported by nobody, so named here).
const SCRIPTS = [
  "tests/process/_peer.ts",
  "tests/process/_parts_sender.ts",
  "tests/process/_steer_peer.ts",
  "tests/process/_signal_child.ts",
  "tests/upstream/_actor_worker.ts",
];
const t0 = Date.now();
emitJs({
  root,
  outDir: out,
  files: [
    "mod.ts",
    "xs.ts",
    "workers/io_worker.ts",
    ...SCRIPTS,
    ...tests.map((t) => relative(root, t)),
  ],
});
console.log(`compiled ${tests.length} test files in ${Date.now() - t0} ms`);

let passed = 0, failed = 0;
const stream = run({
  files: tests.map((t) => join(out, relative(root, t)).replace(/\.ts$/, ".js")),
  concurrency: 2,
  timeout: 600_000,
});
stream.on("test:pass", (e) => {
  if (e.nesting === 0 && !e.skip) passed++;
});
stream.on("test:fail", (e) => {
  if (e.nesting === 0) failed++;
});
stream.compose(spec).pipe(process.stdout);
stream.on("end", () => {
  console.log(`node: ${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
});
