/**
 * Port of upstream `tests/sub_forward.cpp` (docs/upstream-tests.md §3.9): a hand-written
 * XPUB/XSUB forwarder passes a subscription upstream and data downstream. Upstream runs
 * over tcp (5560, 5561); §4.2 extends it to inproc, ipc and tcp. Upstream's `sleep(1)`
 * (class S: the subscription must reach the PUB before it publishes) becomes a retry
 * loop (§4.4): publish, forward with a short timeout, repeat up to a deadline.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";

/** How long the retry loops may take before the case fails. */
const DEADLINE_MS = 10_000;

for (const scheme of TRANSPORTS) {
  test(
    `sub_forward: an XPUB/XSUB forwarder carries subscription and data over ${scheme}`,
    async () => {
      // Given: xpub bound (upstream 5560), xsub bound (5561), pub connected to xsub, sub
      // connected to xpub, then sub subscribes to everything.
      await using ctx = new Context();
      using xpub = ctx.socket("XPUB"), xsub = ctx.socket("XSUB");
      using pub = ctx.socket("PUB"), sub = ctx.socket("SUB");
      await xpub.bind(scratchEndpoint(scheme));
      await xsub.bind(scratchEndpoint(scheme));
      await pub.connect(xsub.lastEndpoint);
      await sub.connect(xpub.lastEndpoint);
      sub.subscribe("");
      // 1. The subscription arrives at the XPUB as a message (00 01 00 01) and is copied
      // to the XSUB verbatim.
      const subscription = await xpub.receive({ timeout: 5000 });
      assert.deepEqual([...subscription[0]!], [0, 1, 0, 1]);
      await xsub.send(subscription);
      // 2-5. Publish an empty message until it makes it through (the PUB drops it until
      // the subscription arrived), forwarding XSUB → XPUB each time.
      const end = Date.now() + DEADLINE_MS;
      for (;;) {
        await pub.send(new Uint8Array(0));
        try {
          const data = await xsub.receive({ timeout: 100 });
          assert.equal(data.length, 1);
          assert.equal(data[0]!.length, 0);
          await xpub.send(data);
          break;
        } catch (e) {
          if (!(e instanceof XsError && e.code === "EAGAIN") || Date.now() > end) throw e;
        }
      }
      const got = await sub.receive({ timeout: 5000 });
      assert.deepEqual(got.map((p) => p.length), [0]);
    },
  );

  test(
    `sub_forward: an XPUB/XSUB forwarder carries subscription and data over ${scheme} (C face)`,
    () => {
      const ctx = xs.xs_init();
      const xpub = xs.xs_socket(ctx, xs.XS_XPUB)!, xsub = xs.xs_socket(ctx, xs.XS_XSUB)!;
      const pub = xs.xs_socket(ctx, xs.XS_PUB)!, sub = xs.xs_socket(ctx, xs.XS_SUB)!;
      try {
        for (const s of [xpub, xsub, sub]) {
          assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, 5000), 0);
        }
        assert.notEqual(xs.xs_bind(xpub, scratchEndpoint(scheme)), -1);
        assert.notEqual(xs.xs_bind(xsub, scratchEndpoint(scheme)), -1);
        assert.notEqual(xs.xs_connect(pub, xs.xs_last_endpoint(xsub)!), -1);
        assert.notEqual(xs.xs_connect(sub, xs.xs_last_endpoint(xpub)!), -1);
        assert.equal(xs.xs_setsockopt(sub, xs.XS_SUBSCRIBE, new Uint8Array(0), 0), 0);
        const buf = new Uint8Array(32);
        // 1.
        let rc = xs.xs_recv(xpub, buf, 32, 0);
        assert.ok(rc >= 0, `xs_recv(xpub) failed: ${xs.xs_strerror(xs.xs_errno())}`);
        assert.deepEqual([...buf.subarray(0, rc)], [0, 1, 0, 1]);
        assert.ok(xs.xs_send(xsub, buf, rc, 0) >= 0);
        // 2-4, with a retry loop instead of sleep(1).
        const end = Date.now() + DEADLINE_MS;
        assert.equal(xs.xs_setsockopt(xsub, xs.XS_RCVTIMEO, 100), 0);
        for (;;) {
          assert.equal(xs.xs_send(pub, new Uint8Array(0), 0, 0), 0);
          rc = xs.xs_recv(xsub, buf, 32, 0);
          if (rc >= 0) {
            break;
          }
          assert.equal(xs.xs_errno(), xs.EAGAIN);
          assert.ok(Date.now() < end, "the subscription never reached the PUB");
        }
        assert.equal(rc, 0);
        assert.ok(xs.xs_send(xpub, buf, rc, 0) >= 0);
        // 5.
        assert.equal(xs.xs_recv(sub, buf, 32, 0), 0);
      } finally {
        for (const s of [xpub, xsub, pub, sub]) assert.equal(xs.xs_close(s), 0);
        assert.equal(xs.xs_term(ctx), 0);
      }
    },
  );
}
