/**
 * Dev-loop reloads (issue: `bun --hot` gave "Address already in use" on every reload): a
 * program that binds a fixed port keeps working when its file changes, under `bun --hot`
 * (the module re-runs in the living process: `Context.hot` terminates the earlier run's
 * context) and under `deno run --watch` (the process restarts). Each is a separate process
 * whose source this test rewrites; and `Context.hot` is checked in this process too.
 *
 * Runs on: the test runner's main thread (the reloaded programs in their own processes).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Context } from "../../mod.ts";
import { assert, removeDir, reservePort, runtime, spawnLines, tempDir, test } from "../_harness.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MOD = join(ROOT, "mod.ts");

test("Context.hot terminates the context an earlier run made under its key", async () => {
  const port = await reservePort();
  const a = await Context.hot("reload-test");
  const ra = a.socket("REP");
  await ra.bind(`tcp://127.0.0.1:${port}`);
  const pa = a.socket("PUSH", { linger: -1 });
  await pa.connect("tcp://127.0.0.1:9"); // nobody there: its message would linger for ever
  await pa.send("queued");
  // The "reload": the same key again. The old context goes (its queue dropped), the port
  // is free for the new one.
  const b = await Context.hot("reload-test");
  assert.notEqual(a, b);
  await assert.rejects(
    ra.receive({ timeout: 0 }),
    (e: Error) => /ETERM|terminated/.test(e.message),
  );
  const rb = b.socket("REP");
  assert.equal(await rb.bind(`tcp://127.0.0.1:${port}`), 1);
  rb.close();
  await b.term();
});

/** The program each reload runs: binds `port`, says which generation it is. */
function program(port: number, generation: number, hot: boolean): string {
  return `import { Context } from ${JSON.stringify(MOD)};
const ctx = ${hot ? `await Context.hot("app")` : "new Context()"};
const rep = ctx.socket("REP");
try {
  await rep.bind("tcp://127.0.0.1:${port}");
  console.log(JSON.stringify({ generation: ${generation}, bound: true }));
} catch (e) {
  console.log(JSON.stringify({ generation: ${generation}, error: String(e) }));
}
`;
}

for (const [name, hot] of [["bun --hot", true], ["deno run --watch", false]] as const) {
  test(`${name}: a program bound to a fixed port binds again after each edit`, async () => {
    const dir = tempDir();
    const file = join(dir, "app.ts");
    const port = await reservePort();
    writeFileSync(file, program(port, 1, hot));
    const bin = join(ROOT, "node_modules/.bin", hot ? "bun" : "deno");
    const args = hot ? ["--hot", file] : ["run", "--watch", "-A", "--no-check", file];
    const child = spawnLines(bin, args, { cwd: dir });
    try {
      for (let generation = 1; generation <= 3; generation++) {
        if (generation > 1) writeFileSync(file, program(port, generation, hot));
        let line = await child.next(20_000);
        // A watcher may run the old text once more before the new one: skip to ours.
        while (line.generation < generation) line = await child.next(20_000);
        assert.deepEqual(line, { generation, bound: true }, JSON.stringify(line));
      }
    } finally {
      await child.kill("SIGKILL");
      await child.close();
      removeDir(dir);
    }
  }, {
    timeout: 90_000,
    skip: runtime === "node" ? "spawns Bun and Deno itself; run from their suites" : false,
  });
}
