/**
 * Port of upstream `tests/reconnect.cpp` (docs/upstream-tests.md §3.12): a PUSH connects
 * before anyone listens, queues "ABC" at once, keeps retrying, and delivers it after the
 * PULL binds — over tcp and ipc (§4.2), on both faces. The upstream 1 s pause before the
 * bind (P) is kept at ≥ 3 × the default XS_RECONNECT_IVL (§4.4): 500 ms here.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, delay, removeDir, tempDir, test } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { reservePort, retry, sleepSync } from "./_testutil.ts";

const PAUSE = 500;

async function unboundEndpoint(
  scheme: "tcp" | "ipc",
): Promise<{ ep: string; cleanup: () => void }> {
  if (scheme === "tcp") return { ep: `tcp://127.0.0.1:${await reservePort()}`, cleanup: () => {} };
  const dir = tempDir();
  return { ep: `ipc://${dir}/tester`, cleanup: () => removeDir(dir) };
}

for (const scheme of ["tcp", "ipc"] as const) {
  test(`reconnect: PUSH queues before the PULL binds over ${scheme} on the C face`, async () => {
    const { ep, cleanup } = await unboundEndpoint(scheme);
    const ctx = xs.xs_init();
    try {
      const push = xs.xs_socket(ctx, xs.XS_PUSH)!;
      assert.ok(push);
      const pull = xs.xs_socket(ctx, xs.XS_PULL)!;
      assert.ok(pull);
      assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, 5000), 0);
      assert.notEqual(xs.xs_connect(push, ep), -1);
      assert.equal(xs.xs_send(push, new TextEncoder().encode("ABC"), 3, 0), 3);
      sleepSync(PAUSE);
      // The reserved port may still be in TIME_WAIT for a moment on some systems.
      let rc = -1;
      for (let i = 0; i < 100 && rc === -1; i++) {
        rc = xs.xs_bind(pull, ep);
        if (rc === -1) sleepSync(20);
      }
      assert.notEqual(rc, -1, `bind: ${xs.xs_strerror(xs.xs_errno())}`);
      const buf = new Uint8Array(3);
      assert.equal(xs.xs_recv(pull, buf, 3, 0), 3);
      assert.equal(new TextDecoder().decode(buf), "ABC");
      assert.equal(xs.xs_close(push), 0);
      assert.equal(xs.xs_close(pull), 0);
    } finally {
      assert.equal(xs.xs_term(ctx), 0);
      cleanup();
    }
  }, { timeout: 15_000 });

  test(
    `reconnect: PUSH queues before the PULL binds over ${scheme} on the async face`,
    async () => {
      const { ep, cleanup } = await unboundEndpoint(scheme);
      const ctx = new Context();
      const push = ctx.socket("PUSH"), pull = ctx.socket("PULL");
      try {
        assert.ok((await push.connect(ep)) > 0);
        await push.send("ABC", { timeout: 0 }); // must not wait
        await delay(PAUSE);
        await retry(() => pull.bind(ep));
        assert.deepEqual(await pull.receive({ timeout: 5000 }), [new TextEncoder().encode("ABC")]);
      } finally {
        push.close();
        pull.close();
        await ctx.term();
        cleanup();
      }
    },
    { timeout: 15_000 },
  );
}

test(
  "reconnect (addition, §4.2): an inproc connect before the bind waits for it and delivers",
  async () => {
    const ctx = new Context();
    const push = ctx.socket("PUSH"), pull = ctx.socket("PULL");
    try {
      const ep = `inproc://reconnect-${Math.random().toString(36).slice(2)}`;
      assert.equal(await push.connect(ep), 0);
      await push.send("ABC", { timeout: 0 });
      await pull.bind(ep);
      assert.deepEqual(await pull.receive({ timeout: 5000 }), [new TextEncoder().encode("ABC")]);
    } finally {
      push.close();
      pull.close();
      await ctx.term();
    }
  },
  { timeout: 10_000 },
);
