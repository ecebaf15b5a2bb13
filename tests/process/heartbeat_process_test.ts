/**
 * Heartbeats between separate processes of ours (docs/wire.md §7): a peer that hangs is
 * found out within the heartbeat timeout. The runner's PUSH binds; a PULL in a peer
 * process (A, `_peer.ts` role `recv`) and a PULL in the runner (B) connect, so messages
 * reach A and B in turn. The observable is the PUSH's routing: once the runner has closed
 * A's connection, A's pipe is gone and every message goes to B.
 *
 * - A frozen with SIGSTOP, the runner's heartbeats on (interval 200 ms, timeout 600 ms):
 *   dropped within the timeout; after SIGCONT, A (the connecting side) finds its
 *   connection closed, reconnects, and messages reach it again.
 * - The same with the heartbeats on A's side only (its PINGs carry a TTL of 600 ms).
 * - A killed with SIGKILL: dropped at once (the OS closes its socket); a restarted A gets
 *   messages again.
 *
 * Runs on: the test runner's main thread; the peers in their own processes.
 */
import process from "node:process";
import { Context, type Socket, type SocketOptions } from "../../mod.ts";
import { assert, delay, runtime, test } from "../_harness.ts";
import { makeMessage } from "./_messages.ts";
import { type Peer, type PeerRuntime, startPeer } from "./_spawn.ts";

// Node's suite (tests/node/run.mjs) checks Node's peers; Deno's and Bun's check both of theirs.
const RTS: PeerRuntime[] = runtime === "node" ? ["node"] : ["deno", "bun"];
/** What the runner's heartbeats are in the first case. */
const OURS = { heartbeatInterval: 200, heartbeatTimeout: 600 };
/** A frozen peer must be dropped within the interval and the timeout, and some slack. */
const DETECT_MS = 200 + 600 + 1_000;

let seq = 0;
const send = (push: Socket<"PUSH">) => push.send(makeMessage(seq++, [64]));

function signal(pid: number, sig: "SIGSTOP" | "SIGCONT") {
  try {
    process.kill(pid, sig);
  } catch { /* gone already */ }
}

/** The runner's PUSH (bound, `opts`) and PULL B, connected and warmed up. */
async function runnerSide(ctx: Context, opts: SocketOptions) {
  const push = ctx.socket("PUSH", { linger: 0, ...opts });
  await push.bind("tcp://127.0.0.1:*");
  const b = ctx.socket("PULL");
  await b.connect(push.lastEndpoint);
  await send(push); // waits for B's pipe
  await b.receive({ timeout: 5_000 });
  return { push, b };
}

/** Starts peer A on `rt`: a PULL connecting to `endpoint`, reporting each message. */
async function startA(rt: PeerRuntime, endpoint: string, opts: SocketOptions = {}) {
  const a = startPeer(rt, {
    role: "recv",
    type: "PULL",
    endpoint,
    count: 1e9,
    order: false,
    progress: true,
    timeout: 60_000,
    opts,
  });
  const ready = await a.until((l) => l.ready);
  return { a, pid: ready.pid as number };
}

/**
 * Sends a message every 20 ms (B's share drained) until A reports one numbered `from` or
 * later: A is connected and routed to.
 */
async function reach(push: Socket<"PUSH">, b: Socket<"PULL">, a: Peer, from: number) {
  let hit = false;
  const seen = a.until((l) => l.seq >= from, 10_000).finally(() => (hit = true));
  while (!hit) {
    await send(push);
    while (b.tryReceive()) { /* B's share */ }
    await delay(20);
  }
  await seen;
}

/**
 * Sends a message every few ms until eight in a row reach B: A's pipe is gone. Returns
 * when the first of those eight was sent, in ms after `t0`; -1 if not within `ms`.
 */
async function routedAway(push: Socket<"PUSH">, b: Socket<"PULL">, t0: number, ms: number) {
  let streak = 0, start = 0;
  while (streak < 8) {
    const at = performance.now();
    if (at - t0 > ms) return -1;
    await send(push);
    if (await b.receive({ timeout: 40 }).catch(() => null)) {
      if (streak++ === 0) start = at;
    } else streak = 0;
  }
  return start - t0;
}

/** Freezes A, checks that it is dropped in time, thaws it and waits for it to come back. */
async function freezeAndThaw(push: Socket<"PUSH">, b: Socket<"PULL">, a: Peer, pid: number) {
  await delay(1_200); // a scenario delay: six intervals on the live connection
  await reach(push, b, a, seq); // still routed to A: its connection stood
  signal(pid, "SIGSTOP");
  try {
    const t0 = performance.now();
    const ms = await routedAway(push, b, t0, DETECT_MS + 3_000);
    assert.ok(ms >= 0 && ms < DETECT_MS, `the frozen peer was dropped after ${ms} ms`);
  } finally {
    signal(pid, "SIGCONT");
  }
  // A reads what reached its socket before the close, then the close, and reconnects.
  await reach(push, b, a, seq);
}

/**
 * The runner's side with `ours`, peer A on `rt` with `theirs`: A is routed to, then frozen,
 * dropped in time, thawed and routed to again (`freezeAndThaw`).
 */
async function frozenPeer(rt: PeerRuntime, ours: SocketOptions, theirs: SocketOptions) {
  await using ctx = new Context();
  const { push, b } = await runnerSide(ctx, ours);
  const { a, pid } = await startA(rt, push.lastEndpoint, theirs);
  try {
    await reach(push, b, a, 0);
    await freezeAndThaw(push, b, a, pid);
  } finally {
    signal(pid, "SIGCONT");
    await a.stop();
    push.close();
    b.close();
  }
}

for (const rt of RTS) {
  test(
    `process (${rt}): a peer frozen by SIGSTOP is dropped after our heartbeat timeout`,
    () => frozenPeer(rt, OURS, {}),
    { timeout: 60_000 },
  );

  test(
    `process (${rt}): a frozen peer whose PINGs carry a TTL is dropped when it runs out`,
    // No heartbeats of the runner's own: only the peer's TTL can drop it.
    () => frozenPeer(rt, {}, { heartbeatInterval: 200, heartbeatTimeToLive: 600 }),
    { timeout: 60_000 },
  );
}

test(
  `process (${runtime}): a peer killed by SIGKILL is dropped, and a restarted one served`,
  async () => {
    await using ctx = new Context();
    const { push, b } = await runnerSide(ctx, OURS);
    const rt: PeerRuntime = runtime === "node" ? "node" : runtime === "deno" ? "bun" : "deno";
    const first = await startA(rt, push.lastEndpoint);
    let second: Awaited<ReturnType<typeof startA>> | null = null;
    try {
      await reach(push, b, first.a, 0);
      await first.a.stop(); // SIGKILL
      const ms = await routedAway(push, b, performance.now(), DETECT_MS + 3_000);
      assert.ok(ms >= 0 && ms < DETECT_MS, `the killed peer was dropped after ${ms} ms`);
      second = await startA(rt, push.lastEndpoint);
      await reach(push, b, second.a, seq);
    } finally {
      await first.a.stop();
      await second?.a.stop();
      push.close();
      b.close();
    }
  },
  { timeout: 60_000 },
);
