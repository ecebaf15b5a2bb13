/**
 * Port of upstream `tests/hwm.cpp` (docs/upstream-tests.md §3.7). Part A: an inproc
 * connection holds exactly connector SNDHWM + binder RCVHWM messages (2 + 2 = 4), the
 * 5th–10th non-blocking sends fail with EAGAIN, and room comes back after the receives.
 * Part B: with SNDHWM 5, ten alternating non-blocking sends and receives never fail,
 * the first sent before the connection exists (upstream: tcp; §4.2: tcp, ipc, inproc).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";

test("hwm part A: inproc capacity is SNDHWM + RCVHWM = 4 on the C face", () => {
  const ctx = xs.xs_init();
  const sb = xs.xs_socket(ctx, xs.XS_PULL)!;
  assert.ok(sb);
  assert.equal(xs.xs_setsockopt(sb, xs.XS_RCVHWM, new Int32Array([2]), 4), 0);
  assert.equal(xs.xs_setsockopt(sb, xs.XS_RCVTIMEO, 5000), 0);
  const ep = scratchEndpoint("inproc");
  assert.notEqual(xs.xs_bind(sb, ep), -1);
  const sc = xs.xs_socket(ctx, xs.XS_PUSH)!;
  assert.ok(sc);
  assert.equal(xs.xs_setsockopt(sc, xs.XS_SNDHWM, new Int32Array([2]), 4), 0);
  assert.equal(xs.xs_setsockopt(sc, xs.XS_SNDTIMEO, 5000), 0);
  assert.notEqual(xs.xs_connect(sc, ep), -1);
  for (let i = 0; i < 10; i++) {
    const rc = xs.xs_send(sc, null, 0, xs.XS_DONTWAIT);
    if (i < 4) assert.equal(rc, 0, `send ${i}`);
    else {
      assert.ok(rc < 0, `send ${i} must fail`);
      assert.equal(xs.xs_errno(), xs.EAGAIN);
    }
  }
  for (let i = 0; i < 4; i++) assert.equal(xs.xs_recv(sb, null, 0, 0), 0);
  assert.equal(xs.xs_send(sc, null, 0, 0), 0);
  assert.equal(xs.xs_recv(sb, null, 0, 0), 0);
  assert.equal(xs.xs_close(sc), 0);
  assert.equal(xs.xs_close(sb), 0);
  assert.equal(xs.xs_term(ctx), 0);
}, { timeout: 15_000 });

test("hwm part A: inproc capacity is SNDHWM + RCVHWM = 4 on the async face", async () => {
  const ctx = new Context();
  const sb = ctx.socket("PULL", { rcvhwm: 2 });
  const ep = scratchEndpoint("inproc");
  await sb.bind(ep);
  const sc = ctx.socket("PUSH", { sndhwm: 2 });
  await sc.connect(ep);
  try {
    const results = [];
    for (let i = 0; i < 10; i++) results.push(sc.trySend(new Uint8Array(0)));
    assert.deepEqual(results, [true, true, true, true, false, false, false, false, false, false]);
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await sb.receive({ timeout: 5000 }), [new Uint8Array(0)]);
    }
    await sc.send(new Uint8Array(0), { timeout: 5000 });
    assert.deepEqual(await sb.receive({ timeout: 5000 }), [new Uint8Array(0)]);
  } finally {
    sc.close();
    sb.close();
    await ctx.term();
  }
}, { timeout: 15_000 });

for (const scheme of TRANSPORTS) {
  test(
    `hwm part B: SNDHWM 5, ten DONTWAIT send/recv rounds never fail over ${scheme} on the C face`,
    () => {
      const ctx = xs.xs_init();
      const s1 = xs.xs_socket(ctx, xs.XS_PULL)!;
      assert.ok(s1);
      assert.equal(xs.xs_setsockopt(s1, xs.XS_RCVTIMEO, 5000), 0);
      const s2 = xs.xs_socket(ctx, xs.XS_PUSH)!;
      assert.ok(s2);
      assert.equal(xs.xs_setsockopt(s2, xs.XS_SNDHWM, new Int32Array([5]), 4), 0);
      assert.ok(xs.xs_bind(s1, scratchEndpoint(scheme)) >= 0);
      assert.ok(xs.xs_connect(s2, xs.xs_last_endpoint(s1)!) >= 0);
      const test = new TextEncoder().encode("test"), buf = new Uint8Array(4);
      for (let i = 0; i < 10; i++) {
        assert.equal(
          xs.xs_send(s2, test, 4, xs.XS_DONTWAIT),
          4,
          `send ${i}: errno ${xs.xs_errno()}`,
        );
        assert.equal(xs.xs_recv(s1, buf, 4, 0), 4, `recv ${i}: errno ${xs.xs_errno()}`);
        assert.deepEqual(buf, test);
      }
      assert.equal(xs.xs_close(s2), 0);
      assert.equal(xs.xs_close(s1), 0);
      assert.equal(xs.xs_term(ctx), 0);
    },
    { timeout: 15_000 },
  );

  test(
    `hwm part B: SNDHWM 5, ten trySend/receive rounds never fail over ${scheme} on the async face`,
    async () => {
      const ctx = new Context();
      const s1 = ctx.socket("PULL"), s2 = ctx.socket("PUSH", { sndhwm: 5 });
      try {
        await s1.bind(scratchEndpoint(scheme));
        await s2.connect(s1.lastEndpoint);
        for (let i = 0; i < 10; i++) {
          assert.equal(s2.trySend("test"), true, `send ${i}`);
          assert.equal(new TextDecoder().decode((await s1.receive({ timeout: 5000 }))[0]), "test");
        }
      } finally {
        s2.close();
        s1.close();
        await ctx.term();
      }
    },
    { timeout: 15_000 },
  );
}
