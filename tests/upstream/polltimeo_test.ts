/**
 * Port of upstream `tests/polltimeo.cpp` (docs/upstream-tests.md §3.18): `xs_poll` on one
 * idle socket with timeout 500 and 2000 returns 0 on time — time_assert (B) — also when
 * a peer connects (≈1000 ms) and leaves (≈2000 ms) during the 2000 ms wait.
 *
 * C face: step 1 over inproc as upstream; step 2 blocks the main thread in `xs_poll`,
 * so the helper is a Worker with its own context connecting over tcp or ipc (§4.1).
 * The idiomatic face's `poll` (lib/api/poll.ts) runs both steps with a `setTimeout` actor
 * in the same context over inproc, ipc and tcp.
 *
 * Runs on: the test runner's main thread (and the actor Worker).
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context, poll, XS_POLLIN } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { startActor, timeAssert } from "./_testutil.ts";

test("polltimeo: xs_poll with timeout 500 returns 0 on time (C face, inproc)", () => {
  const ctx = xs.xs_init();
  const sb = xs.xs_socket(ctx, xs.XS_PULL)!;
  assert.ok(sb);
  assert.notEqual(xs.xs_bind(sb, scratchEndpoint("inproc")), -1);
  const items = [{ socket: sb, fd: 0, events: xs.XS_POLLIN, revents: 0 }];
  const w = xs.xs_stopwatch_start();
  assert.equal(xs.xs_poll(items, 1, 500), 0);
  timeAssert(Math.trunc(xs.xs_stopwatch_stop(w) / 1000), 500);
  assert.equal(xs.xs_close(sb), 0);
  assert.equal(xs.xs_term(ctx), 0);
}, { timeout: 10_000 });

for (const scheme of ["tcp", "ipc"] as const) {
  test(
    `polltimeo: xs_poll 2000 returns 0 on time while a peer connects and leaves mid-wait (C face, Worker actor over ${scheme})`,
    async () => {
      const ctx = xs.xs_init();
      const sb = xs.xs_socket(ctx, xs.XS_PULL)!;
      assert.ok(sb);
      assert.notEqual(xs.xs_bind(sb, scratchEndpoint(scheme)), -1);
      const items = [{ socket: sb, fd: 0, events: xs.XS_POLLIN, revents: 0 }];
      const actor = await startActor(xs.xs_last_endpoint(sb)!, 1000, 1000);
      try {
        const w = xs.xs_stopwatch_start();
        assert.equal(xs.xs_poll(items, 1, 2000), 0);
        timeAssert(Math.trunc(xs.xs_stopwatch_stop(w) / 1000), 2000);
        assert.equal(await actor.done, "ok");
      } finally {
        actor.stop();
        assert.equal(xs.xs_close(sb), 0);
        assert.equal(xs.xs_term(ctx), 0);
      }
    },
    { timeout: 40_000 },
  );
}

for (const scheme of TRANSPORTS) {
  test(
    `polltimeo: poll() 500 and 2000 with a peer coming and going mid-wait over ${scheme} (async face)`,
    async () => {
      const ctx = new Context();
      const sb = ctx.socket("PULL");
      const timers: ReturnType<typeof setTimeout>[] = [];
      let helper: ReturnType<Context["socket"]> | null = null;
      try {
        await sb.bind(scratchEndpoint(scheme));
        const items = [{ socket: sb, events: XS_POLLIN }];
        let t0 = performance.now();
        assert.deepEqual(await poll(items, 500), [0]);
        timeAssert(Math.trunc(performance.now() - t0), 500);
        timers.push(setTimeout(() => {
          helper = ctx.socket("PUSH", { linger: 0 });
          void helper.connect(sb.lastEndpoint);
        }, 1000));
        timers.push(setTimeout(() => helper?.close(), 2000));
        t0 = performance.now();
        assert.deepEqual(await poll(items, 2000), [0]);
        timeAssert(Math.trunc(performance.now() - t0), 2000);
      } finally {
        for (const t of timers) clearTimeout(t);
        (helper as ReturnType<Context["socket"]> | null)?.close();
        sb.close();
        await ctx.term();
      }
    },
    { timeout: 40_000 },
  );
}
