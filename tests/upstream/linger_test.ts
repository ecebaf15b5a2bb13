/**
 * Port of upstream `tests/linger.cpp` (docs/upstream-tests.md §3.13): with XS_LINGER 100
 * and one undeliverable message, terminating the context takes about 100 ms:
 * time_assert(t, 100), i.e. 50 < t < 600 (B). Upstream: tcp; §4.2: tcp and ipc; both
 * faces.
 *
 * Upstream's I/O thread exists from the first socket on; ours starts with the first
 * tcp/ipc endpoint and under `deno test` on a cold cache it is type-checked as it
 * starts (> 500 ms). So before the clock runs, a throw-away bind in the same context
 * makes sure the worker is up (a bind waits for the worker's answer).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, removeDir, tempDir, test } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { reservePort, timeAssert } from "./_testutil.ts";

async function unboundEndpoint(
  scheme: "tcp" | "ipc",
): Promise<{ ep: string; cleanup: () => void }> {
  if (scheme === "tcp") return { ep: `tcp://127.0.0.1:${await reservePort()}`, cleanup: () => {} };
  const dir = tempDir();
  return { ep: `ipc://${dir}/nobody`, cleanup: () => removeDir(dir) };
}

for (const scheme of ["tcp", "ipc"] as const) {
  test(
    `linger: term with LINGER 100 and an undeliverable message takes ~100 ms over ${scheme} (C face)`,
    async () => {
      const { ep, cleanup } = await unboundEndpoint(scheme);
      try {
        const ctx = xs.xs_init();
        const warm = xs.xs_socket(ctx, xs.XS_PULL)!;
        assert.ok(xs.xs_bind(warm, scheme === "tcp" ? "tcp://127.0.0.1:*" : `${ep}-warm`) >= 0);
        assert.equal(xs.xs_close(warm), 0);
        const s = xs.xs_socket(ctx, xs.XS_PUSH)!;
        assert.ok(s);
        assert.equal(xs.xs_setsockopt(s, xs.XS_LINGER, new Int32Array([100]), 4), 0);
        assert.notEqual(xs.xs_connect(s, ep), -1);
        assert.equal(xs.xs_send(s, new TextEncoder().encode("r"), 1, 0), 1);
        assert.equal(xs.xs_close(s), 0);
        const w = xs.xs_stopwatch_start();
        assert.equal(xs.xs_term(ctx), 0);
        timeAssert(Math.trunc(xs.xs_stopwatch_stop(w) / 1000), 100);
      } finally {
        cleanup();
      }
    },
    { timeout: 15_000 },
  );

  test(
    `linger: term with linger 100 and an undeliverable message takes ~100 ms over ${scheme} (async face)`,
    async () => {
      const { ep, cleanup } = await unboundEndpoint(scheme);
      try {
        const ctx = new Context();
        const warm = ctx.socket("PULL");
        await warm.bind(scheme === "tcp" ? "tcp://127.0.0.1:*" : `${ep}-warm`);
        warm.close();
        const s = ctx.socket("PUSH", { linger: 100 });
        await s.connect(ep);
        await s.send("r", { timeout: 0 });
        s.close();
        const t0 = performance.now();
        await ctx.term();
        timeAssert(Math.trunc(performance.now() - t0), 100);
      } finally {
        cleanup();
      }
    },
    { timeout: 15_000 },
  );
}
