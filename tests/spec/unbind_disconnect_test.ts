/**
 * Spec tests of unbind and disconnect by endpoint string (extensions after libzmq's
 * zmq_unbind(3) and zmq_disconnect(3); docs/behaviour.md §2.3, §10.14): `xs_unbind` /
 * `xs_disconnect` on the C face, `socket.unbind` / `socket.disconnect` on the idiomatic one,
 * over inproc, ipc, tcp and ws. What they end is what `xs_shutdown` ends by id: a bind's
 * listener and the connections it accepted, a connect's connection and its reconnecting. A
 * bind is named by its resolved address (`lastEndpoint`), a connect by the string it was given
 * (all connects of it); an inproc unbind frees the name and keeps the connections made.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, delay, scratchEndpoint, test, texts } from "../_harness.ts";
import { Context, type Socket, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";

const isCode = (code: string) => (e: unknown) => e instanceof XsError && e.code === code;
/** Bound of a receive that must succeed, ms. */
const ARRIVE_MS = 5_000;
/** How long a receive that must find nothing listens, ms. */
const SILENCE_MS = 200;

const SCHEMES = ["inproc", "ipc", "tcp", "ws"] as const;
type Scheme = typeof SCHEMES[number];

/** An endpoint to bind for `scheme` (a port chosen by the OS: see `lastEndpoint`). */
function bindable(scheme: Scheme): string {
  return scheme === "ws" ? "ws://127.0.0.1:*/zmq" : scratchEndpoint(scheme);
}

/** Binds, retrying while a just-released tcp port is still in use. */
async function bindRetry(s: Socket, ep: string): Promise<void> {
  const end = Date.now() + ARRIVE_MS;
  for (;;) {
    try {
      await s.bind(ep);
      return;
    } catch (e) {
      if (Date.now() > end || !isCode("EADDRINUSE")(e)) throw e;
      await delay(20);
    }
  }
}

/** Sends `probe` until `to` receives one (the peer reconnected to it); bounded. */
async function reaches(from: Socket, to: Socket): Promise<void> {
  const end = Date.now() + ARRIVE_MS;
  for (;;) {
    from.trySend("probe");
    const got = await to.receive({ timeout: 50 }).then(texts, () => null);
    if (got) return assert.deepEqual(got, ["probe"]);
    if (Date.now() > end) throw new Error("the peer never reached the new binder");
  }
}

test("unbind and disconnect refuse what names no endpoint of theirs, on both faces", async () => {
  // SHALL (zmq_unbind(3), zmq_disconnect(3)): EINVAL for an invalid endpoint, EPROTONOSUPPORT for
  // an unknown transport, ENOENT for an endpoint the socket did not bind / connect; ENOTSOCK
  // once closed. unbind names binds only, disconnect connects only (as the man pages).
  await using ctx = new Context();
  using s = ctx.socket("DEALER", { linger: 0 });
  await s.bind("tcp://127.0.0.1:*");
  const bound = s.lastEndpoint;
  await s.connect("inproc://unbind-refusals");
  for (
    const [ep, code] of [
      ["nonsense", "EINVAL"],
      ["tcp://", "EINVAL"],
      ["udp://127.0.0.1:5555", "EPROTONOSUPPORT"],
      ["tcp://127.0.0.1:*", "ENOENT"], // a wildcard names no endpoint: lastEndpoint does
      ["tcp://*:" + bound.slice(bound.lastIndexOf(":") + 1), "ENOENT"],
      ["inproc://unbind-refusals", "ENOENT"], // connected, not bound
    ] as const
  ) {
    await assert.rejects(s.unbind(ep), isCode(code), `unbind ${ep}`);
  }
  await assert.rejects(s.disconnect(bound), isCode("ENOENT"));
  await assert.rejects(s.unbind(5 as unknown as string), TypeError);
  await assert.rejects(s.disconnect("tcp://127.0.0.1:1"), (e: Error) => {
    return isCode("ENOENT")(e) && /not connected to tcp:\/\/127\.0\.0\.1:1/.test(e.message);
  });
  await s.unbind(bound);
  await s.disconnect("inproc://unbind-refusals");
  s.close();
  await assert.rejects(s.unbind(bound), isCode("ENOTSOCK"));

  const c = xs.xs_init()!;
  const p = xs.xs_socket(c, xs.XS_PUSH)!;
  assert.ok(xs.xs_bind(p, "tcp://127.0.0.1:*") > 0);
  for (
    const [ep, errno] of [
      ["nonsense", xs.EINVAL],
      [42 as unknown as string, xs.EINVAL],
      ["pgm://eth0;239.192.1.1:5555", xs.EPROTONOSUPPORT],
      ["tcp://127.0.0.1:*", xs.ENOENT],
    ] as const
  ) {
    assert.equal(xs.xs_unbind(p, ep), -1, String(ep));
    assert.equal(xs.xs_errno(), errno, String(ep));
    assert.equal(xs.xs_disconnect(p, ep), -1, String(ep));
    assert.equal(xs.xs_errno(), errno, String(ep));
  }
  assert.equal(xs.xs_unbind(p, xs.xs_last_endpoint(p)!), 0);
  xs.xs_close(p);
  assert.equal(xs.xs_unbind(p, "tcp://127.0.0.1:1"), -1);
  assert.equal(xs.xs_errno(), xs.ENOTSOCK);
  xs.xs_term(c);
});

for (const scheme of SCHEMES) {
  test(`unbind over ${scheme}: the bind ends and its endpoint is free for another socket`, async () => {
    // SHALL (zmq_unbind(3)): the endpoint is no longer bound. tcp/ipc/ws: its listener closes and
    // the connections it accepted end (docs/behaviour.md §2.3), so the peer reconnects to
    // whoever binds next. inproc: the name is free; connections made stay (libzmq).
    await using ctx = new Context();
    using pull = ctx.socket("PULL", { linger: 0 }),
      other = ctx.socket("PULL", { linger: 0 }),
      push = ctx.socket("PUSH", { linger: 0, reconnectIvl: 20 });
    await pull.bind(bindable(scheme));
    const ep = pull.lastEndpoint;
    await push.connect(ep);
    await push.send("one");
    assert.deepEqual(texts(await pull.receive({ timeout: ARRIVE_MS })), ["one"]);
    if (scheme === "inproc") await assert.rejects(other.bind(ep), isCode("EADDRINUSE"));
    await pull.unbind(ep);
    await assert.rejects(pull.unbind(ep), isCode("ENOENT"));
    await bindRetry(other, ep);
    if (scheme === "inproc") {
      await push.send("still connected");
      assert.deepEqual(texts(await pull.receive({ timeout: ARRIVE_MS })), ["still connected"]);
      await assert.rejects(other.receive({ timeout: SILENCE_MS }), isCode("EAGAIN"));
    } else {
      await reaches(push, other);
    }
  });

  test(`disconnect over ${scheme}: every connect of that string ends, the others stay`, async () => {
    // SHALL (zmq_disconnect(3); libzmq term_endpoint ends every endpoint of the string): after
    // it, the PUSH's messages go to the remaining connect only; the same address written
    // differently names nothing.
    await using ctx = new Context();
    using a = ctx.socket("PULL", { linger: 0 }),
      b = ctx.socket("PULL", { linger: 0 }),
      push = ctx.socket("PUSH", { linger: 0 });
    await a.bind(bindable(scheme));
    await b.bind(bindable(scheme));
    await push.connect(a.lastEndpoint);
    await push.connect(a.lastEndpoint);
    await push.connect(b.lastEndpoint);
    if (scheme === "tcp") {
      const alias = a.lastEndpoint.replace("127.0.0.1", "localhost");
      await assert.rejects(push.disconnect(alias), isCode("ENOENT"));
    }
    await push.disconnect(a.lastEndpoint);
    await assert.rejects(push.disconnect(a.lastEndpoint), isCode("ENOENT"));
    for (let i = 0; i < 4; i++) await push.send(`m${i}`, { timeout: ARRIVE_MS });
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(texts(await b.receive({ timeout: ARRIVE_MS })), [`m${i}`]);
    }
    await assert.rejects(a.receive({ timeout: SILENCE_MS }), isCode("EAGAIN"));
    await push.disconnect(b.lastEndpoint);
    assert.equal(push.writable, false); // no connect left
  });

  test(`xs_unbind and xs_disconnect over ${scheme}: 0, then ENOENT; the connects of a string all end`, async () => {
    // SHALL (zmq_unbind(3), zmq_disconnect(3), C face): 0 or -1 with errno; a PUSH whose connects
    // all ended has nowhere to send (EAGAIN under XS_DONTWAIT).
    const ctx = xs.xs_init()!;
    const pull = xs.xs_socket(ctx, xs.XS_PULL)!, push = xs.xs_socket(ctx, xs.XS_PUSH)!;
    const again = xs.xs_socket(ctx, xs.XS_PULL)!;
    try {
      for (const s of [pull, push, again]) assert.equal(xs.xs_setsockopt(s, xs.XS_LINGER, 0), 0);
      assert.ok(xs.xs_bind(pull, bindable(scheme)) >= 0);
      const ep = xs.xs_last_endpoint(pull)!;
      assert.ok(xs.xs_connect(push, ep) >= 0);
      assert.ok(xs.xs_connect(push, ep) >= 0);
      assert.equal(xs.xs_send(push, new Uint8Array([1]), 1, 0), 1);
      assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, ARRIVE_MS), 0);
      assert.equal(xs.xs_recv(pull, new Uint8Array(4), 4, 0), 1);
      assert.equal(xs.xs_disconnect(push, ep), 0);
      assert.equal(xs.xs_disconnect(push, ep), -1);
      assert.equal(xs.xs_errno(), xs.ENOENT);
      assert.equal(xs.xs_send(push, new Uint8Array([2]), 1, xs.XS_DONTWAIT), -1);
      assert.equal(xs.xs_errno(), xs.EAGAIN);
      assert.equal(xs.xs_unbind(pull, ep), 0);
      assert.equal(xs.xs_unbind(pull, ep), -1);
      assert.equal(xs.xs_errno(), xs.ENOENT);
      // The endpoint is free again (a tcp port may take the worker a moment to close).
      const end = Date.now() + ARRIVE_MS;
      while (xs.xs_bind(again, ep) < 0) {
        assert.equal(xs.xs_errno(), xs.EADDRINUSE);
        assert.ok(Date.now() < end, "the unbound endpoint stayed in use");
        await delay(20);
      }
    } finally {
      for (const s of [pull, push, again]) xs.xs_close(s);
      xs.xs_term(ctx);
    }
  });
}
