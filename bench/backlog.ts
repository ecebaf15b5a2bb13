/**
 * Backlog: PUSH→PULL over tcp in one process, where the PULL reads only after the PUSH
 * queued every message (send HWM 0), so the OUT ring fills and most messages go beside it
 * (lib/pipe/ring_pipe.ts). Prints how long queueing and draining took. This is the path a
 * publisher takes when its subscribers fall behind, and a sender of large messages at its
 * HWM; it was 100k msg/s for 64-byte messages while one `postMessage` went per message.
 *
 *   deno run -A bench/backlog.ts [messages=300000] [size=64]
 *   bun bench/backlog.ts [messages=300000] [size=64]
 *
 * Runs on: the bench's main thread (plus the library's I/O worker).
 */
import process from "node:process";
import { Context } from "../mod.ts";

const n = Number(process.argv[2] ?? 300_000);
const size = Number(process.argv[3] ?? 64);
const ctx = new Context();
const pull = ctx.socket("PULL", { rcvhwm: 0 });
await pull.bind("tcp://127.0.0.1:*");
const push = ctx.socket("PUSH", { sndhwm: 0 });
await push.connect(pull.lastEndpoint);
await push.send("warm-up", { timeout: 5_000 });
await pull.receive({ timeout: 5_000 });
const msg = new Uint8Array(size).fill(1);
const t0 = performance.now();
for (let i = 0; i < n; i++) if (!push.trySend(msg)) throw new Error("a send HWM of 0 refused");
const t1 = performance.now();
for (let got = 0; got < n; got++) pull.tryReceive() ?? await pull.receive({ timeout: 30_000 });
const t2 = performance.now();
console.log(
  `${n} × ${size} B: queued in ${(t1 - t0).toFixed(0)} ms, drained in ${
    (t2 - t1).toFixed(0)
  } ms, ` +
    `${Math.round(n / ((t2 - t0) / 1000)).toLocaleString("en")} msg/s overall`,
);
push.close();
pull.close();
await ctx.term();
