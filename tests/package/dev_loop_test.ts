/**
 * The developer's loop in a checkout: `deno task bench` in a fresh clone with no
 * node_modules (it failed on `npm:@types/node`, and took ~58 s re-checking the worker at
 * every context), `deno task fmt` / `deno task lint` after the README's `npm install` (the task
 * runner ran node_modules/.bin/deno as a script), `bench/compare/push_pull.ts --help`, and the
 * JSR package's dry run.
 *
 * Runs on: the test runner's main thread, Deno's suite only (each case runs Deno itself).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, removeDir, runCommand, runtime, tempDir, test } from "../_harness.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DENO = join(ROOT, "node_modules/.bin/deno");
const SKIP = runtime === "deno" ? false : "runs Deno itself; the Deno suite runs it once";

test("deno task bench runs in a fresh clone without node_modules", async () => {
  const dir = tempDir();
  try {
    const clone = join(dir, "clone");
    const c = await runCommand("git", ["clone", "-q", "--no-hardlinks", ROOT, clone]);
    assert.equal(c.code, 0, c.stderr);
    assert.ok(!existsSync(join(clone, "node_modules")), "a fresh clone has no node_modules");
    // The clone's tasks fall back to the `deno` on the PATH: this one, by absolute path.
    const r = await runCommand(DENO, ["task", "bench", "bench/ring_bench.ts"], {
      cwd: clone,
      timeout: 120_000,
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /ring/);
    assert.doesNotMatch(
      r.stderr,
      /Check .*io_worker/,
      "the worker is not type-checked per context",
    );
  } finally {
    removeDir(dir);
  }
}, { timeout: 150_000, skip: SKIP });

test("deno task fmt and lint work with the Deno that npm install put in node_modules", async () => {
  for (const task of ["fmt", "lint"]) {
    const r = await runCommand(DENO, ["task", task], { cwd: ROOT, timeout: 120_000 });
    assert.equal(r.code, 0, `deno task ${task}: ${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /SyntaxError/);
  }
}, { timeout: 150_000, skip: SKIP });

test(
  "bench/compare/push_pull.ts --help prints its options; a misspelt one is refused",
  async () => {
    const script = join(ROOT, "bench/compare/push_pull.ts");
    const help = await runCommand(DENO, ["run", "-A", "--no-check", script, "--help"], {
      cwd: ROOT,
    });
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /--sizes=/);
    const bad = await runCommand(DENO, ["run", "-A", "--no-check", script, "--sizez=1"], {
      cwd: ROOT,
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown option: --sizez/);
  },
  { timeout: 60_000, skip: SKIP },
);

test(
  "the JSR package passes deno publish --dry-run (no slow types, LICENSE included)",
  async () => {
    const r = await runCommand(DENO, ["publish", "--dry-run", "--allow-dirty"], {
      cwd: ROOT,
      timeout: 120_000,
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const listed = r.stdout + r.stderr;
    for (const f of ["mod.ts", "xs.ts", "workers/io_worker.ts", "LICENSE", "CHANGELOG.md"]) {
      assert.ok(listed.includes(f), `the package has ${f}`);
    }
  },
  { timeout: 150_000, skip: SKIP },
);
