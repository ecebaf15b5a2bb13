/**
 * A short tour of @crossroads/xs, run by `npm run demo` (`deno run -A bench/demo.ts`; also
 * `bun bench/demo.ts`): a PULL socket binds tcp on a free port, a PUSH connects, a few
 * multipart messages and then 100 000 64-byte messages go through, and — when `node` and
 * the `zeromq` package are installed — a libzmq PUSH in a Node child feeds the same PULL.
 * The process then ends on its own: `ctx.term()` stops the I/O worker.
 *
 * Runs on: the API thread (the library's I/O worker and the Node child run beside it).
 */
import { Context } from "../mod.ts";
import { exitWatchdog, now, pathOf, spawnJsonLines, zeromqAvailable } from "./_report.ts";

const dec = new TextDecoder();
const show = (parts: Uint8Array[]) =>
  "[" + parts.map((p) => {
    const printable = p.every((b) => b >= 0x20 && b < 0x7f);
    return printable ? JSON.stringify(dec.decode(p)) : `<${p.length} bytes>`;
  }).join(", ") + "]";

const t0 = now();
const ctx = new Context();
const pull = ctx.socket("PULL");
const push = ctx.socket("PUSH");
await pull.bind("tcp://127.0.0.1:*");
console.log(`PULL bound to ${pull.lastEndpoint}`);
await push.connect(pull.lastEndpoint);
console.log(`PUSH connected to ${pull.lastEndpoint}`);

// 1. A few messages, one and several parts.
await push.send("hello");
await push.send(["multi", "part", new Uint8Array([0, 1, 2, 3])]);
await push.send(["", "an empty first part"]);
for (let i = 0; i < 3; i++) console.log(`received ${show(await pull.receive({ timeout: 5_000 }))}`);

// 2. A burst of small messages.
const N = 100_000;
const msg = new Uint8Array(64).fill(0x61);
const started = now();
const sender = (async () => {
  for (let i = 0; i < N; i++) if (!push.trySend(msg)) await push.send(msg, { timeout: 5_000 });
})();
let bytes = 0;
for (let i = 0; i < N; i++) {
  const m = pull.tryReceive() ?? await pull.receive({ timeout: 5_000 });
  bytes += m[0]!.length;
}
await sender;
const secs = (now() - started) / 1000;
console.log(
  `received ${N.toLocaleString("en-US")} x 64 B messages (${
    bytes.toLocaleString("en-US")
  } bytes) in ${secs.toFixed(3)} s: ${Math.round(N / secs).toLocaleString("en-US")} msg/s over tcp`,
);

// 3. Interop: a libzmq PUSH (zeromq.js in Node) feeds our PULL.
if (await zeromqAvailable()) {
  const peer = spawnJsonLines("node", [pathOf("../tests/interop/_zmq_peer.mjs", import.meta.url)]);
  const cmd = async (c: Record<string, unknown>) => {
    peer.send(c);
    const r = await peer.next(10_000);
    if (!r?.ok) throw new Error(`libzmq peer: ${c.op} failed: ${r?.error ?? "no reply"}`);
    return r;
  };
  try {
    await cmd({ op: "socket", id: "push", type: "PUSH" });
    await cmd({ op: "connect", id: "push", endpoint: pull.lastEndpoint });
    const b64 = (s: string) => btoa(s);
    await cmd({ op: "send", id: "push", parts: [b64("from libzmq"), b64("over ZMTP/3")] });
    console.log(`received from libzmq ${show(await pull.receive({ timeout: 5_000 }))}`);
    const M = 10_000;
    const sending = cmd({ op: "sendSeq", id: "push", count: M, size: 64 });
    const ti = now();
    let inOrder = true;
    for (let i = 0; i < M; i++) {
      const m = await pull.receive({ timeout: 5_000 });
      const p = m[0]!;
      const idx = new DataView(p.buffer, p.byteOffset, p.byteLength).getUint32(0);
      if (idx !== i) inOrder = false;
    }
    await sending;
    const s = (now() - ti) / 1000;
    console.log(
      `received ${M.toLocaleString("en-US")} numbered messages from libzmq ${
        inOrder ? "in order" : "OUT OF ORDER"
      } in ${s.toFixed(3)} s (${
        Math.round(M / s).toLocaleString("en-US")
      } msg/s, bounded by zeromq.js awaiting each send)`,
    );
  } finally {
    await cmd({ op: "close", id: "push" }).catch(() => {});
    await peer.close();
  }
} else {
  console.log("(node or the zeromq package is not installed: skipping the libzmq interop step)");
}

push.close();
pull.close();
await ctx.term();
console.log(`context terminated; done in ${((now() - t0) / 1000).toFixed(2)} s`);
exitWatchdog(3_000, "demo: the process did not exit on its own 3 s after ctx.term(); forcing exit");
