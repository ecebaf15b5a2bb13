/**
 * Interoperation of our ROUTER's libzmq 4 controls with libzmq 4.3 peers in a child process
 * (pyzmq on Python, zeromq.js on Node), over tcp (docs/behaviour.md §10.14):
 *
 * - `routerMandatory` against a libzmq DEALER: EHOSTUNREACH until the DEALER's announced
 *   routing id is known from its handshake, delivery then, EHOSTUNREACH again once it left.
 * - `connectRoutingId` (both faces) against a libzmq ROUTER: ROUTER to ROUTER, where the
 *   connecting side must name the bound one before either has spoken, as libzmq's
 *   ZMQ_CONNECT_ROUTING_ID is meant for; the libzmq ROUTER knows us by our identity.
 *
 * Every receive on either side is bounded.
 *
 * Runs on: the test runner's main thread (Deno or Bun); the libzmq peer runs in Python or Node.
 */
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { assert, codeOf, test, texts, waitFor } from "../_harness.ts";
import {
  fromB64,
  pattern,
  type PeerKind,
  peerSkips,
  startPeer,
  toB64,
  type ZmqPeer,
} from "./_peer.ts";

const SKIP = await peerSkips();
const PEERS = ["pyzmq", "zeromq.js"] as const;
/** Bound of every receive that should get something, ms. */
const RECV_MS = 5_000;
const enc = new TextEncoder(), dec = new TextDecoder();
const b64 = (t: string) => toB64(enc.encode(t));

/** Runs `fn` with a fresh context and libzmq peer; tears everything down, bounded. */
async function withPeer(kind: PeerKind, fn: (ctx: Context, peer: ZmqPeer) => Promise<void>) {
  const ctx = new Context();
  const peer = startPeer(kind);
  try {
    await fn(ctx, peer);
  } finally {
    await peer.close();
    await ctx.term();
  }
}

for (const kind of PEERS) {
  test(
    `Our ROUTER with routerMandatory routes to a libzmq DEALER (${kind}) only while it is there`,
    () =>
      withPeer(kind, async (ctx, peer) => {
        // SHALL (libzmq ZMQ_ROUTER_MANDATORY): EHOSTUNREACH for a peer not (or no longer) there.
        using router = ctx.socket("ROUTER", { routerMandatory: true, linger: 0 });
        await router.bind("tcp://127.0.0.1:*");
        assert.equal(codeOf(() => router.trySend(["lz-dealer", "early"])), "EHOSTUNREACH");
        await peer.cmd({
          op: "socket",
          id: "d",
          type: "DEALER",
          options: { routingId: "lz-dealer" },
        });
        await peer.cmd({ op: "connect", id: "d", endpoint: router.lastEndpoint });
        await peer.cmd({ op: "send", id: "d", parts: [b64("hello")] });
        assert.deepEqual(texts(await router.receive({ timeout: RECV_MS })), ["lz-dealer", "hello"]);
        const body = pattern(1000, 3);
        await router.send(["lz-dealer", "reply", body]);
        const got = await peer.cmd({ op: "recv", id: "d", timeout: RECV_MS });
        assert.equal(got.parts.length, 2);
        assert.equal(dec.decode(fromB64(got.parts[0])), "reply");
        assert.deepEqual(fromB64(got.parts[1]), body);
        await peer.cmd({ op: "close", id: "d", linger: 0 });
        await waitFor(
          () => codeOf(() => router.trySend(["lz-dealer", "gone?"])) === "EHOSTUNREACH",
          RECV_MS,
          "the departed libzmq DEALER to be unroutable",
        );
      }),
    { skip: SKIP[kind] },
  );

  test(
    `Our ROUTER names a libzmq ROUTER (${kind}) with connectRoutingId and sends first`,
    () =>
      withPeer(kind, async (ctx, peer) => {
        // SHALL (libzmq ZMQ_CONNECT_ROUTING_ID): the connect's peer is routable at once under the
        // given id, whatever it announces; the libzmq ROUTER routes back by our identity.
        await peer.cmd({
          op: "socket",
          id: "r",
          type: "ROUTER",
          options: { routingId: "lz-announced" },
        });
        const { endpoint } = await peer.cmd({ op: "bind", id: "r", endpoint: "tcp://127.0.0.1:*" });
        using ours = ctx.socket("ROUTER", { identity: "ours", routerMandatory: true, linger: 0 });
        await ours.connect(endpoint, { routingId: "lz" });
        await ours.send(["lz", "first", pattern(300, 1)]);
        const got = await peer.cmd({ op: "recv", id: "r", timeout: RECV_MS });
        assert.deepEqual(got.parts.slice(0, 2).map((p: string) => dec.decode(fromB64(p))), [
          "ours",
          "first",
        ]);
        assert.deepEqual(fromB64(got.parts[2]), pattern(300, 1));
        await peer.cmd({ op: "send", id: "r", parts: [b64("ours"), b64("back")] });
        assert.deepEqual(texts(await ours.receive({ timeout: RECV_MS })), ["lz", "back"]);
        assert.equal(codeOf(() => ours.trySend(["lz-announced", "x"])), "EHOSTUNREACH");
      }),
    { skip: SKIP[kind] },
  );

  test(
    `XS_CONNECT_ROUTING_ID on the C face names a libzmq ROUTER (${kind})`,
    () =>
      withPeer(kind, async (_ctx, peer) => {
        // SHALL (as above, through xs_setsockopt and xs_connect): the option is used up.
        await peer.cmd({ op: "socket", id: "r", type: "ROUTER" });
        const { endpoint } = await peer.cmd({ op: "bind", id: "r", endpoint: "tcp://127.0.0.1:*" });
        const c = xs.xs_init()!;
        const s = xs.xs_socket(c, xs.XS_ROUTER)!;
        try {
          assert.equal(xs.xs_setsockopt(s, xs.XS_LINGER, 0), 0);
          assert.equal(xs.xs_setsockopt(s, xs.XS_RCVTIMEO, RECV_MS), 0);
          assert.equal(xs.xs_setsockopt(s, xs.XS_IDENTITY, "c-face"), 0);
          assert.equal(xs.xs_setsockopt(s, xs.XS_CONNECT_ROUTING_ID, "lz"), 0);
          assert.ok(xs.xs_connect(s, endpoint) > 0);
          const len = { value: 8 };
          assert.equal(xs.xs_getsockopt(s, xs.XS_CONNECT_ROUTING_ID, new Uint8Array(8), len), 0);
          assert.equal(len.value, 0);
          assert.equal(xs.xs_send(s, enc.encode("lz"), 2, xs.XS_SNDMORE), 2);
          assert.equal(xs.xs_send(s, enc.encode("ping"), 4, 0), 4);
          const got = await peer.cmd({ op: "recv", id: "r", timeout: RECV_MS });
          assert.deepEqual(got.parts.map((p: string) => dec.decode(fromB64(p))), [
            "c-face",
            "ping",
          ]);
          await peer.cmd({ op: "send", id: "r", parts: [b64("c-face"), b64("pong")] });
          const buf = new Uint8Array(16);
          const n1 = xs.xs_recv(s, buf, buf.length, 0);
          assert.equal(dec.decode(buf.subarray(0, n1)), "lz");
          const n2 = xs.xs_recv(s, buf, buf.length, 0);
          assert.equal(dec.decode(buf.subarray(0, n2)), "pong");
        } finally {
          xs.xs_close(s);
          xs.xs_term(c);
        }
      }),
    { skip: SKIP[kind] },
  );
}
