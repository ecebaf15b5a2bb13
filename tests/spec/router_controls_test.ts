/**
 * Spec tests of the ROUTER controls after libzmq 4 (docs/behaviour.md §4.7 "XREP (ROUTER)",
 * §10.14; docs/api.md §6), through both public faces, over inproc, ipc, tcp and ws:
 *
 * - `XS_ROUTER_MANDATORY` / `routerMandatory` / `mandatory` (libzmq's ZMQ_ROUTER_MANDATORY):
 *   a message to an unknown or departed peer fails whole with EHOSTUNREACH (the C face at its
 *   first part, so nothing is half sent); one to a peer at its HWM fails with EAGAIN under
 *   XS_DONTWAIT (timeout 0, `trySend`), or waits for room until the send timeout.
 * - `XS_CONNECT_ROUTING_ID` / `connectRoutingId` / `connect(endpoint, { routingId })` (libzmq's
 *   ZMQ_CONNECT_ROUTING_ID): the next connect's peer is routed by that id at once, whatever it
 *   announces; the option is used up by the connect; an id in use is refused with EINVAL.
 * - Both are ROUTER options: other types answer EINVAL, as libzmq.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, codeOf, scratchEndpoint, test, texts, waitFor } from "../_harness.ts";
import { Context, type Socket, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();
const isCode = (code: string) => (e: unknown) => e instanceof XsError && e.code === code;
/** Bound of a receive that must succeed, ms. */
const ARRIVE_MS = 5_000;
/** Sends tried before a peer's queues must be full (tcp and ws buffer megabytes). */
const FILL_LIMIT = 5_000;
/**
 * How long a send to a peer that reads nothing may wait before its queues count as full (ms):
 * the I/O worker takes messages out of a pipe at its HWM within far less while the connection
 * has room, so only a full connection makes a send wait this long.
 */
const STUCK_MS = 300;

/** The schemes every case runs over. */
const SCHEMES = ["inproc", "ipc", "tcp", "ws"] as const;
type Scheme = typeof SCHEMES[number];

/** An endpoint to bind for `scheme` (a port chosen by the OS: see `lastEndpoint`). */
function bindable(scheme: Scheme): string {
  return scheme === "ws" ? "ws://127.0.0.1:*/zmq" : scratchEndpoint(scheme);
}

/**
 * Sends `n`-byte messages to `id` until one waits `STUCK_MS` in vain (EAGAIN): how many went.
 * (`trySend` alone would stop at a pipe whose one message the worker has not taken yet.)
 */
async function fill(router: Socket, id: string, n: number): Promise<number> {
  const body = new Uint8Array(n);
  for (let i = 0; i < FILL_LIMIT; i++) {
    try {
      await router.send([id, body], { timeout: STUCK_MS });
    } catch (e) {
      if (isCode("EAGAIN")(e)) return i;
      throw e;
    }
  }
  throw new Error(`the peer's queues took ${FILL_LIMIT} messages of ${n} bytes`);
}

test("routerMandatory and connectRoutingId are ROUTER options: defaults, aliases, EINVAL elsewhere", async () => {
  // SHALL (docs/api.md §6; libzmq zmq_setsockopt(3), "Applicable socket types: ZMQ_ROUTER"):
  // both faces, defaults 0 and empty; other types refuse them with EINVAL.
  await using ctx = new Context();
  using router = ctx.socket("ROUTER"), dealer = ctx.socket("DEALER");
  assert.equal(router.routerMandatory, false);
  assert.equal(router.mandatory, false);
  assert.deepEqual(router.connectRoutingId, new Uint8Array(0));
  router.mandatory = true;
  assert.equal(router.routerMandatory, true);
  router.connectRoutingId = "peer";
  assert.deepEqual(router.connectRoutingId, enc.encode("peer"));
  assert.throws(() => (router.connectRoutingId = ""), RangeError);
  assert.throws(() => (router.connectRoutingId = new Uint8Array([0, 1])), RangeError);
  assert.throws(() => (router.connectRoutingId = new Uint8Array(256).fill(1)), RangeError);
  assert.equal(codeOf(() => (dealer.routerMandatory = true)), "EINVAL");
  assert.equal(codeOf(() => dealer.mandatory), "EINVAL");
  assert.equal(codeOf(() => (dealer.connectRoutingId = "x")), "EINVAL");
  assert.throws(() => ctx.socket("REP", { routerMandatory: true }), isCode("EINVAL"));
  await assert.rejects(dealer.connect("inproc://x", { routingId: "x" }), isCode("EINVAL"));
  await assert.rejects(router.connect("inproc://x", { routingId: "" }), RangeError);
  await assert.rejects(
    router.connect("inproc://x", { routingId: 7 as unknown as string }),
    TypeError,
  );

  const c = xs.xs_init()!;
  const r = xs.xs_socket(c, xs.XS_ROUTER)!, d = xs.xs_socket(c, xs.XS_DEALER)!;
  try {
    const v = new Int32Array(1), len = { value: 4 };
    assert.equal(xs.xs_getsockopt(r, xs.XS_ROUTER_MANDATORY, v, len), 0);
    assert.equal(v[0], 0);
    // libzmq takes any int ≥ 0 (non-zero: on); read back as 1.
    assert.equal(xs.xs_setsockopt(r, xs.XS_ROUTER_MANDATORY, 5), 0);
    assert.equal(xs.xs_getsockopt(r, xs.XS_ROUTER_MANDATORY, v, len), 0);
    assert.equal(v[0], 1);
    assert.equal(xs.xs_setsockopt(r, xs.XS_ROUTER_MANDATORY, -1), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_setsockopt(r, xs.XS_CONNECT_ROUTING_ID, "id"), 0);
    for (const bad of [new Uint8Array(0), new Uint8Array([0, 7]), new Uint8Array(256).fill(7)]) {
      assert.equal(xs.xs_setsockopt(r, xs.XS_CONNECT_ROUTING_ID, bad, bad.length), -1);
      assert.equal(xs.xs_errno(), xs.EINVAL);
    }
    for (const opt of [xs.XS_ROUTER_MANDATORY, xs.XS_CONNECT_ROUTING_ID]) {
      assert.equal(xs.xs_setsockopt(d, opt, opt === xs.XS_ROUTER_MANDATORY ? 1 : "x"), -1);
      assert.equal(xs.xs_errno(), xs.EINVAL);
      const buf = new Uint8Array(8), l = { value: 8 };
      assert.equal(xs.xs_getsockopt(d, opt, buf, l), -1);
      assert.equal(xs.xs_errno(), xs.EINVAL);
    }
  } finally {
    xs.xs_close(r);
    xs.xs_close(d);
    xs.xs_term(c);
  }
});

for (const scheme of SCHEMES) {
  test(`routerMandatory over ${scheme}: an unknown or departed peer is EHOSTUNREACH, a known one gets the message`, async () => {
    // SHALL (libzmq zmq_setsockopt(3) ZMQ_ROUTER_MANDATORY; docs/behaviour.md §4.7): unroutable →
    // EHOSTUNREACH; a lone address is still dropped; without the option, dropped silently.
    await using ctx = new Context();
    using router = ctx.socket("ROUTER", { mandatory: true, linger: 0 });
    const dealer = ctx.socket("DEALER", { identity: "d1", linger: 0 });
    await router.bind(bindable(scheme));
    await assert.rejects(router.send(["d1", "too early"]), isCode("EHOSTUNREACH"));
    assert.equal(codeOf(() => router.trySend(["nobody", "x"])), "EHOSTUNREACH");
    assert.equal(router.writable, false); // no peer has room: no peer at all
    await dealer.connect(router.lastEndpoint);
    await dealer.send("hello");
    assert.deepEqual(texts(await router.receive({ timeout: ARRIVE_MS })), ["d1", "hello"]);
    assert.equal(router.writable, true);
    await router.send(["d1", "a", "b"]);
    assert.equal(router.trySend(["d1"]), true); // an address alone: dropped, as libzmq
    assert.equal(codeOf(() => router.trySend([new Uint8Array(256).fill(1), "x"])), "EHOSTUNREACH");
    assert.deepEqual(texts(await dealer.receive({ timeout: ARRIVE_MS })), ["a", "b"]);
    // The peer leaves: once the ROUTER has heard of it, its id is unknown again.
    dealer.close();
    await waitFor(
      () => codeOf(() => router.trySend(["d1", "gone?"])) === "EHOSTUNREACH",
      ARRIVE_MS,
      "the departed peer to be unroutable",
    );
    router.routerMandatory = false;
    assert.equal(router.trySend(["d1", "dropped"]), true);
  });

  test(`routerMandatory over ${scheme}: a peer at its HWM is EAGAIN at once, or waited for`, async () => {
    // SHALL (libzmq ZMQ_ROUTER_MANDATORY): EAGAIN if the peer's SNDHWM is reached and the send
    // does not wait; otherwise the send blocks until SNDTIMEO or room. Other peers are not
    // held up (the ROUTER stays writable while one has room).
    await using ctx = new Context();
    using router = ctx.socket("ROUTER", { routerMandatory: true, sndhwm: 1, linger: 0 }),
      slow = ctx.socket("DEALER", { identity: "slow", rcvhwm: 1, linger: 0 }),
      other = ctx.socket("DEALER", { identity: "other", linger: 0 });
    await router.bind(bindable(scheme));
    for (const d of [slow, other]) {
      await d.connect(router.lastEndpoint);
      await d.send("ready");
      await router.receive({ timeout: ARRIVE_MS });
    }
    const big = scheme === "inproc" ? 1 : 256 * 1024;
    const sent = await fill(router, "slow", big);
    // inproc: the binder's SNDHWM + the connector's RCVHWM.
    if (scheme === "inproc") assert.equal(sent, 2);
    assert.equal(router.trySend(["slow", "x"]), false);
    await assert.rejects(router.send(["slow", "x"], { timeout: 0 }), isCode("EAGAIN"));
    await assert.rejects(router.send(["slow", "x"], { timeout: 30 }), isCode("EAGAIN"));
    assert.equal(router.writable, true); // "other" has room
    await router.send(["other", "not held up"], { timeout: ARRIVE_MS });
    assert.deepEqual(texts(await other.receive({ timeout: ARRIVE_MS })), ["not held up"]);
    // A send that waits goes once the slow peer reads.
    const waiting = router.send(["slow", "last"], { timeout: 20_000 });
    let n = 0;
    for (;;) {
      const m = await slow.receive({ timeout: ARRIVE_MS });
      if (m[0]!.length !== big) {
        assert.deepEqual(texts(m), ["last"]);
        break;
      }
      n++;
    }
    await waiting;
    assert.equal(n, sent);
  });

  test(`XS_ROUTER_MANDATORY on the C face over ${scheme}: refused at the first part, nothing half sent`, () => {
    // SHALL (libzmq router_t::xsend: the routing id part fails with EHOSTUNREACH or, at the
    // HWM, EAGAIN; docs/behaviour.md §10.15): the refused message leaves no part behind.
    const ctx = xs.xs_init()!;
    const r = xs.xs_socket(ctx, xs.XS_ROUTER)!, d = xs.xs_socket(ctx, xs.XS_DEALER)!;
    const send = (s: xs.XsSocket, t: string, flags: number) =>
      xs.xs_send(s, enc.encode(t), enc.encode(t).length, flags);
    const buf = new Uint8Array(64);
    const recv = (s: xs.XsSocket) => {
      const n = xs.xs_recv(s, buf, buf.length, 0);
      assert.ok(n >= 0, `xs_recv: ${xs.xs_strerror(xs.xs_errno())}`);
      return dec.decode(buf.subarray(0, n));
    };
    try {
      for (const s of [r, d]) {
        assert.equal(xs.xs_setsockopt(s, xs.XS_LINGER, 0), 0);
        assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, ARRIVE_MS), 0);
      }
      assert.equal(xs.xs_setsockopt(r, xs.XS_ROUTER_MANDATORY, 1), 0);
      assert.equal(xs.xs_setsockopt(r, xs.XS_SNDHWM, 1), 0);
      assert.equal(xs.xs_setsockopt(d, xs.XS_RCVHWM, 1), 0);
      assert.equal(xs.xs_setsockopt(d, xs.XS_IDENTITY, "d"), 0);
      assert.ok(xs.xs_bind(r, bindable(scheme)) >= 0);
      assert.ok(xs.xs_connect(d, xs.xs_last_endpoint(r)!) >= 0);
      assert.equal(send(d, "hi", 0), 2);
      assert.equal(recv(r), "d");
      assert.equal(recv(r), "hi");
      // Unknown peer: the first part fails, and the next message is whole.
      assert.equal(send(r, "nobody", xs.XS_SNDMORE), -1);
      assert.equal(xs.xs_errno(), xs.EHOSTUNREACH);
      assert.equal(send(r, "d", xs.XS_SNDMORE), 1);
      assert.equal(send(r, "whole", 0), 5);
      assert.equal(recv(d), "whole");
      const more = new Int32Array(1), len = { value: 4 };
      xs.xs_getsockopt(d, xs.XS_RCVMORE, more, len);
      assert.equal(more[0], 0);
      // At the HWM: the first part waits for room until SNDTIMEO (a send that waits STUCK_MS
      // in vain: the peer's queues are full), then EAGAIN; under XS_DONTWAIT at once.
      const big = new Uint8Array(scheme === "inproc" ? 1 : 256 * 1024);
      assert.equal(xs.xs_setsockopt(r, xs.XS_SNDTIMEO, STUCK_MS), 0);
      let sent = 0;
      for (; sent < FILL_LIMIT; sent++) {
        if (send(r, "d", xs.XS_SNDMORE) < 0) break;
        assert.equal(xs.xs_send(r, big, big.length, 0), big.length);
      }
      assert.equal(xs.xs_errno(), xs.EAGAIN);
      assert.ok(sent >= 1 && sent < FILL_LIMIT, `${sent} messages sent`);
      if (scheme === "inproc") assert.equal(sent, 2);
      assert.equal(send(r, "d", xs.XS_SNDMORE | xs.XS_DONTWAIT), -1);
      assert.equal(xs.xs_errno(), xs.EAGAIN);
      assert.equal(xs.xs_setsockopt(r, xs.XS_SNDTIMEO, 50), 0);
      const t0 = performance.now();
      assert.equal(send(r, "d", xs.XS_SNDMORE), -1);
      assert.equal(xs.xs_errno(), xs.EAGAIN);
      assert.ok(performance.now() - t0 >= 40, "the send waited for room");
      // The peer reads everything: room again, and the next message is whole.
      const large = new Uint8Array(big.length + 1);
      for (let i = 0; i < sent; i++) {
        assert.equal(xs.xs_recv(d, large, large.length, 0), big.length);
      }
      assert.equal(xs.xs_setsockopt(r, xs.XS_SNDTIMEO, ARRIVE_MS), 0);
      assert.equal(send(r, "d", xs.XS_SNDMORE), 1);
      assert.equal(send(r, "after", 0), 5);
      assert.equal(recv(d), "after");
    } finally {
      xs.xs_close(r);
      xs.xs_close(d);
      xs.xs_term(ctx);
    }
  });

  test(`connectRoutingId over ${scheme}: the connect's peer is routed by it at once, whatever it announces`, async () => {
    // SHALL (libzmq ZMQ_CONNECT_ROUTING_ID): the peer of the next connect is addressable at once
    // under that id (for tcp, ipc and ws before the connection exists: the message waits in its
    // pipe); the option applies to that one connect; the peer's own identity is not used.
    await using ctx = new Context();
    using a = ctx.socket("ROUTER", { identity: "announced-a", linger: 0 }),
      b = ctx.socket("ROUTER", { identity: "announced-b", linger: 0 }),
      client = ctx.socket("ROUTER", { identity: "client", routerMandatory: true, linger: 0 });
    await a.bind(bindable(scheme));
    await b.bind(bindable(scheme));
    await client.connect(a.lastEndpoint, { routingId: "A" });
    client.connectRoutingId = "B";
    await client.connect(b.lastEndpoint);
    assert.deepEqual(client.connectRoutingId, new Uint8Array(0)); // used up
    await client.send(["A", "to a"]);
    await client.send(["B", "to b"]);
    assert.deepEqual(texts(await a.receive({ timeout: ARRIVE_MS })), ["client", "to a"]);
    assert.deepEqual(texts(await b.receive({ timeout: ARRIVE_MS })), ["client", "to b"]);
    await a.send(["client", "from a"]);
    assert.deepEqual(texts(await client.receive({ timeout: ARRIVE_MS })), ["A", "from a"]);
    // The announced identity names nobody here.
    assert.equal(codeOf(() => client.trySend(["announced-b", "x"])), "EHOSTUNREACH");
    // An id in use is refused (libzmq asserts), and the option stays for the next connect.
    await assert.rejects(client.connect(b.lastEndpoint, { routingId: "A" }), isCode("EINVAL"));
    client.connectRoutingId = "B";
    await assert.rejects(client.connect(a.lastEndpoint), isCode("EINVAL"));
    assert.deepEqual(client.connectRoutingId, enc.encode("B"));
  });

  test(`XS_CONNECT_ROUTING_ID on the C face over ${scheme}: used by the next xs_connect`, () => {
    // SHALL (libzmq ZMQ_CONNECT_ROUTING_ID, zmq_connect(3)): as the idiomatic face; a refused
    // connect leaves the option set.
    const ctx = xs.xs_init()!;
    const srv = xs.xs_socket(ctx, xs.XS_ROUTER)!, cli = xs.xs_socket(ctx, xs.XS_ROUTER)!;
    const buf = new Uint8Array(64);
    const recv = (s: xs.XsSocket) => {
      const n = xs.xs_recv(s, buf, buf.length, 0);
      assert.ok(n >= 0, `xs_recv: ${xs.xs_strerror(xs.xs_errno())}`);
      return dec.decode(buf.subarray(0, n));
    };
    const send = (s: xs.XsSocket, t: string, flags: number) =>
      xs.xs_send(s, enc.encode(t), enc.encode(t).length, flags);
    try {
      for (const s of [srv, cli]) {
        assert.equal(xs.xs_setsockopt(s, xs.XS_LINGER, 0), 0);
        assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, ARRIVE_MS), 0);
      }
      assert.equal(xs.xs_setsockopt(cli, xs.XS_IDENTITY, "cli"), 0);
      assert.equal(xs.xs_setsockopt(cli, xs.XS_ROUTER_MANDATORY, 1), 0);
      assert.ok(xs.xs_bind(srv, bindable(scheme)) >= 0);
      const ep = xs.xs_last_endpoint(srv)!;
      assert.equal(xs.xs_setsockopt(cli, xs.XS_CONNECT_ROUTING_ID, "srv"), 0);
      assert.ok(xs.xs_connect(cli, ep) >= 0);
      const got = new Uint8Array(8), len = { value: 8 };
      assert.equal(xs.xs_getsockopt(cli, xs.XS_CONNECT_ROUTING_ID, got, len), 0);
      assert.equal(len.value, 0);
      assert.equal(send(cli, "srv", xs.XS_SNDMORE), 3);
      assert.equal(send(cli, "ping", 0), 4);
      assert.equal(recv(srv), "cli");
      assert.equal(recv(srv), "ping");
      assert.equal(send(srv, "cli", xs.XS_SNDMORE), 3);
      assert.equal(send(srv, "pong", 0), 4);
      assert.equal(recv(cli), "srv");
      assert.equal(recv(cli), "pong");
      assert.equal(xs.xs_setsockopt(cli, xs.XS_CONNECT_ROUTING_ID, "srv"), 0);
      assert.equal(xs.xs_connect(cli, ep), -1);
      assert.equal(xs.xs_errno(), xs.EINVAL);
      len.value = 8;
      assert.equal(xs.xs_getsockopt(cli, xs.XS_CONNECT_ROUTING_ID, got, len), 0);
      assert.equal(dec.decode(got.subarray(0, len.value)), "srv");
    } finally {
      xs.xs_close(srv);
      xs.xs_close(cli);
      xs.xs_term(ctx);
    }
  });
}
