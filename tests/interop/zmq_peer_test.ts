/**
 * Checks of the libzmq peer itself (zeromq.js on Node), independent of our engine: when an
 * interop test fails, this file tells whether the peer or the engine is at fault.
 *
 * Runs on: the test runner's main thread (Deno or Bun); the peer runs in a Node child.
 */
import { assert, test } from "../_harness.ts";
import { fromB64, pattern, peerUnavailable, seqIndex, startPeer, toB64 } from "./_peer.ts";

const skip = (await peerUnavailable()) ?? false;

test("libzmq peer relays a multipart message from its PUSH to its PULL over tcp", async () => {
  const peer = startPeer();
  try {
    await peer.cmd({ op: "socket", id: "pull", type: "PULL" });
    const { endpoint } = await peer.cmd({ op: "bind", id: "pull", endpoint: "tcp://127.0.0.1:*" });
    assert.ok(/^tcp:\/\/127\.0\.0\.1:\d+$/.test(endpoint), endpoint);
    await peer.cmd({ op: "socket", id: "push", type: "PUSH" });
    await peer.cmd({ op: "connect", id: "push", endpoint });
    const parts = [new Uint8Array(0), pattern(255, 1), pattern(256, 2), pattern(100 * 1024, 3)];
    await peer.cmd({ op: "send", id: "push", parts: parts.map(toB64) });
    const r = await peer.cmd({ op: "recv", id: "pull", timeout: 5_000 });
    assert.deepEqual(r.parts.map(fromB64), parts);
    await peer.cmd({ op: "sendSeq", id: "push", count: 10 });
    const m = await peer.cmd({ op: "recvMany", id: "pull", count: 10, timeout: 5_000 });
    assert.deepEqual(m.messages.map((x: string[]) => seqIndex(fromB64(x[0]!))), [
      ...Array(10).keys(),
    ]);
  } finally {
    assert.equal(await peer.close(), 0);
  }
}, { skip });

test("libzmq peer reports a bounded receive that times out as EAGAIN", async () => {
  const peer = startPeer();
  try {
    await peer.cmd({ op: "socket", id: "pull", type: "PULL" });
    await peer.cmd({ op: "bind", id: "pull", endpoint: "tcp://127.0.0.1:*" });
    const r = await peer.raw({ op: "recv", id: "pull", timeout: 50 });
    assert.deepEqual(r, { ok: false, error: "EAGAIN" });
  } finally {
    await peer.close();
  }
}, { skip });
