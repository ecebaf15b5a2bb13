/**
 * zeromq.js (libzmq 4.3.5) side of bench/curve_throughput.ts: one process, one end of a
 * PUSH→PULL stream over tcp, with the NULL or the CURVE mechanism. Same roles, arguments and
 * output lines as bench/_curve_peer.ts (read its header for the contract):
 *
 *   node bench/_curve_peer.mjs role=recv mech=curve size=1024 count=100000 warmup=10000 server_public=... server_secret=...
 *   node bench/_curve_peer.mjs role=send mech=curve ... endpoint=tcp://127.0.0.1:PORT client_public=... client_secret=...
 *
 * The loops are zeromq.js's idiom: one awaited `send` / `receive` per message (a send that
 * can be queued resolves at once). CPU time is `process.cpuUsage()`: the whole process,
 * libzmq's I/O thread included. Every wait is bounded (`stall` ms, default 20000).
 *
 * Runs on: Node (zeromq.js does not run on Deno or Bun).
 */
import process from "node:process";
import * as zmq from "zeromq";

const A = Object.fromEntries(
  process.argv.slice(2).filter((s) => s.includes("=")).map((
    s,
  ) => [s.slice(0, s.indexOf("=")), s.slice(s.indexOf("=") + 1)]),
);
const role = A.role;
const mech = A.mech ?? "null";
const size = Number(A.size ?? 1024);
const count = Number(A.count ?? 100_000);
const warmup = Number(A.warmup ?? 10_000);
const stall = Number(A.stall ?? 20_000);

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const emit = (tag, obj) => console.log(`${tag} ${JSON.stringify(obj)}`);
const runtime = `node ${process.versions.node}, zeromq.js / libzmq ${zmq.version}`;

function stdinLines() {
  let pending = 0, ended = false, buf = "";
  const waiters = [];
  const deliver = () => {
    const w = waiters.shift();
    if (w) w();
    else pending++;
  };
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d) => {
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
    return new Promise((r) => waiters.push(r));
  };
}

let code = 0;
try {
  if (role === "recv") {
    const pull = new zmq.Pull({
      receiveTimeout: stall,
      linger: 0,
      ...(mech === "curve"
        ? { curveServer: true, curveSecretKey: A.server_secret, curvePublicKey: A.server_public }
        : {}),
    });
    await pull.bind("tcp://127.0.0.1:*");
    emit("READY", { endpoint: pull.lastEndpoint });
    let got = 0, bad = 0;
    const next = async () => {
      const m = await pull.receive().catch((e) => {
        throw new Error(`receive: ${e.message} after ${got} messages`);
      });
      got++;
      if (m.length !== 1 || m[0].length !== size) bad++;
    };
    for (let i = 0; i < warmup; i++) await next();
    emit("WARM", {});
    await next();
    const t0 = performance.now(), c0 = cpuUs();
    for (let i = 1; i < count; i++) await next();
    const seconds = (performance.now() - t0) / 1000, cpu = cpuUs() - c0;
    const msgs = count - 1;
    emit("RESULT", { msgs, seconds, msg_s: msgs / seconds, cpu_us: cpu, bad, runtime });
    pull.close();
    if (bad) code = 3;
  } else if (role === "send") {
    const line = stdinLines();
    const push = new zmq.Push({
      sendTimeout: stall,
      linger: -1,
      ...(mech === "curve"
        ? {
          curveServerKey: A.server_public,
          curvePublicKey: A.client_public,
          curveSecretKey: A.client_secret,
        }
        : {}),
    });
    push.connect(A.endpoint);
    const msg = Buffer.alloc(size, 0x78);
    let sent = 0;
    const one = async () => {
      await push.send(msg).catch((e) => {
        throw new Error(`send: ${e.message} after ${sent} messages`);
      });
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
  console.error(`_curve_peer.mjs ${role} ${mech}: ${e.message}`);
  code = 1;
}
process.exit(code);
