/**
 * Our side of bench/curve_throughput.ts: one process, one end of a PUSH→PULL stream over
 * tcp, with the NULL or the CURVE mechanism. bench/_curve_peer.mjs (zeromq.js) and
 * bench/_curve_peer.py (pyzmq) play the same roles for libzmq; the three follow one contract:
 *
 *   deno run -A bench/_curve_peer.ts ROLE key=value ...     bun bench/_curve_peer.ts ...
 *
 *   role=recv mech=null|curve size=1024 count=100000 warmup=10000 [server_public= server_secret=]
 *     PULL binds tcp://127.0.0.1:* (a CURVE server with the server's pair), prints
 *     `READY {"endpoint"}`, receives `warmup` messages, prints `WARM {}`, then receives
 *     `count` messages and prints `RESULT {msgs, seconds, msg_s, cpu_us, bad, ...}`: time and
 *     CPU (all threads) from the first timed message to the last, over `count - 1` messages.
 *   role=send mech=... size count warmup endpoint=... [server_public= client_public= client_secret=]
 *     PUSH connects (a CURVE client), sends `warmup` messages, waits for a line on stdin,
 *     takes its CPU time, sends `count` messages, waits for a second line (or the end of
 *     stdin: the receiver has everything), and prints `RESULT {sent, send_s, cpu_us}`: its
 *     CPU (all threads) over that window.
 *
 * Messages are `size` bytes of 0x78; the receiver counts those of another length as `bad`.
 * The loops use the fast paths a throughput-minded user would (`trySend` / `tryReceive`,
 * falling back to the awaited `send` / `receive`); every wait is bounded (`--stall` ms,
 * default 20000), so a stall ends with an error saying how far it got.
 *
 * Runs on: the peer process's main thread (Deno or Bun), plus the library's I/O worker.
 */
import process from "node:process";
import { Context } from "../mod.ts";

const A: Record<string, string> = Object.fromEntries(
  process.argv.slice(2).filter((s) => s.includes("=")).map((
    s,
  ) => [s.slice(0, s.indexOf("=")), s.slice(s.indexOf("=") + 1)]),
);
const role = A.role ?? process.argv.slice(2).find((s) => !s.includes("="));
const mech = A.mech ?? "null";
const size = Number(A.size ?? 1024);
const count = Number(A.count ?? 100_000);
const warmup = Number(A.warmup ?? 10_000);
const stall = Number(A.stall ?? 20_000);

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const emit = (tag: string, obj: unknown) => console.log(`${tag} ${JSON.stringify(obj)}`);
const versions = process.versions as Record<string, string | undefined>;
const runtime = versions.bun
  ? `bun ${versions.bun}`
  : versions.deno
  ? `deno ${versions.deno}`
  : `node ${versions.node}`;

/** Resolves at each line on stdin (or at its end); returns a function awaiting the next. */
function stdinLines(): () => Promise<void> {
  let pending = 0;
  const waiters: (() => void)[] = [];
  let ended = false;
  const deliver = () => {
    const w = waiters.shift();
    if (w) w();
    else pending++;
  };
  let buf = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      buf = buf.slice(i + 1);
      deliver();
    }
  });
  process.stdin.on("end", () => {
    ended = true;
    while (waiters.length) deliver();
  });
  return () => {
    if (pending > 0) {
      pending--;
      return Promise.resolve();
    }
    if (ended) return Promise.resolve();
    return new Promise<void>((r) => waiters.push(r));
  };
}

const ctx = new Context();
let code = 0;
try {
  if (role === "recv") {
    const pull = ctx.socket(
      "PULL",
      mech === "curve"
        ? { curveServer: true, curveSecretKey: A.server_secret, curvePublicKey: A.server_public }
        : {},
    );
    await pull.bind("tcp://127.0.0.1:*");
    emit("READY", { endpoint: pull.lastEndpoint });
    let got = 0, bad = 0;
    const next = async () => {
      const m = pull.tryReceive() ?? await pull.receive({ timeout: stall }).catch((e) => {
        throw new Error(`receive: ${(e as Error).message} after ${got} messages`);
      });
      got++;
      if (m.length !== 1 || m[0]!.length !== size) bad++;
    };
    for (let i = 0; i < warmup; i++) await next();
    emit("WARM", {});
    await next();
    const t0 = performance.now(), c0 = cpuUs();
    for (let i = 1; i < count; i++) await next();
    const seconds = (performance.now() - t0) / 1000, cpu = cpuUs() - c0;
    const msgs = count - 1;
    emit("RESULT", {
      msgs,
      seconds,
      msg_s: msgs / seconds,
      cpu_us: cpu,
      bad,
      runtime,
    });
    pull.close();
    if (bad) code = 3;
  } else if (role === "send") {
    const line = stdinLines();
    const push = ctx.socket(
      "PUSH",
      mech === "curve"
        ? {
          linger: -1,
          curveServerKey: A.server_public,
          curvePublicKey: A.client_public,
          curveSecretKey: A.client_secret,
        }
        : { linger: -1 },
    );
    await push.connect(A.endpoint!);
    const msg = new Uint8Array(size).fill(0x78);
    let sent = 0;
    const one = async () => {
      if (!push.trySend(msg)) {
        await push.send(msg, { timeout: stall }).catch((e) => {
          throw new Error(`send: ${(e as Error).message} after ${sent} messages`);
        });
      }
      sent++;
    };
    for (let i = 0; i < warmup; i++) await one();
    await line();
    const c0 = cpuUs(), t0 = performance.now();
    for (let i = 0; i < count; i++) await one();
    const sendS = (performance.now() - t0) / 1000;
    await line();
    emit("RESULT", { sent: count, send_s: sendS, cpu_us: cpuUs() - c0, runtime });
    push.close();
  } else {
    throw new Error(`role=recv or role=send, not ${role}`);
  }
} catch (e) {
  console.error(`_curve_peer.ts ${role} ${mech}: ${(e as Error).message}`);
  code = 1;
}
await ctx.term();
process.exit(code);
