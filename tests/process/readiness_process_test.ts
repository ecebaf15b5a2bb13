/**
 * Readiness waits woken from another OS process (lib/api/readiness.ts): a PUSH in a Deno,
 * Bun (or Node) peer (`_steer_peer.ts`) sends to a PULL of this process over tcp and ipc,
 * a while after being told to; `waitReadable()` and `poll()` with no timeout wait for it
 * without starting a single timer in this process (no re-check on an interval: the I/O
 * worker's wake message ends the wait), and leave the message to be received.
 *
 * Runs on: the test runner's main thread; the peers in their own processes.
 */
import { assert, type LineChild, runtime, test } from "../_harness.ts";
import { Context, poll, XS_POLLIN } from "../../mod.ts";
import { countTimers } from "../api/_timers.ts";
import { ipcEndpoint, type PeerRuntime, spawnScript } from "./_spawn.ts";

const RTS: PeerRuntime[] = runtime === "node" ? ["node"] : ["deno", "bun"];

/** Starts `_steer_peer.ts` on `rt` with a PUSH connected to `endpoint`. */
function startPusher(rt: PeerRuntime, endpoint: string): LineChild {
  return spawnScript(rt, "_steer_peer.ts", [JSON.stringify({ type: "PUSH", endpoint })]);
}

for (const rt of RTS) {
  for (const scheme of ["tcp", "ipc"] as const) {
    test(
      `process (${rt}): waitReadable and poll over ${scheme} wake for another process's message, no timer`,
      async () => {
        await using ctx = new Context();
        using pull = ctx.socket("PULL");
        await pull.bind(scheme === "tcp" ? "tcp://127.0.0.1:*" : ipcEndpoint());
        const peer = startPusher(rt, pull.lastEndpoint);
        try {
          assert.deepEqual(await peer.next(20_000), { ready: true });
          for (const how of ["waitReadable", "poll"] as const) {
            const t0 = performance.now();
            const { result, timeouts, intervals } = await countTimers((): Promise<unknown> => {
              // The peer sends 300 ms after reading the line: this process only waits.
              peer.send({ send: `via ${how}`, after: 300 });
              return how === "waitReadable"
                ? pull.waitReadable()
                : poll([{ socket: pull, events: XS_POLLIN }]);
            });
            const t = performance.now() - t0;
            assert.deepEqual(result, how === "waitReadable" ? true : [XS_POLLIN]);
            assert.ok(t >= 250, `woken after ${t} ms, before the peer sent`);
            assert.deepEqual(timeouts, [], `${how} started timers`);
            assert.equal(intervals, 0);
            assert.deepEqual(await peer.next(10_000), { sent: true });
            assert.equal(await pull.receiveText({ timeout: 0 }), `via ${how}`);
          }
          peer.send({ exit: true });
          assert.deepEqual(await peer.next(10_000), { bye: true });
        } finally {
          await peer.kill();
          await peer.close();
        }
      },
      { timeout: 40_000 },
    );
  }
}
