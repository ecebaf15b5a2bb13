/**
 * The shared body of the upstream pair_* and reqrep_* ports (docs/upstream-tests.md §3.1–3.6):
 * those six upstream files differ only in their transport, so each port file calls these
 * with its own scheme.
 *
 * - `bounceTests`: sb bound, sc connected, `bounce` (§2) on the C face and the idiomatic face.
 * - `thirdPairTest`: upstream pair_tcp's extra step, which §4.2 extends to every transport:
 *   a third PAIR connecting to the paired bound one sees no error and reaches nobody,
 *   while the first pair keeps working.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, delay, scratchEndpoint, test } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { bounce, bounceC } from "./_testutil.ts";

type Scheme = "inproc" | "ipc" | "tcp";

/** Registers the bounce of `upstream` (e.g. "pair_ipc") between a bound and a connected socket. */
export function bounceTests(
  upstream: string,
  scheme: Scheme,
  types: { bound: "PAIR" | "REP"; connecting: "PAIR" | "REQ" },
): void {
  const label = types.bound === "PAIR" ? "PAIR" : "REQ/REP";
  test(`${upstream}: ${label} bounce over ${scheme} on the C face`, () => {
    // Given: sb bound, sc connected to it (both with a 5 s receive bound: upstream hangs).
    const ctx = xs.xs_init();
    assert.ok(ctx);
    const sb = xs.xs_socket(ctx, xs[`XS_${types.bound}`])!;
    assert.ok(sb);
    assert.equal(xs.xs_setsockopt(sb, xs.XS_RCVTIMEO, 5000), 0);
    assert.notEqual(xs.xs_bind(sb, scratchEndpoint(scheme)), -1);
    const sc = xs.xs_socket(ctx, xs[`XS_${types.connecting}`])!;
    assert.ok(sc);
    assert.equal(xs.xs_setsockopt(sc, xs.XS_RCVTIMEO, 5000), 0);
    assert.notEqual(xs.xs_connect(sc, xs.xs_last_endpoint(sb)!), -1);
    // When/then: bounce's assertions.
    bounceC(sb, sc);
    assert.equal(xs.xs_close(sc), 0);
    assert.equal(xs.xs_close(sb), 0);
    assert.equal(xs.xs_term(ctx), 0);
  }, { timeout: 15_000 });

  test(`${upstream}: ${label} bounce over ${scheme} on the idiomatic face`, async () => {
    await using ctx = new Context();
    using sb = ctx.socket(types.bound), sc = ctx.socket(types.connecting);
    await sb.bind(scratchEndpoint(scheme));
    await sc.connect(sb.lastEndpoint);
    await bounce(sb, sc);
  }, { timeout: 15_000 });
}

/** Registers pair_tcp's third-PAIR step for `scheme`. */
export function thirdPairTest(upstream: string, scheme: Scheme): void {
  test(
    `${upstream}: a third PAIR connecting to a paired PAIR over ${scheme} sees no error and reaches nobody`,
    async () => {
      const ctx = new Context();
      const sb = ctx.socket("PAIR", { linger: 0 }), sc = ctx.socket("PAIR", { linger: 0 });
      const sc2 = ctx.socket("PAIR", { linger: 0 });
      try {
        await sb.bind(scratchEndpoint(scheme));
        await sc.connect(sb.lastEndpoint);
        await bounce(sb, sc);
        assert.ok((await sc2.connect(sb.lastEndpoint)) >= 0);
        // Upstream sleeps 1 s here (P); §4.4 allows ≥ 300 ms for the refusal to happen.
        await delay(300);
        // A send on sc2 may queue locally (tcp/ipc) or fail with EAGAIN (inproc): either
        // way it must not reach sb.
        sc2.trySend("from the third PAIR");
        await delay(200);
        assert.equal(sb.tryReceive(), null);
        await bounce(sb, sc);
        assert.equal(sb.tryReceive(), null);
      } finally {
        sc2.close();
        sc.close();
        sb.close();
        await ctx.term();
      }
    },
    { timeout: 15_000 },
  );
}
