/**
 * A proxy steered from another OS process (zmq_proxy_steerable(3), lib/api/proxy.ts): a
 * REQ in a Deno, Bun (or Node) peer process (`_steer_peer.ts`) asks the proxy's REP control
 * socket over tcp for STATISTICS (8 little-endian u64 parts, exact counts), PAUSEs it (the
 * messages stay queued, nothing is forwarded, nothing taken), RESUMEs it (the queued
 * messages arrive in order) and TERMINATEs it (the proxy's promise resolves); every
 * command but STATISTICS gets the REP's empty answer. A second case feeds the proxy from
 * the peer (a PUSH over tcp) while the test steers it with the handle.
 *
 * Runs on: the test runner's main thread; the peers in their own processes.
 */
import { assert, type LineChild, runtime, test } from "../_harness.ts";
import { Context, proxy, steerableProxy } from "../../mod.ts";
import { type PeerRuntime, spawnScript } from "./_spawn.ts";

// Node's suite (tests/node/run.mjs) checks Node's peer; Deno's and Bun's check both of theirs.
const RTS: PeerRuntime[] = runtime === "node" ? ["node"] : ["deno", "bun"];

/** Starts `_steer_peer.ts` on `rt` with its socket of `type` connected to `endpoint`. */
function startSteerPeer(rt: PeerRuntime, type: string, endpoint: string): LineChild {
  return spawnScript(rt, "_steer_peer.ts", [JSON.stringify({ type, endpoint })]);
}

/** One answer line of the peer; its `error` fails the test. */
async function answer(peer: LineChild): Promise<{ parts?: number[][]; sent?: boolean }> {
  const l = await peer.next(15_000);
  if (l.error) throw new Error(`peer: ${l.error}`);
  return l;
}

/** The 8 counters of a STATISTICS reply, read as little-endian u64. */
function counters(parts: number[][]): number[] {
  assert.equal(parts.length, 8);
  return parts.map((p) => {
    assert.equal(p.length, 8);
    return Number(new DataView(new Uint8Array(p).buffer).getBigUint64(0, true));
  });
}

/** Ends the peer if it still runs (killing an ended one does nothing) and releases its pipes. */
async function stop(peer: LineChild): Promise<void> {
  await peer.kill();
  await peer.close();
}

const text = (p: Uint8Array) => new TextDecoder().decode(p);

for (const rt of RTS) {
  test(`process (${rt}): a REQ in another process steers a proxy over tcp`, async () => {
    await using ctx = new Context();
    using front = ctx.socket("PULL"), back = ctx.socket("PUSH");
    using producer = ctx.socket("PUSH"), consumer = ctx.socket("PULL");
    using control = ctx.socket("REP");
    await front.bind("inproc://steered-in");
    await back.bind("inproc://steered-out");
    await producer.connect("inproc://steered-in");
    await consumer.connect("inproc://steered-out");
    await control.bind("tcp://127.0.0.1:*");
    const running = proxy(front, back, { control });
    const peer = startSteerPeer(rt, "REQ", control.lastEndpoint);
    try {
      assert.deepEqual(await peer.next(20_000), { ready: true });
      const ask = async (cmd: string) => {
        peer.send({ send: cmd, recv: true });
        return (await answer(peer)).parts!;
      };
      for (let i = 0; i < 10; i++) await producer.send([`m${i}`, "xy"]);
      for (let i = 0; i < 10; i++) {
        assert.deepEqual((await consumer.receive({ timeout: 5000 })).map(text), [`m${i}`, "xy"]);
      }
      // 10 messages of 4 bytes ("m0".."m9" and "xy") came in at the frontend and went out at the backend.
      assert.deepEqual(counters(await ask("STATISTICS")), [10, 40, 0, 0, 0, 0, 10, 40]);

      assert.deepEqual(await ask("PAUSE"), [[]]);
      for (let i = 10; i < 15; i++) await producer.send([`m${i}`, "xy"]);
      assert.equal(await consumer.waitReadable({ timeout: 200 }), false, "forwarded while paused");
      // Nothing was taken from the frontend either: the messages wait there.
      assert.deepEqual(counters(await ask("STATISTICS")), [10, 40, 0, 0, 0, 0, 10, 40]);
      assert.equal(front.readable, true);

      assert.deepEqual(await ask("RESUME"), [[]]);
      for (let i = 10; i < 15; i++) {
        assert.deepEqual((await consumer.receive({ timeout: 5000 })).map(text), [`m${i}`, "xy"]);
      }
      assert.deepEqual(await ask("HELLO"), [[]], "an unknown command is answered and ignored");
      // 5 more of 5 bytes ("m10".."m14" and "xy").
      assert.deepEqual(counters(await ask("STATISTICS")), [15, 65, 0, 0, 0, 0, 15, 65]);

      assert.deepEqual(await ask("TERMINATE"), [[]]);
      await running;
      await producer.send("after");
      assert.equal(
        await consumer.waitReadable({ timeout: 100 }),
        false,
        "forwarded after TERMINATE",
      );
      peer.send({ exit: true });
      assert.deepEqual(await peer.next(10_000), { bye: true });
      assert.equal(await peer.exited, 0);
    } finally {
      await stop(peer);
    }
  }, { timeout: 40_000 });

  test(
    `process (${rt}): a PUSH in another process feeds a proxy paused and resumed by its handle`,
    async () => {
      await using ctx = new Context();
      using front = ctx.socket("PULL", { rcvhwm: 10 }), back = ctx.socket("PUSH");
      using consumer = ctx.socket("PULL");
      await front.bind("tcp://127.0.0.1:*");
      await back.bind("inproc://fed-out");
      await consumer.connect("inproc://fed-out");
      await using p = steerableProxy(front, back);
      p.pause();
      const peer = startSteerPeer(rt, "PUSH", front.lastEndpoint);
      try {
        assert.deepEqual(await peer.next(20_000), { ready: true });
        for (let i = 0; i < 5; i++) {
          peer.send({ send: `p${i}` });
          assert.deepEqual(await answer(peer), { sent: true });
        }
        // The peer's messages reach the frontend and wait there while paused.
        assert.equal(await front.waitReadable({ timeout: 10_000 }), true);
        assert.equal(
          await consumer.waitReadable({ timeout: 200 }),
          false,
          "forwarded while paused",
        );
        assert.equal(p.statistics().frontend.messagesReceived, 0);
        p.resume();
        for (let i = 0; i < 5; i++) {
          assert.equal(await consumer.receiveText({ timeout: 5000 }), `p${i}`);
        }
        assert.deepEqual(p.statistics(), {
          frontend: { messagesReceived: 5, bytesReceived: 10, messagesSent: 0, bytesSent: 0 },
          backend: { messagesReceived: 0, bytesReceived: 0, messagesSent: 5, bytesSent: 10 },
        });
        peer.send({ exit: true });
        assert.deepEqual(await peer.next(10_000), { bye: true });
      } finally {
        await stop(peer);
      }
    },
    { timeout: 40_000 },
  );
}
