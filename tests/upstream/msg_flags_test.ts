/**
 * Port of upstream `tests/msg_flags.cpp` (docs/upstream-tests.md §3.11): the MORE flag of
 * each part XREP receives from XREQ, read with `xs_getmsgopt(XS_MORE)` — identity (more),
 * "A" (more), "B" (last). XREQ adds no delimiter, so there are exactly 3 parts. Upstream
 * runs over `inproc://a`; §4.2 extends it to inproc, ipc and tcp. The idiomatic variant
 * asserts `receive()` returns exactly `[id (5 bytes), "A", "B"]`.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder();

for (const scheme of TRANSPORTS) {
  test(`msg_flags: XREP sees identity, "A", "B" with MORE 1, 1, 0 over ${scheme} (C face)`, () => {
    // Given: sb = XREP bound, sc = XREQ connected to it.
    const ctx = xs.xs_init();
    assert.ok(ctx);
    const sb = xs.xs_socket(ctx, xs.XS_XREP)!;
    assert.ok(sb);
    assert.equal(xs.xs_setsockopt(sb, xs.XS_RCVTIMEO, 5000), 0);
    assert.notEqual(xs.xs_bind(sb, scratchEndpoint(scheme)), -1);
    const sc = xs.xs_socket(ctx, xs.XS_XREQ)!;
    assert.ok(sc);
    assert.notEqual(xs.xs_connect(sc, xs.xs_last_endpoint(sb)!), -1);

    // When: sc sends "A" (SNDMORE) and "B".
    assert.equal(xs.xs_send(sc, enc.encode("A"), 1, xs.XS_SNDMORE), 1);
    assert.equal(xs.xs_send(sc, enc.encode("B"), 1, 0), 1);

    // Then: one message object reused for three receives.
    const msg = new xs.xs_msg_t();
    assert.equal(xs.xs_msg_init(msg), 0);
    const more = new Int32Array(1), size = { value: 4 };
    const moreOf = () => {
      size.value = 4;
      assert.equal(xs.xs_getmsgopt(msg, xs.XS_MORE, more, size), 0);
      return more[0];
    };
    assert.ok(xs.xs_recvmsg(sb, msg, 0) >= 0);
    assert.equal(moreOf(), 1);
    assert.equal(xs.xs_recvmsg(sb, msg, 0), 1);
    assert.equal(moreOf(), 1);
    assert.equal(xs.xs_recvmsg(sb, msg, 0), 1);
    assert.equal(moreOf(), 0);

    assert.equal(xs.xs_close(sc), 0);
    assert.equal(xs.xs_close(sb), 0);
    assert.equal(xs.xs_term(ctx), 0);
  }, { timeout: 15_000 });

  test(
    `msg_flags: XREP receives [5-byte id, "A", "B"] from XREQ over ${scheme} (idiomatic face)`,
    async () => {
      await using ctx = new Context();
      using sb = ctx.socket("XREP"), sc = ctx.socket("XREQ");
      await sb.bind(scratchEndpoint(scheme));
      await sc.connect(sb.lastEndpoint);
      await sc.send(["A", "B"]);
      const parts = await sb.receive({ timeout: 5000 });
      assert.equal(parts.length, 3);
      assert.equal(parts[0]!.length, 5);
      assert.equal(parts[0]![0], 0);
      assert.deepEqual(parts.slice(1), [enc.encode("A"), enc.encode("B")]);
    },
    { timeout: 15_000 },
  );
}
