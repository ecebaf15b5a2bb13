/**
 * Subscriptions larger than half of a connection's IN ring (the ring is 1 MiB): a PUB/XPUB
 * judges such a frame by its first bytes and streams it into the ring like any large frame
 * (lib/session/inbound.ts), so a topic of any size within the frame limits arrives whole, as
 * in Crossroads 1.2.0 and libzmq. Before, such a subscription stalled its connection for
 * good (and `term` with it). Checked for every subscription form: ZMTP/3.1 SUBSCRIBE/CANCEL
 * commands (our SUB over tcp, ipc and ws), the Crossroads 4-byte form (`xs1`), `01`/`00`
 * data frames (a raw ZMTP/3.0 peer; a libzmq SUB in tests/interop/libzmq_pubsub_test.ts).
 * Large frames that are not subscriptions (a bad first byte, a multi-part message, another
 * command) are skipped without stalling; a peer gone mid-subscription leaves nothing behind.
 *
 * Runs on: the test runner's main thread; the I/O worker serves the connections.
 */
import { Context, type Socket } from "../../mod.ts";
import { assert, removeDir, tempDir, test } from "../_harness.ts";
import { RawPeer } from "../upstream/_testutil.ts";
import { readyFrame } from "../../lib/wire/mod.ts";

const RECV_MS = 10_000;
const enc = new TextEncoder();

/** A topic of `n` bytes ending in `tag`, so topics of one size still differ. */
function topicOf(n: number, tag: string): Uint8Array {
  const t = new Uint8Array(n).fill(0x41);
  t.set(enc.encode(tag), n - tag.length);
  return t;
}

/** The Crossroads 1.2 subscription message an XPUB receives: command, prefix filter, topic. */
function form(cmd: 1 | 2, topic: Uint8Array): Uint8Array {
  const m = new Uint8Array(4 + topic.length);
  m.set([0, cmd, 0, 1]);
  m.set(topic, 4);
  return m;
}

/** Receives on `xpub` until a message other than the small "sync" subscription comes. */
async function nextBig(xpub: Socket): Promise<Uint8Array> {
  for (;;) {
    const [m] = await xpub.receive({ timeout: RECV_MS });
    if (m!.length > 64) return m!;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  assert.ok(a.every((v, i) => v === b[i]), `${what}: content`);
}

const CASES = [
  { transport: "tcp", wire: "auto", size: 600_000 },
  { transport: "tcp", wire: "auto", size: 3_000_000 },
  { transport: "ipc", wire: "auto", size: 1_500_000 },
  { transport: "ws", wire: "auto", size: 1_500_000 },
  { transport: "tcp", wire: "xs1", size: 1_500_000 },
] as const;

for (const { transport, wire, size } of CASES) {
  test(`a ${size} B subscription over ${transport} (${wire === "xs1" ? "xs1" : "ZMTP/3.1"}) reaches the XPUB whole, filters, and is cancelled`, async () => {
    const dir = transport === "ipc" ? tempDir() : null;
    await using ctx = new Context();
    using xpub = ctx.socket("XPUB", wire === "xs1" ? { wire: "xs1" } : {});
    using sub = ctx.socket("SUB", wire === "xs1" ? { wire: "xs1" } : {});
    try {
      await xpub.bind(
        transport === "tcp"
          ? "tcp://127.0.0.1:*"
          : transport === "ipc"
          ? `ipc://${dir}/big.sock`
          : "ws://127.0.0.1:*/zmq",
      );
      const topic = topicOf(size, "|1");
      sub.subscribe(topic);
      await sub.connect(xpub.lastEndpoint);
      sameBytes(await nextBig(xpub), form(1, topic), "the subscription");
      // The PUB side filters by it: a message under the topic passes, one under a topic
      // that differs in its last byte does not.
      const body = new Uint8Array(size + 5);
      body.set(topicOf(size, "|2"));
      await xpub.send(body);
      body.set(topic);
      await xpub.send(body);
      const [got] = await sub.receive({ timeout: RECV_MS });
      sameBytes(got!, body, "the message under the big topic");
      sub.unsubscribe(topic);
      sameBytes(await nextBig(xpub), form(2, topic), "the cancel");
    } finally {
      if (dir) removeDir(dir);
    }
  });
}

/** A raw ZMTP/3.0 SUB connected to `endpoint` (greeting, then READY). */
async function rawSub(endpoint: string): Promise<RawPeer> {
  const peer = await RawPeer.connect(endpoint);
  const g = new Uint8Array(64);
  g.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0]);
  g.set(enc.encode("NULL"), 12);
  peer.send([...g, ...readyFrame("SUB", null)]);
  return peer;
}

/** A frame with the 8-byte size form: `flags` (MORE 1, COMMAND 4) and `body`. */
function longFrame(flags: number, body: Uint8Array): number[] {
  const h = new Uint8Array(9);
  h[0] = flags | 2;
  new DataView(h.buffer).setBigUint64(1, BigInt(body.length));
  return [...h, ...body];
}

/** A short data frame `01 topic` (a subscription of ZMTP/3.0). */
const shortSub = (topic: string) => [0, topic.length + 1, 1, ...enc.encode(topic)];

test("large frames that are not subscriptions are skipped and the connection keeps working", async () => {
  await using ctx = new Context();
  using xpub = ctx.socket("XPUB");
  await xpub.bind("tcp://127.0.0.1:*");
  const peer = await rawSub(xpub.lastEndpoint);
  try {
    const big = new Uint8Array(1_200_000).fill(0x42);
    // A data frame whose first byte is neither 01 nor 00.
    big[0] = 5;
    peer.send(longFrame(0, big));
    // A two-part message whose parts would be subscriptions on their own.
    big[0] = 1;
    peer.send(longFrame(1, big));
    peer.send(longFrame(0, big));
    // A command that is neither SUBSCRIBE nor CANCEL.
    const cmd = new Uint8Array(1_200_000);
    cmd.set([5, ...enc.encode("HELLO")]);
    peer.send(longFrame(4, cmd));
    // Then a subscription that is one: it is the first message the XPUB sees.
    peer.send(shortSub("ok"));
    const [m] = await xpub.receive({ timeout: RECV_MS });
    sameBytes(m!, form(1, enc.encode("ok")), "the only subscription");
    // A big one in the 01 data form arrives too, after them.
    const topic = topicOf(1_100_000, "|d");
    peer.send(longFrame(0, new Uint8Array([1, ...topic])));
    sameBytes(await nextBig(xpub), form(1, topic), "a big 01 subscription");
    await assert.rejects(xpub.receive({ timeout: 200 }), { code: "EAGAIN" });
  } finally {
    await peer.close();
  }
});

test("a peer gone in the middle of a large subscription leaves no message behind", async () => {
  await using ctx = new Context();
  using xpub = ctx.socket("XPUB");
  await xpub.bind("tcp://127.0.0.1:*");
  const peer = await rawSub(xpub.lastEndpoint);
  const topic = topicOf(2_000_000, "|cut");
  // The SUBSCRIBE command announces 2 MB and stops after 1.5 MB (past the head and well
  // into the stream), then the connection closes.
  const all = longFrame(4, new Uint8Array([9, ...enc.encode("SUBSCRIBE"), ...topic]));
  peer.send(all.slice(0, 1_500_000));
  await peer.drained();
  await peer.close();
  // A good subscriber afterwards: its subscription is the first and only message.
  using sub = ctx.socket("SUB");
  sub.subscribe("after");
  await sub.connect(xpub.lastEndpoint);
  const [m] = await xpub.receive({ timeout: RECV_MS });
  sameBytes(m!, form(1, enc.encode("after")), "the next subscriber's subscription");
  await assert.rejects(xpub.receive({ timeout: 200 }), { code: "EAGAIN" });
});
