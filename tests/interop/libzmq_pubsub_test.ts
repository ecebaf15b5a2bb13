/**
 * Interoperation with libzmq 4.3 (zeromq.js in a Node child process) for publish/
 * subscribe over tcp and ipc, both bind/connect roles (docs/api.md §4; docs/wire.md §2.3, §3.7):
 * a libzmq PUB feeds our SUB, which filters by prefix; our PUB feeds a libzmq SUB and
 * sends it only what it subscribed to; our XPUB sees a libzmq SUB's subscriptions in the
 * Crossroads form `00 01 00 01 topic` (a topic of 1.5 MB too); a libzmq XPUB sees our SUB's as
 * `01 topic`.
 *
 * A PUB drops what is published before a subscription arrived, so each case first
 * publishes a "sync" probe until the subscriber gets one. Every receive is bounded.
 *
 * Runs on: the test runner's main thread (Deno or Bun); the libzmq peer runs in Node.
 */
import { Context, type Socket, XsError } from "../../mod.ts";
import { assert, hexOf as hex, removeDir, tempDir, test } from "../_harness.ts";
import { fromB64, peerUnavailable, startPeer, toB64, type ZmqPeer } from "./_peer.ts";

const skip = (await peerUnavailable()) ?? false;
const TRANSPORTS = ["tcp", "ipc"] as const;
type Transport = typeof TRANSPORTS[number];
const enc = new TextEncoder(), dec = new TextDecoder();
const b64 = (s: string) => toB64(enc.encode(s));
const DEADLINE_MS = 10_000;

function bindEndpoint(t: Transport): { endpoint: string; dir?: string } {
  if (t === "tcp") return { endpoint: "tcp://127.0.0.1:*" };
  const dir = tempDir();
  return { endpoint: `ipc://${dir}/interop.sock`, dir };
}

async function withPeer(fn: (ctx: Context, peer: ZmqPeer, dirs: string[]) => Promise<void>) {
  const ctx = new Context();
  const peer = startPeer();
  const dirs: string[] = [];
  try {
    await fn(ctx, peer, dirs);
  } finally {
    await peer.close();
    await ctx.term();
    for (const d of dirs) removeDir(d);
  }
}

/** Wires our socket `ours` and the peer's socket `id`: one binds, the other connects. */
async function wire(
  ours: Socket,
  peer: ZmqPeer,
  id: string,
  t: Transport,
  weBind: boolean,
  dirs: string[],
) {
  const { endpoint: ep, dir } = bindEndpoint(t);
  if (dir) dirs.push(dir);
  if (weBind) {
    await ours.bind(ep);
    await peer.cmd({ op: "connect", id, endpoint: ours.lastEndpoint });
  } else {
    const { endpoint } = await peer.cmd({ op: "bind", id, endpoint: ep });
    await ours.connect(endpoint);
  }
}

for (const t of TRANSPORTS) {
  for (const weBind of [true, false]) {
    const roles = weBind ? "we bind, libzmq connects" : "libzmq binds, we connect";

    test(
      `A libzmq PUB feeds our SUB, which keeps only its prefixes, over ${t} (${roles})`,
      () =>
        withPeer(async (ctx, peer, dirs) => {
          using sub = ctx.socket("SUB");
          await peer.cmd({ op: "socket", id: "pub", type: "PUB" });
          sub.subscribe("A");
          sub.subscribe("sync");
          await wire(sub, peer, "pub", t, weBind, dirs);
          const end = Date.now() + DEADLINE_MS;
          for (;;) {
            await peer.cmd({ op: "send", id: "pub", parts: [b64("sync")] });
            try {
              if (dec.decode((await sub.receive({ timeout: 100 }))[0]) === "sync") break;
            } catch (e) {
              if (!(e instanceof XsError && e.code === "EAGAIN") || Date.now() > end) throw e;
            }
          }
          await peer.cmd({
            op: "sendMany",
            id: "pub",
            messages: [["B1"], ["A1", "tail"], ["xA"], ["A2"]].map((m) => m.map(b64)),
          });
          const got: string[] = [];
          while (got.length < 2) {
            const m = (await sub.receive({ timeout: 5000 })).map((p) => dec.decode(p)).join("|");
            if (m !== "sync") got.push(m);
          }
          assert.deepEqual(got, ["A1|tail", "A2"]);
          assert.equal(sub.tryReceive(), null);
        }),
      { skip },
    );

    test(
      `Our PUB sends a libzmq SUB only what it subscribed to over ${t} (${roles})`,
      () =>
        withPeer(async (ctx, peer, dirs) => {
          using pub = ctx.socket("PUB");
          await peer.cmd({ op: "socket", id: "sub", type: "SUB" });
          await peer.cmd({ op: "subscribe", id: "sub", prefix: b64("A") });
          await peer.cmd({ op: "subscribe", id: "sub", prefix: b64("sync") });
          await wire(pub, peer, "sub", t, weBind, dirs);
          const end = Date.now() + DEADLINE_MS;
          for (;;) {
            await pub.send("sync");
            const r = await peer.raw({ op: "recv", id: "sub", timeout: 100 });
            if (r.ok) break;
            assert.ok(Date.now() < end, "the libzmq SUB's subscriptions never reached our PUB");
          }
          await pub.send("B1");
          await pub.send(["A1", "tail"]);
          await pub.send("A2");
          const got: string[] = [];
          while (got.length < 2) {
            const r = await peer.cmd({ op: "recv", id: "sub", timeout: 5000 });
            const m = r.parts.map((p: string) => dec.decode(fromB64(p))).join("|");
            if (m !== "sync") got.push(m);
          }
          assert.deepEqual(got, ["A1|tail", "A2"]);
        }),
      { skip },
    );

    test(
      `Our XPUB sees a libzmq SUB's subscriptions in the Crossroads form over ${t} (${roles})`,
      () =>
        withPeer(async (ctx, peer, dirs) => {
          using xpub = ctx.socket("XPUB");
          await peer.cmd({ op: "socket", id: "sub", type: "SUB" });
          await wire(xpub, peer, "sub", t, weBind, dirs);
          await peer.cmd({ op: "subscribe", id: "sub", prefix: b64("topic") });
          // libzmq hands an idle bound SUB's subscriptions to a new connection only when
          // a call on that socket lets it process the attach: poke it until we hear.
          let first: Uint8Array | null = null;
          for (let i = 0; i < 50 && !first; i++) {
            first = (await xpub.receive({ timeout: 100 }).catch(() => null))?.[0] ?? null;
            if (!first) await peer.cmd({ op: "touch", id: "sub" });
          }
          assert.ok(first, "no subscription within 5 s");
          assert.equal(hex(first), "00 01 00 01 74 6f 70 69 63");
          await peer.cmd({ op: "subscribe", id: "sub" });
          assert.equal(hex((await xpub.receive({ timeout: 5000 }))[0]!), "00 01 00 01");
        }),
      { skip },
    );

    test(
      `A libzmq XPUB sees our SUB's subscriptions as 01 topic over ${t} (${roles})`,
      () =>
        withPeer(async (ctx, peer, dirs) => {
          using sub = ctx.socket("SUB");
          await peer.cmd({ op: "socket", id: "xpub", type: "XPUB" });
          sub.subscribe("topic");
          await wire(sub, peer, "xpub", t, weBind, dirs);
          const r = await peer.cmd({ op: "recv", id: "xpub", timeout: 5000 });
          assert.deepEqual(r.parts.map((p: string) => hex(fromB64(p))), ["01 74 6f 70 69 63"]);
          sub.unsubscribe("topic");
          const r2 = await peer.cmd({ op: "recv", id: "xpub", timeout: 5000 });
          assert.deepEqual(r2.parts.map((p: string) => hex(fromB64(p))), ["00 74 6f 70 69 63"]);
        }),
      { skip },
    );
  }
}

test(
  "A libzmq SUB's 1.5 MB subscription reaches our XPUB whole, and it gets what it asked for",
  () =>
    withPeer(async (ctx, peer, dirs) => {
      // Larger than half of a connection's IN ring: lib/session/inbound.ts streams it in.
      const topic = new Uint8Array(1_500_000).fill(0x54);
      topic.set(enc.encode("|end"), topic.length - 4);
      using xpub = ctx.socket("XPUB");
      await peer.cmd({ op: "socket", id: "sub", type: "SUB" });
      await wire(xpub, peer, "sub", "tcp", true, dirs);
      await peer.cmd({ op: "subscribe", id: "sub", prefix: toB64(topic) });
      let first: Uint8Array | null = null;
      for (let i = 0; i < 100 && !first; i++) {
        first = (await xpub.receive({ timeout: 100 }).catch(() => null))?.[0] ?? null;
        if (!first) await peer.cmd({ op: "touch", id: "sub" });
      }
      assert.ok(first, "no subscription within 10 s");
      assert.equal(first.length, 4 + topic.length);
      assert.equal(hex(first.subarray(0, 4)), "00 01 00 01");
      assert.ok(first.subarray(4).every((v, i) => v === topic[i]), "the topic arrived whole");
      const body = new Uint8Array(topic.length + 3);
      body.set(topic);
      body.set(enc.encode("msg"), topic.length);
      await xpub.send(body);
      const r = await peer.cmd({ op: "recv", id: "sub", timeout: DEADLINE_MS });
      const got = fromB64(r.parts[0]);
      assert.equal(got.length, body.length);
      assert.equal(dec.decode(got.subarray(topic.length)), "msg");
    }),
  { skip },
);
