/**
 * Port of upstream `tests/reqrep_device.cpp` (docs/upstream-tests.md §3.8): a hand-written
 * XREP→XREQ forwarder carries a 2-part request and a 2-part reply between a REQ client
 * and a REP worker, part by part (4 parts each way: routing id, empty delimiter, body),
 * keeping every part and its MORE flag. Upstream runs over tcp (5560, 5561); §4.2
 * extends it to inproc, ipc and tcp. The C face waits for each direction with `xs_poll`
 * (bounded) and then keeps upstream's 4 per-part steps with RCVMORE/SNDMORE; the
 * idiomatic variant forwards whole messages.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

/** Forwards exactly 4 parts from `from` to `to`, as upstream does, after polling `from`. */
function forward4(from: xs.XsSocket, to: xs.XsSocket): void {
  const items = [{ socket: from, fd: 0, events: xs.XS_POLLIN, revents: 0 }];
  assert.equal(xs.xs_poll(items, 1, 5000), 1);
  assert.equal(items[0]!.revents & xs.XS_POLLIN, xs.XS_POLLIN);
  const more = new Int32Array(1), len = { value: 4 };
  for (let i = 0; i < 4; i++) {
    const msg = new xs.xs_msg_t();
    assert.equal(xs.xs_msg_init(msg), 0);
    assert.ok(xs.xs_recvmsg(from, msg, 0) >= 0);
    len.value = 4;
    assert.equal(xs.xs_getsockopt(from, xs.XS_RCVMORE, more, len), 0);
    assert.ok(xs.xs_sendmsg(to, msg, more[0] ? xs.XS_SNDMORE : 0) >= 0);
  }
}

function recv3(s: xs.XsSocket, want: string, wantMore: boolean): void {
  const buf = new Uint8Array(3), more = new Int32Array(1), len = { value: 4 };
  assert.equal(xs.xs_recv(s, buf, 3, 0), 3);
  assert.equal(dec.decode(buf), want);
  assert.equal(xs.xs_getsockopt(s, xs.XS_RCVMORE, more, len), 0);
  assert.equal(more[0] !== 0, wantMore);
}

for (const scheme of TRANSPORTS) {
  test(
    `reqrep_device: an XREP→XREQ forwarder carries request and reply over ${scheme} (C face, xs_poll)`,
    () => {
      // Given: xreq bound (upstream 5560), xrep bound (5561), rep connected to xreq, req
      // connected to xrep.
      const ctx = xs.xs_init();
      assert.ok(ctx);
      const xreq = xs.xs_socket(ctx, xs.XS_XREQ)!;
      assert.ok(xreq);
      assert.notEqual(xs.xs_bind(xreq, scratchEndpoint(scheme)), -1);
      const xrep = xs.xs_socket(ctx, xs.XS_XREP)!;
      assert.ok(xrep);
      assert.notEqual(xs.xs_bind(xrep, scratchEndpoint(scheme)), -1);
      const rep = xs.xs_socket(ctx, xs.XS_REP)!;
      assert.ok(rep);
      assert.notEqual(xs.xs_connect(rep, xs.xs_last_endpoint(xreq)!), -1);
      const req = xs.xs_socket(ctx, xs.XS_REQ)!;
      assert.ok(req);
      assert.notEqual(xs.xs_connect(req, xs.xs_last_endpoint(xrep)!), -1);
      // Bounds so a lost part fails instead of hanging (upstream has none).
      for (const s of [xreq, xrep, rep, req]) {
        assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, 5000), 0);
        assert.equal(xs.xs_setsockopt(s, xs.XS_SNDTIMEO, 5000), 0);
      }

      // 1. req sends "ABC" (more) "DEF".
      assert.equal(xs.xs_send(req, enc.encode("ABC"), 3, xs.XS_SNDMORE), 3);
      assert.equal(xs.xs_send(req, enc.encode("DEF"), 3, 0), 3);
      // 2. Forward 4 parts xrep → xreq.
      forward4(xrep, xreq);
      // 3. rep gets "ABC" (more), "DEF" (last).
      recv3(rep, "ABC", true);
      recv3(rep, "DEF", false);
      // 4. rep replies "GHI" (more) "JKL".
      assert.equal(xs.xs_send(rep, enc.encode("GHI"), 3, xs.XS_SNDMORE), 3);
      assert.equal(xs.xs_send(rep, enc.encode("JKL"), 3, 0), 3);
      // 5. Forward 4 parts xreq → xrep.
      forward4(xreq, xrep);
      // 6. req gets "GHI" (more), "JKL" (last).
      recv3(req, "GHI", true);
      recv3(req, "JKL", false);

      assert.equal(xs.xs_close(req), 0);
      assert.equal(xs.xs_close(rep), 0);
      assert.equal(xs.xs_close(xrep), 0);
      assert.equal(xs.xs_close(xreq), 0);
      assert.equal(xs.xs_term(ctx), 0);
    },
    { timeout: 20_000 },
  );

  test(
    `reqrep_device: an XREP→XREQ forwarder carries request and reply over ${scheme} (idiomatic face)`,
    async () => {
      await using ctx = new Context();
      using xreq = ctx.socket("XREQ"),
        xrep = ctx.socket("XREP"),
        rep = ctx.socket("REP"),
        req = ctx.socket("REQ");
      await xreq.bind(scratchEndpoint(scheme));
      await xrep.bind(scratchEndpoint(scheme));
      await rep.connect(xreq.lastEndpoint);
      await req.connect(xrep.lastEndpoint);

      await req.send(["ABC", "DEF"]);
      const request = await xrep.receive({ timeout: 5000 });
      assert.equal(request.length, 4); // routing id, delimiter, "ABC", "DEF"
      await xreq.send(request, { timeout: 5000 });
      assert.deepEqual((await rep.receive({ timeout: 5000 })).map((p) => dec.decode(p)), [
        "ABC",
        "DEF",
      ]);
      await rep.send(["GHI", "JKL"]);
      const reply = await xreq.receive({ timeout: 5000 });
      assert.equal(reply.length, 4);
      await xrep.send(reply);
      assert.deepEqual((await req.receive({ timeout: 5000 })).map((p) => dec.decode(p)), [
        "GHI",
        "JKL",
      ]);
    },
    { timeout: 20_000 },
  );
}
