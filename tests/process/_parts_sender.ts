/**
 * A sender for the process tier's `XS_MAXMSGSIZE` test (tests/process/maxmsgsize_process_test.ts):
 * one PUSH of the library in its own OS process, connected to `endpoint` with the wire mode
 * `wire`, that sends what the test asks, one JSON line on stdin per message: an array of part
 * sizes (each part filled with the byte `fill`, default 0x61), or the word "stop". After
 * each message it prints `{"sent": n}` (n messages so far); on a failure `{"error": ...}`.
 *
 * Started as `deno run -A tests/process/_parts_sender.ts '<json>'`,
 * `bun tests/process/_parts_sender.ts '<json>'` or, compiled by tests/node/run.mjs,
 * `node tests/process/_parts_sender.js '<json>'`, with `{ endpoint, wire, fill? }`.
 *
 * Runs on: the peer process's main thread.
 */
import process from "node:process";
import { Context } from "../../mod.ts";

const cfg = JSON.parse(process.argv[2] ?? "{}") as {
  endpoint: string;
  wire?: "auto" | "xs1";
  fill?: number;
};
const out = (o: unknown) => console.log(JSON.stringify(o));
const deadline = setTimeout(() => {
  out({ error: "sender ran out of time" });
  process.exit(9);
}, 60_000);

const ctx = new Context();
const push = ctx.socket("PUSH", { linger: 0, reconnectIvl: 10, wire: cfg.wire ?? "auto" });
await push.connect(cfg.endpoint);
out({ ready: true });

let sent = 0;
let buf = "";
let chain = Promise.resolve();
process.stdin.on("data", (d: Uint8Array | string) => {
  buf += typeof d === "string" ? d : new TextDecoder().decode(d);
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    const line = buf.slice(0, i).trim();
    buf = buf.slice(i + 1);
    chain = chain.then(() => handle(line));
  }
});

async function handle(line: string): Promise<void> {
  const cmd = JSON.parse(line) as number[] | "stop";
  if (cmd === "stop") {
    push.close();
    await ctx.term();
    clearTimeout(deadline);
    process.exit(0);
  }
  try {
    await push.send(cmd.map((n) => new Uint8Array(n).fill(cfg.fill ?? 0x61)), { timeout: 5_000 });
    out({ sent: ++sent });
  } catch (e) {
    out({ error: String(e) });
  }
}
