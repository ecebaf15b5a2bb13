/**
 * `deno bench` cases of PUSH→PULL, 64-byte messages, one process, on the API thread:
 * inproc (the baseline: no I/O worker on the path), ipc, tcp and ws (ZeroMQ over WebSocket)
 * through the I/O worker.
 * One iteration moves 10 000 messages; the context, sockets and connection are set up
 * before the timed section and torn down after it, so msg/s = 10 000 / (time per iter).
 * The sender uses `trySend`, falling back to an awaited `send` when the pipe is full; the
 * receiver uses `tryReceive`, falling back to `receive` (bounded).
 *
 *   deno bench -A bench/push_pull_bench.ts        bun bench/push_pull_bench.ts
 *
 * For the side-by-side comparison with libzmq see bench/compare/push_pull.ts.
 *
 * Runs on: the bench's main thread (plus the library's I/O worker).
 */
import { Context } from "../mod.ts";
import { bench, type BenchTimer, makeTempDir, removeTempDir } from "./_report.ts";

const MSGS = 10_000;
const SIZE = 64;
let seq = 0;

function caseFor(transport: "inproc" | "ipc" | "tcp" | "ws") {
  return async (b: BenchTimer) => {
    const ctx = new Context();
    let dir: string | null = null;
    try {
      const pull = ctx.socket("PULL");
      const push = ctx.socket("PUSH");
      let ep = "tcp://127.0.0.1:*";
      if (transport === "ipc") ep = `ipc://${(dir = await makeTempDir())}/b.sock`;
      else if (transport === "inproc") ep = `inproc://bench-${++seq}`;
      else if (transport === "ws") ep = "ws://127.0.0.1:*/bench";
      await pull.bind(ep);
      await push.connect(pull.lastEndpoint);
      // One message through first, so the connection is up before timing starts.
      await push.send("warm-up", { timeout: 5_000 });
      await pull.receive({ timeout: 5_000 });
      const msg = new Uint8Array(SIZE).fill(1);
      b.start();
      const sender = (async () => {
        for (let i = 0; i < MSGS; i++) {
          if (!push.trySend(msg)) await push.send(msg, { timeout: 5_000 });
        }
      })();
      for (let got = 0; got < MSGS; got++) {
        if (pull.tryReceive() === null) await pull.receive({ timeout: 5_000 });
      }
      await sender;
      b.end();
      push.close();
      pull.close();
    } finally {
      await ctx.term();
      if (dir) await removeTempDir(dir);
    }
  };
}

const group = "push_pull 64 B x10000";
bench({ name: "inproc", group, baseline: true, n: 20, warmup: 2, fn: caseFor("inproc") });
bench({ name: "ipc", group, n: 20, warmup: 2, fn: caseFor("ipc") });
bench({ name: "tcp", group, n: 20, warmup: 2, fn: caseFor("tcp") });
bench({ name: "ws", group, n: 20, warmup: 2, fn: caseFor("ws") });
