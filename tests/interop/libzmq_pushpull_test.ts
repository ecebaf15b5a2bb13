/**
 * Interoperation with libzmq 4.3 (zeromq.js 6.8 in a Node child process) for PUSH/PULL
 * and PAIR, in both directions and both bind/connect roles, over tcp and ipc. The contract
 * (docs/api.md §4): working with a real libzmq peer is promised in both directions, for
 * every pair of compatible socket types.
 *
 * Every case sends a multipart message with a zero-length part, parts of 255 and 256 bytes
 * (the 1-byte/8-byte size boundary of ZMTP frames) and a 100 KiB part, then 1000 numbered
 * messages that must arrive in order. Every receive on either side is bounded.
 *
 * Runs on: the test runner's main thread (Deno or Bun); the libzmq peer runs in Node.
 */
import { Context } from "../../mod.ts";
import { assert, removeDir, tempDir, test } from "../_harness.ts";
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

const skip = (await peerUnavailable()) ?? false;
/** Bound of every single receive, ms. */
const RECV_MS = 5_000;
/** Numbered messages per case. */
const COUNT = 1000;
const TRANSPORTS = ["tcp", "ipc"] as const;
type Transport = typeof TRANSPORTS[number];

/** The multipart message every case carries: empty, 255, 256 bytes, 100 KiB, one byte. */
function bigMultipart(): Uint8Array[] {
  return [
    new Uint8Array(0),
    pattern(255, 1),
    pattern(256, 2),
    pattern(100 * 1024, 3),
    pattern(1, 4),
  ];
}

function assertParts(got: Uint8Array[], want: Uint8Array[], what: string) {
  assert.equal(got.length, want.length, `${what}: ${got.length} parts, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const d = describeDiff(got[i]!, want[i]!);
    assert.equal(d, "equal", `${what}: part ${i}: ${d}`);
  }
}

/** A wildcard endpoint for a bind on `t` (ipc in a fresh temp dir, returned for removal). */
function bindEndpoint(t: Transport): { endpoint: string; dir?: string } {
  if (t === "tcp") return { endpoint: "tcp://127.0.0.1:*" };
  const dir = tempDir();
  return { endpoint: `ipc://${dir}/interop.sock`, dir };
}

/** Runs `fn` with a fresh context and libzmq peer; tears everything down, bounded. */
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

// ---- our PUSH -> libzmq PULL ----

for (const t of TRANSPORTS) {
  for (const weBind of [true, false]) {
    const roles = weBind ? "we bind, libzmq connects" : "libzmq binds, we connect";
    test(
      `Our PUSH feeds a libzmq PULL over ${t} (${roles})`,
      () =>
        withPeer(async (ctx, peer, dirs) => {
          const push = ctx.socket("PUSH", { linger: 0 });
          try {
            await peer.cmd({ op: "socket", id: "pull", type: "PULL" });
            const { endpoint: ep, dir } = bindEndpoint(t);
            if (dir) dirs.push(dir);
            if (weBind) {
              await push.bind(ep);
              assert.match(
                push.lastEndpoint,
                t === "tcp" ? /^tcp:\/\/127\.0\.0\.1:[1-9]\d*$/ : /^ipc:\/\//,
              );
              await peer.cmd({ op: "connect", id: "pull", endpoint: push.lastEndpoint });
            } else {
              const { endpoint } = await peer.cmd({ op: "bind", id: "pull", endpoint: ep });
              await push.connect(endpoint);
            }

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
            const { messages } = await pending;
            assert.equal(messages.length, COUNT);
            for (let i = 0; i < COUNT; i++) {
              assert.equal(messages[i].length, 1, `message ${i} has ${messages[i].length} parts`);
              const b = fromB64(messages[i][0]);
              assert.equal(
                describeDiff(b, seqMessage(i, 8)),
                "equal",
                `message ${i} (index ${seqIndex(b)})`,
              );
            }
          } finally {
            push.close();
          }
        }),
      { skip },
    );
  }
}

// ---- libzmq PUSH -> our PULL ----

for (const t of TRANSPORTS) {
  for (const weBind of [true, false]) {
    const roles = weBind ? "we bind, libzmq connects" : "libzmq binds, we connect";
    test(
      `A libzmq PUSH feeds our PULL over ${t} (${roles})`,
      () =>
        withPeer(async (ctx, peer, dirs) => {
          const pull = ctx.socket("PULL", { linger: 0 });
          try {
            await peer.cmd({ op: "socket", id: "push", type: "PUSH" });
            const { endpoint: ep, dir } = bindEndpoint(t);
            if (dir) dirs.push(dir);
            if (weBind) {
              await pull.bind(ep);
              await peer.cmd({ op: "connect", id: "push", endpoint: pull.lastEndpoint });
            } else {
              const { endpoint } = await peer.cmd({ op: "bind", id: "push", endpoint: ep });
              await pull.connect(endpoint);
            }

            const big = bigMultipart();
            await peer.cmd({ op: "send", id: "push", parts: big.map(toB64) });
            const got = await pull.receive({ timeout: RECV_MS });
            assertParts(got, big, "multipart at ours");

            const pending = peer.cmd({
              op: "sendSeq",
              id: "push",
              count: COUNT,
              size: 8,
              timeout: 15_000,
            }, 20_000);
            for (let i = 0; i < COUNT; i++) {
              const m = await pull.receive({ timeout: RECV_MS });
              assert.equal(m.length, 1, `message ${i} has ${m.length} parts`);
              assert.equal(
                describeDiff(m[0]!, seqMessage(i, 8)),
                "equal",
                `message ${i} (index ${seqIndex(m[0]!)})`,
              );
            }
            assert.equal((await pending).sent, COUNT);
          } finally {
            pull.close();
          }
        }),
      { skip },
    );
  }
}

// ---- PAIR <-> PAIR ----

for (const weBind of [true, false]) {
  const roles = weBind ? "we bind, libzmq connects" : "libzmq binds, we connect";
  test(
    `Our PAIR and a libzmq PAIR exchange messages both ways over tcp (${roles})`,
    () =>
      withPeer(async (ctx, peer) => {
        const pair = ctx.socket("PAIR", { linger: 0 });
        try {
          await peer.cmd({ op: "socket", id: "pair", type: "PAIR" });
          if (weBind) {
            await pair.bind("tcp://127.0.0.1:*");
            await peer.cmd({ op: "connect", id: "pair", endpoint: pair.lastEndpoint });
          } else {
            const { endpoint } = await peer.cmd({
              op: "bind",
              id: "pair",
              endpoint: "tcp://127.0.0.1:*",
            });
            await pair.connect(endpoint);
          }
          const big = bigMultipart();
          for (let round = 0; round < 3; round++) {
            // ours -> libzmq
            const out = [pattern(10, round), ...big.slice(round, round + 2)];
            await pair.send(out, { timeout: RECV_MS });
            const r = await peer.cmd({ op: "recv", id: "pair", timeout: RECV_MS });
            assertParts(r.parts.map(fromB64), out, `round ${round} at libzmq`);
            // libzmq -> ours, echoing what it got plus one part
            const back = [...out, new TextEncoder().encode(`reply ${round}`)];
            await peer.cmd({ op: "send", id: "pair", parts: back.map(toB64) });
            assertParts(await pair.receive({ timeout: RECV_MS }), back, `round ${round} at ours`);
          }
          // A stream both ways at once.
          const pending = peer.cmd(
            { op: "recvMany", id: "pair", count: COUNT, timeout: 15_000 },
            20_000,
          );
          for (let i = 0; i < COUNT; i++) await pair.send(seqMessage(i), { timeout: RECV_MS });
          const { messages } = await pending;
          assert.deepEqual(messages.map((m: string[]) => seqIndex(fromB64(m[0]!))), [
            ...Array(COUNT).keys(),
          ]);
          const sending = peer.cmd(
            { op: "sendSeq", id: "pair", count: COUNT, timeout: 15_000 },
            20_000,
          );
          for (let i = 0; i < COUNT; i++) {
            const m = await pair.receive({ timeout: RECV_MS });
            assert.equal(seqIndex(m[0]!), i);
          }
          await sending;
        } finally {
          pair.close();
        }
      }),
    { skip },
  );
}
