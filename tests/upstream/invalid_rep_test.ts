/**
 * Port of upstream `tests/invalid_rep.cpp` (docs/upstream-tests.md §3.10): a malformed
 * reply (a routing part with nothing after it) is dropped silently by XREP, does not
 * disturb routing, and never reaches the REQ; the valid reply that follows does.
 * Upstream runs over `inproc://hi`; §4.2 extends it to inproc, ipc and tcp. Both faces.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";

for (const scheme of TRANSPORTS) {
  test(`invalid_rep: XREP drops a reply that is only an address over ${scheme} (C face)`, () => {
    // Given: XREP and REQ, both with XS_LINGER 0; XREP binds, REQ connects.
    const ctx = xs.xs_init();
    assert.ok(ctx);
    const xrepSocket = xs.xs_socket(ctx, xs.XS_XREP)!;
    assert.ok(xrepSocket);
    const reqSocket = xs.xs_socket(ctx, xs.XS_REQ)!;
    assert.ok(reqSocket);
    assert.equal(xs.xs_setsockopt(xrepSocket, xs.XS_LINGER, new Int32Array([0]), 4), 0);
    assert.equal(xs.xs_setsockopt(reqSocket, xs.XS_LINGER, new Int32Array([0]), 4), 0);
    assert.equal(xs.xs_setsockopt(xrepSocket, xs.XS_RCVTIMEO, 5000), 0);
    assert.equal(xs.xs_setsockopt(reqSocket, xs.XS_RCVTIMEO, 5000), 0);
    assert.notEqual(xs.xs_bind(xrepSocket, scratchEndpoint(scheme)), -1);
    assert.notEqual(xs.xs_connect(reqSocket, xs.xs_last_endpoint(xrepSocket)!), -1);

    // 1. REQ sends "r".
    assert.equal(xs.xs_send(reqSocket, new TextEncoder().encode("r"), 1, 0), 1);

    // 2. XREP receives the address, the empty delimiter and the body.
    const addr = new Uint8Array(32);
    const addrSize = xs.xs_recv(xrepSocket, addr, 32, 0);
    assert.ok(addrSize >= 0);
    const bottom = new Uint8Array(1);
    assert.equal(xs.xs_recv(xrepSocket, bottom, 1, 0), 0);
    const body = new Uint8Array(1);
    assert.equal(xs.xs_recv(xrepSocket, body, 1, 0), 1);

    // 3. The invalid reply: the address alone, without MORE — dropped, no error.
    assert.equal(xs.xs_send(xrepSocket, addr, addrSize, 0), addrSize);

    // 4. The valid reply: address, empty delimiter, "b".
    assert.equal(xs.xs_send(xrepSocket, addr, addrSize, xs.XS_SNDMORE), addrSize);
    assert.equal(xs.xs_send(xrepSocket, null, 0, xs.XS_SNDMORE), 0);
    assert.equal(xs.xs_send(xrepSocket, new TextEncoder().encode("b"), 1, 0), 1);

    // 5. REQ gets exactly "b".
    const got = new Uint8Array(1);
    assert.equal(xs.xs_recv(reqSocket, got, 1, 0), 1);
    assert.equal(got[0], "b".charCodeAt(0));

    assert.equal(xs.xs_close(xrepSocket), 0);
    assert.equal(xs.xs_close(reqSocket), 0);
    assert.equal(xs.xs_term(ctx), 0);
  }, { timeout: 15_000 });

  test(
    `invalid_rep: XREP drops a reply that is only an address over ${scheme} (idiomatic face)`,
    async () => {
      await using ctx = new Context();
      using xrep = ctx.socket("XREP", { linger: 0 }), req = ctx.socket("REQ", { linger: 0 });
      await xrep.bind(scratchEndpoint(scheme));
      await req.connect(xrep.lastEndpoint);
      await req.send("r");
      const request = await xrep.receive({ timeout: 5000 });
      const addr = request[0]!, bottom = request[1]!, body = request[2];
      assert.equal(bottom.length, 0);
      assert.deepEqual(body, new TextEncoder().encode("r"));
      // send([addr]) resolves and the message is dropped.
      await xrep.send([addr]);
      await xrep.send([addr, "", "b"]);
      assert.deepEqual(await req.receive({ timeout: 5000 }), [new TextEncoder().encode("b")]);
    },
    { timeout: 15_000 },
  );
}
