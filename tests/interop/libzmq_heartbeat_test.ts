/**
 * ZMTP/3.1 heartbeats (RFC 37 PING/PONG, docs/wire.md §7) against libzmq, in both
 * directions and with both bindings: zeromq.js (libzmq 4.3.5, Node) and pyzmq (libzmq
 * 4.3.4, Python), each in a child process.
 *
 * The scene: our PUSH binds; a libzmq PULL (A, monitored) and a PULL of ours (B) connect.
 * - Our heartbeats on (interval 100 ms, timeout 300 ms): libzmq answers our PINGs, so over
 *   ten intervals A's monitor sees one handshake and no disconnect, and messages reach A
 *   and B in turn. Then A's process is frozen (SIGSTOP): our unanswered PINGs time out,
 *   we close A's connection, and the PUSH sends everything to B.
 * - libzmq's heartbeats on (its ZMQ_HEARTBEAT_IVL 100, _TIMEOUT 300, _TTL 500), ours off:
 *   we answer its PINGs, so libzmq keeps the connection (no disconnect in its monitor);
 *   frozen, it stops pinging and the TTL in its last PING makes us close within 0.5 s.
 * In both, once the process continues (SIGCONT), libzmq finds its connection closed and
 * reconnects, and messages reach it again. A control case shows that without heartbeats
 * the frozen peer keeps its share of the messages (the freeze alone drops nothing).
 *
 * Runs on: the test runner's main thread (Deno or Bun); the libzmq peers in their children.
 */
import process from "node:process";
import { Context, type Socket, type SocketOptions } from "../../mod.ts";
import { assert, delay, test, waitFor } from "../_harness.ts";
import { fromB64, type PeerKind, peerSkips, startPeer, type ZmqPeer } from "./_peer.ts";

const SKIP = await peerSkips();
/** How long a frozen peer may stay routed to, at most, with a 300 ms timeout or 500 ms TTL. */
const DETECT_MS = 2_000;
const enc = new TextEncoder(), dec = new TextDecoder();

/** The scene above; `fn` runs with it and the peer's pid; the peer always ends unfrozen. */
async function scene(
  kind: PeerKind,
  ours: SocketOptions,
  theirs: Record<string, number>,
  fn: (s: { push: Socket<"PUSH">; b: Socket<"PULL">; peer: ZmqPeer; pid: number }) => Promise<void>,
) {
  await using ctx = new Context();
  const peer = startPeer(kind);
  let pid = 0;
  try {
    using push = ctx.socket("PUSH", { linger: 0, ...ours });
    await push.bind("tcp://127.0.0.1:*");
    using b = ctx.socket("PULL");
    await b.connect(push.lastEndpoint);
    await push.send("warm"); // waits for B's pipe
    assert.equal(await b.receiveText({ timeout: 5_000 }), "warm");
    pid = (await peer.cmd({ op: "pid" })).pid;
    await peer.cmd({ op: "socket", id: "a", type: "PULL", options: theirs });
    await peer.cmd({ op: "monitor", id: "a" });
    await peer.cmd({ op: "connect", id: "a", endpoint: push.lastEndpoint });
    await waitFor(async () => (await count(peer, "handshake")) >= 1, 5_000, "libzmq's handshake");
    await fn({ push, b, peer, pid });
  } finally {
    if (pid) signal(pid, "SIGCONT");
    await peer.close();
  }
}

function signal(pid: number, sig: "SIGSTOP" | "SIGCONT") {
  try {
    process.kill(pid, sig);
  } catch { /* gone already */ }
}

/** How many events of `type` libzmq's monitor of A recorded. */
async function count(peer: ZmqPeer, type: string): Promise<number> {
  const r = await peer.cmd({ op: "events", id: "a" });
  return (r.events as { type: string }[]).filter((e) => e.type === type).length;
}

/** Sends `n` messages; returns how many went to A and to B (each checked whole). */
async function spread(push: Socket<"PUSH">, b: Socket<"PULL">, peer: ZmqPeer, n: number) {
  const tag = `s${Math.random().toString(36).slice(2, 6)}-`;
  for (let i = 0; i < n; i++) await push.send(`${tag}${i}`);
  const got = new Set<string>();
  for (;;) {
    const m = await b.receive({ timeout: 300 }).catch(() => null);
    if (!m) break;
    got.add(dec.decode(m[0]));
  }
  const atB = got.size;
  // A may first deliver what was sent to it before: messages that reached its process's
  // socket buffer while it was frozen, read after SIGCONT. Only this round's count.
  while (got.size < n) {
    const r = await peer.cmd({ op: "recv", id: "a", timeout: 5_000 });
    const m = dec.decode(fromB64((r.parts as string[])[0]!));
    if (m.startsWith(tag)) got.add(m);
  }
  for (let i = 0; i < n; i++) assert.ok(got.has(`${tag}${i}`), `message ${i} arrived`);
  return { a: n - atB, b: atB };
}

/**
 * Sends a message every few ms until eight in a row reach B: the PUSH no longer routes to
 * A. Returns when the first of those eight was sent, in ms after `t0`; -1 if that did not
 * happen within `ms`.
 */
async function routedAway(push: Socket<"PUSH">, b: Socket<"PULL">, t0: number, ms: number) {
  let streak = 0, start = 0;
  for (let i = 0; streak < 8; i++) {
    const at = performance.now();
    if (at - t0 > ms) return -1;
    await push.send(enc.encode(`f${i}`));
    const m = await b.receive({ timeout: 40 }).catch(() => null);
    if (m) {
      if (streak++ === 0) start = at;
    } else streak = 0;
  }
  return start - t0;
}

const CASES = [
  {
    name: "our heartbeats: libzmq answers our PINGs; frozen, it is dropped after our timeout",
    ours: { heartbeatInterval: 100, heartbeatTimeout: 300 },
    theirs: {},
  },
  {
    name: "libzmq's heartbeats: we answer its PINGs; frozen, its TTL makes us drop it",
    ours: {},
    theirs: { heartbeatInterval: 100, heartbeatTimeout: 300, heartbeatTimeToLive: 500 },
  },
] as const;

for (const kind of ["zeromq.js", "pyzmq"] as const) {
  for (const c of CASES) {
    test(`interop heartbeat (${kind}): ${c.name}`, async () => {
      await scene(kind, c.ours, c.theirs, async ({ push, b, peer, pid }) => {
        await delay(1_000); // a scenario delay: ten heartbeat intervals on the live connection
        const s = await spread(push, b, peer, 10);
        assert.ok(s.a > 0 && s.b > 0, `both peers get messages: ${JSON.stringify(s)}`);
        assert.equal(await count(peer, "disconnect"), 0, "libzmq kept its connection");
        assert.equal(await count(peer, "handshake"), 1, "and never made another");

        signal(pid, "SIGSTOP");
        const t0 = performance.now();
        const ms = await routedAway(push, b, t0, DETECT_MS + 3_000);
        assert.ok(ms >= 0 && ms < DETECT_MS, `the frozen peer was dropped after ${ms} ms`);

        signal(pid, "SIGCONT");
        await waitFor(
          async () => (await count(peer, "handshake")) >= 2,
          10_000,
          "libzmq reconnected",
        );
        await waitFor(async () => (await spread(push, b, peer, 4)).a > 0, 5_000, "A back");
      });
    }, { timeout: 40_000, skip: SKIP[kind] });
  }
}

test(
  "interop heartbeat (zeromq.js): without heartbeats a frozen peer keeps its share",
  async () => {
    await scene("zeromq.js", {}, {}, async ({ push, b, peer, pid }) => {
      await delay(300);
      assert.ok((await spread(push, b, peer, 6)).a > 0);
      signal(pid, "SIGSTOP");
      const t0 = performance.now();
      // The same watch as above, for as long as it waits there: the PUSH keeps routing to A.
      assert.equal(await routedAway(push, b, t0, DETECT_MS), -1);
    });
  },
  { timeout: 40_000, skip: SKIP["zeromq.js"] },
);
