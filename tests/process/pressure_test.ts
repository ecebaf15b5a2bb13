/**
 * Fair back-pressure between separate processes (issue #10): a PUSH keeps five sends
 * outstanding against a PULL in another process that takes one 64 KiB message per
 * millisecond or so, with both HWMs at 100. The sender is held back by the consumer (it
 * cannot finish before the queues are full many times over), each waiting send is served
 * as room appears, in the order the sends were made, and none waits anywhere near the
 * ~1.6 s libzmq takes at most in the same case.
 *
 * Runs on: the test runner's main thread; the peers in their own processes.
 */
import { assert, test } from "../_harness.ts";
import { PAIRS, startPeer } from "./_spawn.ts";

const COUNT = 1000;

for (const [from, to] of PAIRS) {
  test(`process: a slow consumer serves waiting sends in order (${from} → ${to})`, async () => {
    const recv = startPeer(to, {
      role: "recv",
      type: "PULL",
      endpoint: "tcp://127.0.0.1:*",
      bind: true,
      count: COUNT,
      delay: 1,
      rcvhwm: 100,
    });
    let send: ReturnType<typeof startPeer> | null = null;
    try {
      const r = await recv.until((l) => l.ready);
      send = startPeer(from, {
        role: "pressure",
        endpoint: r.endpoint,
        count: COUNT,
        size: 65536,
        inflight: 5,
        sndhwm: 100,
      });
      const p = await send.until((l) => l.sent !== undefined, 30_000);
      const done = await recv.until((l) => l.done, 30_000);
      assert.deepEqual(done.bad, []);
      assert.equal(done.received, COUNT);
      assert.equal(p.outOfOrder, 0, "sends completed out of the order they were made");
      // Queues (two HWMs of 100 and the kernel's buffers) hold a few hundred messages; the
      // consumer needs at least COUNT ms: a sender done sooner was never held back.
      assert.ok(p.ms >= 300, `the sender finished in ${p.ms} ms: no back-pressure`);
      assert.ok(p.maxWait < 1000, `a send waited ${p.maxWait} ms (p99 ${p.p99Wait} ms)`);
      assert.equal(await send.exited, 0);
      assert.equal(await recv.exited, 0);
    } finally {
      await send?.stop();
      await recv.stop();
    }
  }, { timeout: 60_000 });
}
