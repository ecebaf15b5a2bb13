/**
 * `XS_MAXMSGSIZE` across processes (issue #17): the sender is a PUSH in a separate OS
 * process (`_parts_sender.ts`, on Deno and on Bun whichever runs the suite; Node's suite uses
 * Node), the runner's PULL has a limit of 5 bytes. Over tcp and ipc, in the ZMTP/3.1 and the
 * Crossroads (`xs1`) wire modes: parts of 0, 3 and 5 bytes arrive (the handshake's frames are
 * not held to the limit), a part of 6 bytes closes that connection (a `disconnect` whose
 * cause names maxmsgsize), and the sender, reconnecting, is served again.
 *
 * Runs on: the test runner's main thread; the sender in its own process.
 */
import { Context } from "../../mod.ts";
import { assert, type LineChild, runtime, test } from "../_harness.ts";
import { ipcEndpoint, type PeerRuntime, spawnScript } from "./_spawn.ts";
import { untilEvent as until } from "../_events.ts";

const RTS: PeerRuntime[] = runtime === "node" ? ["node"] : ["deno", "bun"];
const RECV_MS = 5_000;
const dec = new TextDecoder();

/** Starts the sender on `rt`, connected to `endpoint`; resolves once it says it is ready. */
async function startSender(rt: PeerRuntime, endpoint: string, wire: string): Promise<LineChild> {
  const cfg = JSON.stringify({ endpoint, wire });
  const child = spawnScript(rt, "_parts_sender.ts", [cfg]);
  const first = await child.next(20_000);
  assert.equal(first.ready, true, JSON.stringify(first));
  return child;
}

/** Asks the sender to send one message of parts `sizes`; waits for its report. */
async function send(child: LineChild, sizes: number[]): Promise<void> {
  child.send(sizes);
  const r = await child.next(RECV_MS + 1_000);
  assert.ok(r.sent > 0, JSON.stringify(r));
}

for (const rt of RTS) {
  for (const scheme of ["tcp", "ipc"] as const) {
    for (const wire of ["auto", "xs1"] as const) {
      test(
        `a ${rt} sender process and our PULL with maxmsgsize 5 over ${scheme} (${wire})`,
        async () => {
          const ctx = new Context();
          const pull = ctx.socket("PULL", { linger: 0, maxmsgsize: 5, wire });
          let child: LineChild | null = null;
          try {
            const events = pull.events;
            await pull.bind(scheme === "tcp" ? "tcp://127.0.0.1:*" : ipcEndpoint());
            child = await startSender(rt, pull.lastEndpoint, wire);
            for (const sizes of [[0], [3], [5], [0, 3, 5]]) {
              await send(child, sizes);
              const m = await pull.receive({ timeout: RECV_MS });
              assert.deepEqual(m.map((p) => p.length), sizes);
            }
            await send(child, [6]);
            const gone = await until(events, "disconnect");
            assert.ok(gone.type === "disconnect", gone.type);
            assert.match(gone.cause, /maxmsgsize/i);
            // Served again once the sender has reconnected (what was in flight is lost).
            const deadline = Date.now() + RECV_MS;
            let got: Uint8Array[] | null = null;
            while (!got && Date.now() < deadline) {
              await send(child, [2]);
              got = await pull.receive({ timeout: 100 }).catch(() => null);
            }
            assert.deepEqual(got?.map((p) => dec.decode(p)), ["aa"]);
          } finally {
            if (child) {
              child.send("stop");
              await child.close();
            }
            pull.close();
            await ctx.term();
          }
        },
        { timeout: 30_000 },
      );
    }
  }
}
