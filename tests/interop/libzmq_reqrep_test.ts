/**
 * Interoperation with libzmq 4.3 (zeromq.js 6.x in a Node child process) for the
 * request/reply family over tcp, in both bind/connect roles: our REQ ↔ libzmq REP,
 * libzmq REQ ↔ our REP, our DEALER ↔ libzmq ROUTER and libzmq DEALER ↔ our ROUTER, the
 * DEALERs with and without an identity (routing id). The contract (docs/api.md §4):
 * working with a real libzmq peer is promised in both directions, for every pair of
 * compatible socket types. Every receive on either side is bounded.
 *
 * Runs on: the test runner's main thread (Deno or Bun); the libzmq peer runs in Node.
 */
import { Context } from "../../mod.ts";
import { assert, test } from "../_harness.ts";
import {
  describeDiff,
  fromB64,
  pattern,
  peerUnavailable,
  startPeer,
  toB64,
  type ZmqPeer,
} from "./_peer.ts";

const skip = (await peerUnavailable()) ?? false;
/** Bound of every single receive, ms. */
const RECV_MS = 5_000;
/** Request/reply rounds per case. */
const ROUNDS = 20;
const enc = new TextEncoder();

/** A request of round `i`: an empty part, 255 and 256 bytes (frame size boundary), a tag. */
function request(i: number): Uint8Array[] {
  return [new Uint8Array(0), pattern(255, i), pattern(256, i + 1), enc.encode(`req ${i}`)];
}

function assertParts(got: Uint8Array[], want: Uint8Array[], what: string) {
  assert.equal(got.length, want.length, `${what}: ${got.length} parts, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const d = describeDiff(got[i]!, want[i]!);
    assert.equal(d, "equal", `${what}: part ${i}: ${d}`);
  }
}

/** Runs `fn` with a fresh context and libzmq peer; tears everything down, bounded. */
async function withPeer(fn: (ctx: Context, peer: ZmqPeer) => Promise<void>) {
  const ctx = new Context();
  const peer = startPeer();
  try {
    await fn(ctx, peer);
  } finally {
    await peer.close();
    await ctx.term();
  }
}

/** Wires our socket `ours` and the peer's socket `id` over tcp, `weBind` choosing who binds. */
async function wire(
  ours: {
    bind(e: string): Promise<number>;
    connect(e: string): Promise<number>;
    lastEndpoint: string;
  },
  peer: ZmqPeer,
  id: string,
  weBind: boolean,
) {
  if (weBind) {
    await ours.bind("tcp://127.0.0.1:*");
    await peer.cmd({ op: "connect", id, endpoint: ours.lastEndpoint });
  } else {
    const { endpoint } = await peer.cmd({ op: "bind", id, endpoint: "tcp://127.0.0.1:*" });
    await ours.connect(endpoint);
  }
}

for (const weBind of [true, false]) {
  const roles = weBind ? "we bind, libzmq connects" : "libzmq binds, we connect";

  test(
    `Our REQ gets replies from a libzmq REP over tcp (${roles})`,
    () =>
      withPeer(async (ctx, peer) => {
        using req = ctx.socket("REQ", { linger: 0 });
        await peer.cmd({ op: "socket", id: "rep", type: "REP" });
        await wire(req, peer, "rep", weBind);
        for (let i = 0; i < ROUNDS; i++) {
          const q = request(i);
          await req.send(q, { timeout: RECV_MS });
          const got = await peer.cmd({ op: "recv", id: "rep", timeout: RECV_MS });
          assertParts(got.parts.map(fromB64), q, `request ${i} at libzmq`);
          const a = [enc.encode(`rep ${i}`), pattern(300, i)];
          await peer.cmd({ op: "send", id: "rep", parts: a.map(toB64) });
          assertParts(await req.receive({ timeout: RECV_MS }), a, `reply ${i} at ours`);
        }
      }),
    { skip },
  );

  test(
    `A libzmq REQ gets replies from our REP over tcp (${roles})`,
    () =>
      withPeer(async (ctx, peer) => {
        using rep = ctx.socket("REP", { linger: 0 });
        await peer.cmd({ op: "socket", id: "req", type: "REQ" });
        await wire(rep, peer, "req", weBind);
        for (let i = 0; i < ROUNDS; i++) {
          const q = request(i);
          await peer.cmd({ op: "send", id: "req", parts: q.map(toB64) });
          assertParts(await rep.receive({ timeout: RECV_MS }), q, `request ${i} at ours`);
          const a = [enc.encode(`rep ${i}`), new Uint8Array(0)];
          await rep.send(a);
          const got = await peer.cmd({ op: "recv", id: "req", timeout: RECV_MS });
          assertParts(got.parts.map(fromB64), a, `reply ${i} at libzmq`);
        }
      }),
    { skip },
  );

  for (const identity of ["dealer-1", null]) {
    const idText = identity ? `with identity "${identity}"` : "without identity";
    test(
      `Our DEALER ${idText} talks to a libzmq ROUTER over tcp (${roles})`,
      () =>
        withPeer(async (ctx, peer) => {
          using dealer = ctx.socket("DEALER", identity ? { linger: 0, identity } : { linger: 0 });
          await peer.cmd({ op: "socket", id: "router", type: "ROUTER" });
          await wire(dealer, peer, "router", weBind);
          let routingId: Uint8Array | null = null;
          for (let i = 0; i < ROUNDS; i++) {
            const q = request(i);
            await dealer.send(q, { timeout: RECV_MS });
            const got = (await peer.cmd({ op: "recv", id: "router", timeout: RECV_MS })).parts.map(
              fromB64,
            );
            assertParts(got.slice(1), q, `message ${i} at libzmq`);
            if (identity) {
              assert.equal(describeDiff(got[0], enc.encode(identity)), "equal", "routing id");
            } else {
              assert.equal(got[0].length, 5, "libzmq's generated routing id");
              assert.equal(got[0][0], 0);
            }
            if (routingId) {
              assert.equal(describeDiff(got[0], routingId), "equal", "stable routing id");
            }
            routingId = got[0];
            const a = [enc.encode(`back ${i}`), pattern(1000, i)];
            await peer.cmd({ op: "send", id: "router", parts: [got[0], ...a].map(toB64) });
            assertParts(await dealer.receive({ timeout: RECV_MS }), a, `reply ${i} at ours`);
          }
        }),
      { skip },
    );

    test(
      `A libzmq DEALER ${idText} talks to our ROUTER over tcp (${roles})`,
      () =>
        withPeer(async (ctx, peer) => {
          using router = ctx.socket("ROUTER", { linger: 0 });
          await peer.cmd({
            op: "socket",
            id: "dealer",
            type: "DEALER",
            options: identity ? { routingId: identity } : {},
          });
          await wire(router, peer, "dealer", weBind);
          let routingId: Uint8Array | null = null;
          for (let i = 0; i < ROUNDS; i++) {
            const q = request(i);
            await peer.cmd({ op: "send", id: "dealer", parts: q.map(toB64) });
            const got = await router.receive({ timeout: RECV_MS });
            assertParts(got.slice(1), q, `message ${i} at ours`);
            if (identity) {
              assert.equal(describeDiff(got[0]!, enc.encode(identity)), "equal", "identity");
            } else {
              assert.equal(got[0]!.length, 5, "our generated identity");
              assert.equal(got[0]![0], 0);
            }
            if (routingId) {
              assert.equal(describeDiff(got[0]!, routingId), "equal", "stable identity");
            }
            routingId = got[0]!;
            const a = [enc.encode(`back ${i}`), new Uint8Array(0), pattern(70_000, i)];
            await router.send([got[0]!, ...a]);
            const r = await peer.cmd({ op: "recv", id: "dealer", timeout: RECV_MS });
            assertParts(r.parts.map(fromB64), a, `reply ${i} at libzmq`);
          }
        }),
      { skip },
    );
  }
}
