/**
 * Port of upstream `tests/timeo.cpp` (docs/upstream-tests.md §3.15): a DONTWAIT receive on
 * an empty socket fails with EAGAIN at once; XS_RCVTIMEO 500 and 2000 expire on time —
 * time_assert: (450, 1000) and (1950, 2500) ms (B) — even when a peer connects (≈1000 ms)
 * and leaves (≈2000 ms) during the 2000 ms wait; a normal transfer still works.
 *
 * Faces (§4.1): the async face runs the whole scenario with `setTimeout` actors in the
 * same context over inproc (upstream), ipc and tcp. The C face blocks the main thread in
 * `xs_recv`, so its actor is a Worker with its own context that connects over tcp or ipc
 * (an inproc name cannot be reached from another context); steps 1, 2 and 4 run on the
 * C face over inproc as upstream does.
 *
 * Runs on: the test runner's main thread (and the actor Worker).
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { CONTENT, startActor, timeAssert } from "./_testutil.ts";

const isEagain = (e: unknown) => e instanceof XsError && e.code === "EAGAIN";

test(
  "timeo: DONTWAIT gives EAGAIN, RCVTIMEO 500 expires on time, a transfer still works (C face, inproc)",
  () => {
    const ctx = xs.xs_init();
    const sb = xs.xs_socket(ctx, xs.XS_PULL)!;
    assert.ok(sb);
    const ep = scratchEndpoint("inproc");
    assert.notEqual(xs.xs_bind(sb, ep), -1);
    const buf = CONTENT.slice();
    assert.equal(xs.xs_recv(sb, buf, 32, xs.XS_DONTWAIT), -1);
    assert.equal(xs.xs_errno(), xs.EAGAIN);
    assert.equal(xs.xs_setsockopt(sb, xs.XS_RCVTIMEO, new Int32Array([500]), 4), 0);
    const w = xs.xs_stopwatch_start();
    assert.equal(xs.xs_recv(sb, buf, 32, 0), -1);
    assert.equal(xs.xs_errno(), xs.EAGAIN);
    timeAssert(Math.trunc(xs.xs_stopwatch_stop(w) / 1000), 500);
    // Step 4 (upstream sets both timeouts on the receiving PULL).
    const sc = xs.xs_socket(ctx, xs.XS_PUSH)!;
    assert.ok(sc);
    assert.equal(xs.xs_setsockopt(sb, xs.XS_RCVTIMEO, new Int32Array([2000]), 4), 0);
    assert.equal(xs.xs_setsockopt(sb, xs.XS_SNDTIMEO, new Int32Array([2000]), 4), 0);
    assert.notEqual(xs.xs_connect(sc, ep), -1);
    assert.equal(xs.xs_send(sc, buf, 32, 0), 32);
    assert.equal(xs.xs_recv(sb, buf, 32, 0), 32);
    assert.deepEqual(buf, CONTENT);
    assert.equal(xs.xs_close(sc), 0);
    assert.equal(xs.xs_close(sb), 0);
    assert.equal(xs.xs_term(ctx), 0);
  },
  { timeout: 10_000 },
);

for (const scheme of ["tcp", "ipc"] as const) {
  test(
    `timeo: RCVTIMEO 2000 expires on time while a peer connects and leaves mid-wait (C face, Worker actor over ${scheme})`,
    async () => {
      const ctx = xs.xs_init();
      const sb = xs.xs_socket(ctx, xs.XS_PULL)!;
      assert.ok(sb);
      assert.notEqual(xs.xs_bind(sb, scratchEndpoint(scheme)), -1);
      assert.equal(xs.xs_setsockopt(sb, xs.XS_RCVTIMEO, new Int32Array([2000]), 4), 0);
      const actor = await startActor(xs.xs_last_endpoint(sb)!, 1000, 1000);
      try {
        const buf = new Uint8Array(32);
        const w = xs.xs_stopwatch_start();
        assert.equal(xs.xs_recv(sb, buf, 32, 0), -1);
        assert.equal(xs.xs_errno(), xs.EAGAIN);
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
    `timeo: the whole scenario on the async face over ${scheme} with setTimeout actors`,
    async () => {
      const ctx = new Context();
      const sb = ctx.socket("PULL");
      const timers: ReturnType<typeof setTimeout>[] = [];
      let helper: ReturnType<Context["socket"]> | null = null;
      try {
        await sb.bind(scratchEndpoint(scheme));
        const ep = sb.lastEndpoint;
        // 1. Non-blocking receive.
        const t1 = performance.now();
        assert.equal(sb.tryReceive(), null);
        await assert.rejects(sb.receive({ timeout: 0 }), isEagain);
        assert.ok(performance.now() - t1 < 50);
        // 2. rcvtimeo 500.
        sb.rcvtimeo = 500;
        let t0 = performance.now();
        await assert.rejects(sb.receive(), isEagain);
        timeAssert(Math.trunc(performance.now() - t0), 500);
        // 3. rcvtimeo 2000 with a peer connecting at 1000 ms and leaving at 2000 ms.
        sb.rcvtimeo = 2000;
        timers.push(setTimeout(() => {
          helper = ctx.socket("PUSH", { linger: 0 });
          void helper.connect(ep);
        }, 1000));
        timers.push(setTimeout(() => helper?.close(), 2000));
        t0 = performance.now();
        await assert.rejects(sb.receive(), isEagain);
        timeAssert(Math.trunc(performance.now() - t0), 2000);
        // 4. A transfer still works.
        using sc = ctx.socket("PUSH");
        sb.rcvtimeo = 2000;
        sb.sndtimeo = 2000;
        await sc.connect(ep);
        await sc.send(CONTENT);
        assert.deepEqual(await sb.receive(), [CONTENT]);
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
