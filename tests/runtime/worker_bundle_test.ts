/**
 * The I/O worker started from its bundled source (the path taken when the package is
 * installed from JSR or npm, docs/runtime.md trap 7), and the bundle's freshness.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, runCommand, runtime, test } from "../_harness.ts";
import { ContextCore } from "../../lib/core/context.ts";
import { WORKER_SOURCE } from "../../lib/runtime/_worker_bundle.ts";

test("a context whose worker starts from the bundled source moves messages over tcp", () => {
  const ctx = new ContextCore({ workerSource: "bundle" });
  const pull = ctx.socket(7), push = ctx.socket(8);
  if (typeof pull === "number" || typeof push === "number") throw new Error("socket failed");
  try {
    assert.ok(pull.bind("tcp://127.0.0.1:*") > 0);
    assert.ok(push.connect(pull.lastEndpoint) > 0);
    pull.options.rcvtimeo = 5000;
    assert.equal(push.send([new TextEncoder().encode("via blob")], 0), 0);
    const m = pull.recv(0);
    assert.ok(m, "message arrived");
    assert.equal(new TextDecoder().decode(m[0]), "via blob");
  } finally {
    push.close();
    pull.close();
    assert.equal(ctx.termSync(), 0);
  }
});

test("the embedded worker bundle matches workers/io_worker.ts (regenerate: bun bench/_bundle_worker.ts)", async () => {
  if (runtime !== "bun") {
    // Bundling needs Bun's bundler; run it through the bun binary installed beside us.
    const bun = new URL("../../node_modules/.bin/bun", import.meta.url).pathname;
    const probe =
      `import { bundleWorkerSource } from "./bench/_report.ts"; process.stdout.write(await bundleWorkerSource());`;
    const r = await runCommand(bun, ["-e", probe], {
      cwd: new URL("../../", import.meta.url).pathname,
      timeout: 60_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout === WORKER_SOURCE, "lib/runtime/_worker_bundle.ts is stale");
    return;
  }
  const { bundleWorkerSource } = await import("../../bench/_report.ts");
  assert.ok(
    (await bundleWorkerSource()) === WORKER_SOURCE,
    "lib/runtime/_worker_bundle.ts is stale",
  );
});
