/**
 * Port of upstream `tests/emptyctx.cpp` (docs/upstream-tests.md §3.17): a context made and
 * terminated at once, on both faces. Added for our runtimes (§4.1): a program that
 * uses a context (empty, and one with a tcp connection, which starts the I/O worker)
 * exits on its own within a few seconds after term — a Deno Worker left running would
 * keep the process alive.
 *
 * Runs on: the test runner's main thread (and child processes it starts).
 */
import { assert, removeDir, runCommand, runtime, tempDir, test } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

test("emptyctx: xs_init then xs_term at once succeeds", () => {
  const ctx = xs.xs_init();
  assert.ok(ctx);
  assert.equal(xs.xs_term(ctx), 0);
}, { timeout: 5_000 });

test("emptyctx: new Context then term at once succeeds", async () => {
  const ctx = new Context();
  await ctx.term();
}, { timeout: 5_000 });

// Node runs the suite compiled to JavaScript (tests/node/run.mjs), and only JavaScript.
const EXT = runtime === "node" ? ".js" : ".ts";
const MOD = fileURLToPath(new URL(`../../mod${EXT}`, import.meta.url));
const XS = fileURLToPath(new URL(`../../xs${EXT}`, import.meta.url));

const PROGRAMS: Record<string, string> = {
  "an empty context (async face)": `
    import { Context } from ${JSON.stringify(MOD)};
    const ctx = new Context();
    await ctx.term();
    console.log("terminated");`,
  "an empty context (C face)": `
    import * as xs from ${JSON.stringify(XS)};
    const ctx = xs.xs_init();
    if (xs.xs_term(ctx) !== 0) throw new Error("xs_term");
    console.log("terminated");`,
  "a context that used tcp (I/O worker started)": `
    import { Context } from ${JSON.stringify(MOD)};
    const ctx = new Context();
    const pull = ctx.socket("PULL"), push = ctx.socket("PUSH");
    await pull.bind("tcp://127.0.0.1:*");
    await push.connect(pull.lastEndpoint);
    await push.send("x");
    await pull.receive({ timeout: 5000 });
    push.close();
    pull.close();
    await ctx.term();
    console.log("terminated");`,
};

for (const [what, source] of Object.entries(PROGRAMS)) {
  test(`emptyctx (addition): a program with ${what} exits on its own after term`, async () => {
    const dir = tempDir();
    try {
      const file = join(dir, runtime === "node" ? "prog.mjs" : "prog.ts");
      writeFileSync(file, source);
      const exe = (globalThis as { process?: { execPath: string } }).process?.execPath ??
        (runtime === "deno" ? "deno" : "bun");
      const args = runtime === "deno" ? ["run", "-A", "--no-check", file] : [file];
      const t0 = performance.now();
      // runCommand kills the child after the limit; a killed child has no code 0.
      const r = await runCommand(exe, args, { timeout: 20_000 });
      const took = performance.now() - t0;
      assert.equal(r.code, 0, `exit ${r.code}; stderr: ${r.stderr}`);
      assert.equal(r.stdout.trim(), "terminated");
      // Start-up (compilation) included; the point is that it does not hang.
      assert.ok(took < 15_000, `took ${took.toFixed(0)} ms`);
    } finally {
      removeDir(dir);
    }
  }, { timeout: 30_000 });
}
