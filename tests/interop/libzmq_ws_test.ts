/**
 * Interoperation with libzmq 4.3 (zeromq.js 6.8 in a Node child process, a draft build that
 * has the ws transport) over ZeroMQ over WebSocket: ZWS 2.0, ZeroMQ RFC 45, docs/wire.md §6.
 * Endpoints are `ws://127.0.0.1:<port>/zmq`, both bind/connect roles for every pair of
 * compatible socket types (docs/api.md §4):
 * - PUSH/PULL both ways: a multipart message with a zero-length part, parts of 255 and 256
 *   bytes and a 100 KiB part (the WebSocket 7-bit, 16-bit and 64-bit length forms), then
 *   1000 numbered messages that must arrive in order;
 * - PAIR both ways at once; REQ/REP; DEALER/ROUTER with and without an identity;
 * - PUB/SUB: a libzmq PUB feeds our SUB, which keeps only its prefixes; our PUB sends a
 *   libzmq SUB only what it subscribed to; a libzmq XPUB sees our SUB's subscriptions as
 *   `01 topic` / `00 topic` (over ZWS libzmq reads subscriptions only in that data form: it
 *   ignores SUBSCRIBE commands);
 * - heartbeats (WebSocket ping/pong): libzmq's pings are answered, ours are answered.
 * At the end, zeromq.js ↔ zeromq.js over ws through two peer processes: a self-check of the
 * peer side, which passes whatever state our ws transport is in.
 *
 * libzmq facts these cases lean on: a ws bind takes a port of 0 or `*` and reports the
 * port and path in its last endpoint; a path of one segment only (a bind to `/a/b` fails,
 * a connect to `/a/b` asks for `/b`); its server does not check the path. Every receive on
 * either side is bounded (5 s).
 *
 * Runs on: the test runner's main thread (Deno or Bun); the libzmq peers run in Node.
 */
import { Context, type Socket, XsError } from "../../mod.ts";
import { assert, delay, hexOf as hex, test } from "../_harness.ts";
import {
  describeDiff,
  fromB64,
  pattern,
  peerUnavailable,
  seqIndex,
  seqMessage,
  startPeer,
  toB64,
  type ZmqPeer,
} from "./_peer.ts";

/** Null if the peer's libzmq binds ws:// (a draft build), else the reason. */
async function wsUnavailable(): Promise<string | null> {
  const peer = startPeer();
  try {
    const r = await peer.cmd({ op: "transports" });
    return r.ws ? null : `libzmq ${r.version} of zeromq.js has no ws transport (not a draft build)`;
  } catch (e) {
    return `the libzmq peer cannot say which transports it has: ${(e as Error).message}`;
  } finally {
    await peer.close();
  }
}

const skip = (await peerUnavailable()) ?? (await wsUnavailable()) ?? false;
/** Bound of every single receive, ms. */
const RECV_MS = 5_000;
/** Numbered messages per stream. */
const COUNT = 1000;
/** Request/reply rounds per case. */
const ROUNDS = 20;
/** How long a publisher may take to see a subscription, ms. */
const SUB_DEADLINE_MS = 10_000;
/** The path every endpoint carries (libzmq: one segment only). */
const PATH = "/zmq";
/** Bind endpoints with the two spellings of "any free port". */
const BIND_ZERO = `ws://127.0.0.1:0${PATH}`;
const BIND_ANY = `ws://127.0.0.1:*${PATH}`;
/** A bound ws endpoint: the port resolved, the path kept. */
const BOUND = /^ws:\/\/127\.0\.0\.1:[1-9]\d*\/zmq$/;
const enc = new TextEncoder(), dec = new TextDecoder();
const b64 = (s: string) => toB64(enc.encode(s));
const ROLES = [true, false] as const;
const rolesOf = (weBind: boolean) =>
  weBind ? "we bind, libzmq connects" : "libzmq binds, we connect";

/** The multipart message of the PUSH/PULL cases: empty, 255, 256 bytes, 100 KiB, one byte. */
function bigMultipart(): Uint8Array[] {
  return [
    new Uint8Array(0),
    pattern(255, 1),
    pattern(256, 2),
    pattern(100 * 1024, 3),
    pattern(1, 4),
  ];
}

/** A request of round `i`: an empty part, 255 and 256 bytes, a tag. */
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

/**
 * Wires our socket `ours` and the peer's socket `id` over ws: one binds (`bindAt`, a free
 * port), the other connects to the endpoint the binder reports. Returns that endpoint.
 */
async function wire(
  ours: Socket,
  peer: ZmqPeer,
  id: string,
  weBind: boolean,
  bindAt = BIND_ANY,
): Promise<string> {
  if (weBind) {
    await ours.bind(bindAt);
    assert.match(ours.lastEndpoint, BOUND, "our bound ws endpoint");
    await peer.cmd({ op: "connect", id, endpoint: ours.lastEndpoint });
    return ours.lastEndpoint;
  }
  const { endpoint } = await peer.cmd({ op: "bind", id, endpoint: bindAt });
  assert.match(endpoint, BOUND, "libzmq's bound ws endpoint");
  await ours.connect(endpoint);
  return endpoint;
}

/** Receives (with `next`) the `COUNT` numbered messages of `sendSeq`, `size` bytes each. */
async function receiveSeq(next: () => Promise<Uint8Array[]>, size: number) {
  for (let i = 0; i < COUNT; i++) {
    const m = await next();
    assert.equal(m.length, 1, `message ${i} has ${m.length} parts`);
    assert.equal(
      describeDiff(m[0]!, seqMessage(i, size)),
      "equal",
      `message ${i} (index ${seqIndex(m[0]!)})`,
    );
  }
}

/** Checks the `COUNT` numbered messages (`size` bytes each) a `recvMany` of the peer got. */
function assertSeq(messages: string[][], size: number) {
  assert.equal(messages.length, COUNT);
  for (let i = 0; i < COUNT; i++) {
    assert.equal(messages[i]!.length, 1, `message ${i} has ${messages[i]!.length} parts`);
    const b = fromB64(messages[i]![0]!);
    assert.equal(
      describeDiff(b, seqMessage(i, size)),
      "equal",
      `message ${i} (index ${seqIndex(b)})`,
    );
  }
}

// ---- PUSH/PULL ----

for (const weBind of ROLES) {
  test(
    `Our PUSH feeds a libzmq PULL over ws (${rolesOf(weBind)})`,
    () =>
      withPeer(async (ctx, peer) => {
        using push = ctx.socket("PUSH", { linger: 0 });
        await peer.cmd({ op: "socket", id: "pull", type: "PULL" });
        await wire(push, peer, "pull", weBind, BIND_ZERO);

        const big = bigMultipart();
        await push.send(big, { timeout: RECV_MS });
        const r = await peer.cmd({ op: "recv", id: "pull", timeout: RECV_MS });
        assertParts(r.parts.map(fromB64), big, "multipart at libzmq");

        // Ask for all of them first so neither side waits on the other's HWM.
        const pending = peer.cmd(
          { op: "recvMany", id: "pull", count: COUNT, timeout: 15_000 },
          20_000,
        );
        for (let i = 0; i < COUNT; i++) await push.send(seqMessage(i, 8), { timeout: RECV_MS });
        assertSeq((await pending).messages, 8);
      }),
    { skip },
  );

  test(
    `A libzmq PUSH feeds our PULL over ws (${rolesOf(weBind)})`,
    () =>
      withPeer(async (ctx, peer) => {
        using pull = ctx.socket("PULL", { linger: 0 });
        await peer.cmd({ op: "socket", id: "push", type: "PUSH" });
        await wire(pull, peer, "push", weBind, BIND_ZERO);

        const big = bigMultipart();
        await peer.cmd({ op: "send", id: "push", parts: big.map(toB64) });
        assertParts(await pull.receive({ timeout: RECV_MS }), big, "multipart at ours");

        const pending = peer.cmd(
          { op: "sendSeq", id: "push", count: COUNT, size: 8, timeout: 15_000 },
          20_000,
        );
        await receiveSeq(() => pull.receive({ timeout: RECV_MS }), 8);
        assert.equal((await pending).sent, COUNT);
      }),
    { skip },
  );
}

// ---- PAIR ----

for (const weBind of ROLES) {
  test(
    `Our PAIR and a libzmq PAIR exchange messages both ways over ws (${rolesOf(weBind)})`,
    () =>
      withPeer(async (ctx, peer) => {
        using pair = ctx.socket("PAIR", { linger: 0 });
        await peer.cmd({ op: "socket", id: "pair", type: "PAIR" });
        await wire(pair, peer, "pair", weBind);
        const big = bigMultipart();
        for (let round = 0; round < 3; round++) {
          const out = [pattern(10, round), ...big.slice(round, round + 2)];
          await pair.send(out, { timeout: RECV_MS });
          const r = await peer.cmd({ op: "recv", id: "pair", timeout: RECV_MS });
          assertParts(r.parts.map(fromB64), out, `round ${round} at libzmq`);
          const back = [...out, enc.encode(`reply ${round}`)];
          await peer.cmd({ op: "send", id: "pair", parts: back.map(toB64) });
          assertParts(await pair.receive({ timeout: RECV_MS }), back, `round ${round} at ours`);
        }
        // A stream each way.
        const pending = peer.cmd(
          { op: "recvMany", id: "pair", count: COUNT, timeout: 15_000 },
          20_000,
        );
        for (let i = 0; i < COUNT; i++) await pair.send(seqMessage(i), { timeout: RECV_MS });
        assertSeq((await pending).messages, 4);
        const sending = peer.cmd(
          { op: "sendSeq", id: "pair", count: COUNT, timeout: 15_000 },
          20_000,
        );
        await receiveSeq(() => pair.receive({ timeout: RECV_MS }), 4);
        assert.equal((await sending).sent, COUNT);
      }),
    { skip },
  );
}

// ---- REQ/REP ----

for (const weBind of ROLES) {
  test(
    `Our REQ gets replies from a libzmq REP over ws (${rolesOf(weBind)})`,
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
    `A libzmq REQ gets replies from our REP over ws (${rolesOf(weBind)})`,
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
          await rep.send(a, { timeout: RECV_MS });
          const got = await peer.cmd({ op: "recv", id: "req", timeout: RECV_MS });
          assertParts(got.parts.map(fromB64), a, `reply ${i} at libzmq`);
        }
      }),
    { skip },
  );
}

// ---- DEALER/ROUTER ----

for (const weBind of ROLES) {
  for (const identity of ["dealer-1", null]) {
    const idText = identity ? `with identity "${identity}"` : "without identity";

    test(
      `Our DEALER ${idText} talks to a libzmq ROUTER over ws (${rolesOf(weBind)})`,
      () =>
        withPeer(async (ctx, peer) => {
          using dealer = ctx.socket("DEALER", identity ? { linger: 0, identity } : { linger: 0 });
          await peer.cmd({ op: "socket", id: "router", type: "ROUTER" });
          await wire(dealer, peer, "router", weBind);
          let routingId: Uint8Array | null = null;
          for (let i = 0; i < ROUNDS; i++) {
            const q = request(i);
            await dealer.send(q, { timeout: RECV_MS });
            const got: Uint8Array[] = (await peer.cmd({
              op: "recv",
              id: "router",
              timeout: RECV_MS,
            })).parts.map(fromB64);
            assertParts(got.slice(1), q, `message ${i} at libzmq`);
            if (identity) {
              assert.equal(describeDiff(got[0]!, enc.encode(identity)), "equal", "routing id");
            } else {
              assert.equal(got[0]!.length, 5, "libzmq's generated routing id");
              assert.equal(got[0]![0], 0);
            }
            if (routingId) {
              assert.equal(describeDiff(got[0]!, routingId), "equal", "stable routing id");
            }
            routingId = got[0]!;
            const a = [enc.encode(`back ${i}`), pattern(1000, i)];
            await peer.cmd({ op: "send", id: "router", parts: [got[0]!, ...a].map(toB64) });
            assertParts(await dealer.receive({ timeout: RECV_MS }), a, `reply ${i} at ours`);
          }
        }),
      { skip },
    );

    test(
      `A libzmq DEALER ${idText} talks to our ROUTER over ws (${rolesOf(weBind)})`,
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
            await router.send([got[0]!, ...a], { timeout: RECV_MS });
            const r = await peer.cmd({ op: "recv", id: "dealer", timeout: RECV_MS });
            assertParts(r.parts.map(fromB64), a, `reply ${i} at libzmq`);
          }
        }),
      { skip },
    );
  }
}

// ---- PUB/SUB ----

for (const weBind of ROLES) {
  test(
    `A libzmq PUB feeds our SUB, which keeps only its prefixes, over ws (${rolesOf(weBind)})`,
    () =>
      withPeer(async (ctx, peer) => {
        using sub = ctx.socket("SUB", { linger: 0 });
        await peer.cmd({ op: "socket", id: "pub", type: "PUB" });
        sub.subscribe("A");
        sub.subscribe("sync");
        await wire(sub, peer, "pub", weBind);
        // A PUB drops what it publishes before the subscription arrived: probe until one
        // "sync" gets through (libzmq reads only 00 01 <topic> data frames as subscriptions
        // over ZWS, so this also proves that form).
        const end = Date.now() + SUB_DEADLINE_MS;
        for (;;) {
          await peer.cmd({ op: "send", id: "pub", parts: [b64("sync")] });
          try {
            if (dec.decode((await sub.receive({ timeout: 100 }))[0]) === "sync") break;
          } catch (e) {
            if (!(e instanceof XsError && e.code === "EAGAIN")) throw e;
            assert.ok(Date.now() < end, "our SUB's subscriptions never reached the libzmq PUB");
          }
        }
        await peer.cmd({
          op: "sendMany",
          id: "pub",
          messages: [["B1"], ["A1", "tail"], ["xA"], ["A2"], ["syn"]].map((m) => m.map(b64)),
        });
        const got: string[] = [];
        while (got.length < 2) {
          const m = (await sub.receive({ timeout: RECV_MS })).map((p) => dec.decode(p)).join("|");
          if (m !== "sync") got.push(m);
        }
        assert.deepEqual(got, ["A1|tail", "A2"]);
        await delay(100);
        assert.equal(sub.tryReceive(), null);
      }),
    { skip },
  );

  test(
    `Our PUB sends a libzmq SUB only what it subscribed to over ws (${rolesOf(weBind)})`,
    () =>
      withPeer(async (ctx, peer) => {
        using pub = ctx.socket("PUB", { linger: 0 });
        await peer.cmd({ op: "socket", id: "sub", type: "SUB" });
        await peer.cmd({ op: "subscribe", id: "sub", prefix: b64("A") });
        await peer.cmd({ op: "subscribe", id: "sub", prefix: b64("sync") });
        await wire(pub, peer, "sub", weBind);
        const end = Date.now() + SUB_DEADLINE_MS;
        for (;;) {
          await pub.send("sync");
          const r = await peer.raw({ op: "recv", id: "sub", timeout: 100 });
          if (r.ok) break;
          assert.ok(Date.now() < end, "the libzmq SUB's subscriptions never reached our PUB");
        }
        await pub.send("B1");
        await pub.send(["A1", "tail"]);
        await pub.send("xA");
        await pub.send("A2");
        await pub.send("end"); // not subscribed: must not arrive either
        const got: string[] = [];
        while (got.length < 2) {
          const r = await peer.cmd({ op: "recv", id: "sub", timeout: RECV_MS });
          const m = r.parts.map((p: string) => dec.decode(fromB64(p))).join("|");
          if (m !== "sync") got.push(m);
        }
        assert.deepEqual(got, ["A1|tail", "A2"]);
        const more = await peer.raw({ op: "recv", id: "sub", timeout: 200 });
        assert.equal(more.ok, false, `an unsubscribed message arrived: ${JSON.stringify(more)}`);
      }),
    { skip },
  );

  test(
    `A libzmq XPUB sees our SUB's subscriptions as 01 topic over ws (${rolesOf(weBind)})`,
    () =>
      withPeer(async (ctx, peer) => {
        using sub = ctx.socket("SUB", { linger: 0 });
        await peer.cmd({ op: "socket", id: "xpub", type: "XPUB" });
        sub.subscribe("topic");
        await wire(sub, peer, "xpub", weBind);
        const r = await peer.cmd({ op: "recv", id: "xpub", timeout: RECV_MS });
        assert.deepEqual(r.parts.map((p: string) => hex(fromB64(p))), ["01 74 6f 70 69 63"]);
        sub.unsubscribe("topic");
        const r2 = await peer.cmd({ op: "recv", id: "xpub", timeout: RECV_MS });
        assert.deepEqual(r2.parts.map((p: string) => hex(fromB64(p))), ["00 74 6f 70 69 63"]);
      }),
    { skip },
  );
}

// ---- heartbeats: WebSocket ping (opcode 9) and pong (opcode 10) ----

/**
 * Checks that libzmq's monitor of socket `id` saw one connection and no disconnect. Call
 * it while our socket is open (closing it is a disconnect).
 */
async function assertOneConnection(peer: ZmqPeer, id: string, weBind: boolean) {
  const r = await peer.cmd({ op: "events", id });
  const types = (r.events as { type: string }[]).map((e) => e.type);
  assert.ok(!types.includes("disconnect"), `libzmq's events: ${types.join(", ")}`);
  const opened = types.filter((t) => t === (weBind ? "connect" : "accept")).length;
  assert.equal(opened, 1, `one connection, libzmq's events: ${types.join(", ")}`);
}

for (const weBind of ROLES) {
  // 100 ms interval, 300 ms timeout: an unanswered ping ends the connection within 0.4 s
  // (libzmq's monitor then shows a disconnect, and a reconnect follows).
  const hb = { heartbeatInterval: 100, heartbeatTimeout: 300 };

  test(
    `We answer a libzmq PUSH's WebSocket pings, so the connection stays, over ws (${
      rolesOf(weBind)
    })`,
    () =>
      withPeer(async (ctx, peer) => {
        using pull = ctx.socket("PULL", { linger: 0 });
        await peer.cmd({ op: "socket", id: "z", type: "PUSH", options: hb });
        await peer.cmd({ op: "monitor", id: "z" });
        await wire(pull, peer, "z", weBind);
        await peer.cmd({ op: "send", id: "z", parts: [b64("before")] });
        assert.equal(dec.decode((await pull.receive({ timeout: RECV_MS }))[0]), "before");
        await delay(1_500); // fifteen pings, nothing else on the wire
        await peer.cmd({ op: "send", id: "z", parts: [b64("after")] });
        assert.equal(dec.decode((await pull.receive({ timeout: RECV_MS }))[0]), "after");
        await assertOneConnection(peer, "z", weBind);
      }),
    { skip },
  );

  test(
    `A libzmq PULL answers our PUSH's WebSocket pings, so the connection stays, over ws (${
      rolesOf(weBind)
    })`,
    () =>
      withPeer(async (ctx, peer) => {
        using push = ctx.socket("PUSH", { linger: 0, ...hb });
        await peer.cmd({ op: "socket", id: "z", type: "PULL" });
        await peer.cmd({ op: "monitor", id: "z" });
        await wire(push, peer, "z", weBind);
        await push.send("before", { timeout: RECV_MS });
        const r = await peer.cmd({ op: "recv", id: "z", timeout: RECV_MS });
        assert.equal(dec.decode(fromB64(r.parts[0])), "before");
        await delay(1_500);
        await push.send("after", { timeout: RECV_MS });
        const r2 = await peer.cmd({ op: "recv", id: "z", timeout: RECV_MS });
        assert.equal(dec.decode(fromB64(r2.parts[0])), "after");
        await assertOneConnection(peer, "z", weBind);
      }),
    { skip },
  );
}

// ---- self-check of the peer side: zeromq.js ↔ zeromq.js over ws ----

/** Runs `fn` with two libzmq peers in separate processes. */
async function withTwoPeers(fn: (a: ZmqPeer, b: ZmqPeer) => Promise<void>) {
  const a = startPeer(), b = startPeer();
  try {
    await fn(a, b);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

test(
  "Self-check: two zeromq.js peers talk PUSH/PULL, REQ/REP and PUB/SUB over ws",
  () =>
    withTwoPeers(async (a, b) => {
      // PUSH/PULL, the bind on port 0.
      await a.cmd({ op: "socket", id: "pull", type: "PULL" });
      const { endpoint } = await a.cmd({ op: "bind", id: "pull", endpoint: BIND_ZERO });
      assert.match(endpoint, BOUND);
      await b.cmd({ op: "socket", id: "push", type: "PUSH" });
      await b.cmd({ op: "connect", id: "push", endpoint });
      const big = bigMultipart();
      await b.cmd({ op: "send", id: "push", parts: big.map(toB64) });
      const r = await a.cmd({ op: "recv", id: "pull", timeout: RECV_MS });
      assertParts(r.parts.map(fromB64), big, "multipart");
      const pending = a.cmd({ op: "recvMany", id: "pull", count: COUNT, timeout: 15_000 }, 20_000);
      await b.cmd({ op: "sendSeq", id: "push", count: COUNT, size: 8, timeout: 15_000 }, 20_000);
      assertSeq((await pending).messages, 8);

      // REQ/REP, the bind on port *.
      await b.cmd({ op: "socket", id: "rep", type: "REP" });
      const rep = await b.cmd({ op: "bind", id: "rep", endpoint: BIND_ANY });
      assert.match(rep.endpoint, BOUND);
      await a.cmd({ op: "socket", id: "req", type: "REQ" });
      await a.cmd({ op: "connect", id: "req", endpoint: rep.endpoint });
      for (let i = 0; i < 3; i++) {
        const q = request(i);
        await a.cmd({ op: "send", id: "req", parts: q.map(toB64) });
        const got = await b.cmd({ op: "recv", id: "rep", timeout: RECV_MS });
        assertParts(got.parts.map(fromB64), q, `request ${i}`);
        await b.cmd({ op: "send", id: "rep", parts: [b64(`rep ${i}`)] });
        const back = await a.cmd({ op: "recv", id: "req", timeout: RECV_MS });
        assert.equal(dec.decode(fromB64(back.parts[0])), `rep ${i}`);
      }

      // PUB/SUB with a prefix, the SUB bound.
      await a.cmd({ op: "socket", id: "sub", type: "SUB" });
      await a.cmd({ op: "subscribe", id: "sub", prefix: b64("A") });
      const sub = await a.cmd({ op: "bind", id: "sub", endpoint: BIND_ANY });
      await b.cmd({ op: "socket", id: "pub", type: "PUB" });
      await b.cmd({ op: "connect", id: "pub", endpoint: sub.endpoint });
      const end = Date.now() + SUB_DEADLINE_MS;
      for (;;) {
        await b.cmd({ op: "send", id: "pub", parts: [b64("A0")] });
        if ((await a.raw({ op: "recv", id: "sub", timeout: 100 })).ok) break;
        assert.ok(Date.now() < end, "the subscription never reached the PUB");
      }
      await b.cmd({
        op: "sendMany",
        id: "pub",
        messages: [["B1"], ["A1"], ["A2"]].map((m) => m.map(b64)),
      });
      const seen: string[] = [];
      while (seen.length < 2) {
        const m = await a.cmd({ op: "recv", id: "sub", timeout: RECV_MS });
        const t = dec.decode(fromB64(m.parts[0]));
        if (t !== "A0") seen.push(t);
      }
      assert.deepEqual(seen, ["A1", "A2"]);
    }),
  { skip },
);
