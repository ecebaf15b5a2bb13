/**
 * PUSH→PULL throughput, side by side (libzmq perf local_thr/remote_thr style):
 *
 * (a) ours: PULL binds, PUSH connects, both in this process on the API thread, over tcp,
 *     ipc and inproc. The sender uses `trySend` and falls back to an awaited `send` when
 *     the pipe is full; the receiver uses `tryReceive`, falling back to `receive`. Time runs
 *     from the first message received to the last; the first message is not counted.
 * (b) zeromq.js (libzmq 4.3.5) in a Node child, both ends in one process, same sizes and
 *     counts (`_zmq_thr.mjs`), over tcp and ipc.
 * (c) raw loopback TCP of this runtime through lib/runtime, 64 KiB writes: the ceiling.
 *
 * One JSON line per result on stdout, then the ratios ours/zeromq.js (per transport and
 * size) and ours/raw (tcp, 64 KiB); a readable table on stderr.
 *
 *   deno run -A bench/compare/push_pull.ts [options]
 *   bun bench/compare/push_pull.ts [options]
 *
 * Options: --sizes=64,1024,65536 --transports=tcp,ipc,inproc --impl=ours,zeromq.js,raw
 *          --count64=2M --count1k=200k --count64k=20k (counts per size; other sizes use
 *          --count) --budget=10 (seconds per case of ours; a case that runs out stops
 *          sending and reports what it timed, marked "truncated") --raw-bytes=1Gi
 *
 * Runs on: the API thread of Deno or Bun (the zeromq.js side in a Node child process).
 */
import {
  cliOptions,
  exitWatchdog,
  makeTempDir,
  note,
  now,
  parseCount,
  pathOf,
  rawTcpThroughput,
  removeTempDir,
  report,
  type Result,
  runChild,
  runtimeName,
  runtimeVersion,
  zeromqAvailable,
} from "../_report.ts";

const opt = cliOptions();
const sizes = (opt.sizes ?? "64,1024,65536").split(",").map((s) => parseCount(s, 64));
const transports = (opt.transports ?? "tcp,ipc,inproc").split(",");
const impls = new Set((opt.impl ?? "ours,zeromq.js,raw").split(","));
const budgetMs = Number(opt.budget ?? 10) * 1000;
const BENCH = "push_pull_thr";

function countFor(size: number): number {
  if (size <= 64) return parseCount(opt.count64, 2_000_000);
  if (size <= 1024) return parseCount(opt.count1k, 200_000);
  if (size <= 65536) return parseCount(opt.count64k, 20_000);
  return parseCount(opt.count, 2_000);
}

interface Thr {
  msgs: number;
  seconds: number;
  truncated?: boolean;
}

let inprocSeq = 0;

/** (a) Our PUSH→PULL in this process. */
async function ours(transport: string, size: number, count: number): Promise<Thr> {
  // Imported lazily so the zeromq.js and raw cases run even while mod.ts is missing.
  const { Context } = await import("../../mod.ts");
  const ctx = new Context();
  let dir: string | null = null;
  try {
    const pull = ctx.socket("PULL");
    const push = ctx.socket("PUSH");
    let ep = "tcp://127.0.0.1:*";
    if (transport === "ipc") ep = `ipc://${(dir = await makeTempDir())}/thr.sock`;
    else if (transport === "inproc") ep = `inproc://thr-${++inprocSeq}`;
    await pull.bind(ep);
    await push.connect(pull.lastEndpoint);
    const msg = new Uint8Array(size).fill(0x5a);
    const deadline = now() + budgetMs;
    let sent = 0, senderDone = false, truncated = false;
    const sender = (async () => {
      while (sent < count) {
        if (!push.trySend(msg)) await push.send(msg, { timeout: 10_000 });
        sent++;
        if ((sent & 1023) === 0 && now() > deadline) {
          truncated = true;
          break;
        }
      }
      senderDone = true;
    })();
    await pull.receive({ timeout: 10_000 });
    const t0 = now();
    let got = 1;
    while (!(senderDone && got >= sent)) {
      if (pull.tryReceive() === null) await pull.receive({ timeout: 10_000 });
      got++;
    }
    const seconds = (now() - t0) / 1000;
    await sender;
    push.close();
    pull.close();
    return { msgs: got - 1, seconds, truncated };
  } finally {
    await ctx.term();
    if (dir) await removeTempDir(dir);
  }
}

/** (b) zeromq.js PUSH→PULL in a Node child. */
async function zeromqJs(transport: string, size: number, count: number): Promise<Thr> {
  const script = pathOf("./_zmq_thr.mjs", import.meta.url);
  const r = await runChild("node", [script, "--transport", transport, "--size", String(size), "--count", String(count)], 120_000);
  if (r.code !== 0) throw new Error(`zeromq.js child exited ${r.code}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  const line = r.stdout.trim().split("\n").pop()!;
  const j = JSON.parse(line);
  return { msgs: j.msgs, seconds: j.seconds };
}

function emit(impl: string, transport: string, size: number, t: Thr): Result {
  const msgS = t.msgs / t.seconds;
  const extra = { msgs: t.msgs, seconds: +t.seconds.toFixed(4), ...(t.truncated ? { truncated: true } : {}) };
  report({ bench: BENCH, runtime: impl === "zeromq.js" ? "node" : runtimeName, impl, transport, size, value: Math.round(msgS), unit: "msg/s", ...extra });
  return report({ bench: BENCH, runtime: impl === "zeromq.js" ? "node" : runtimeName, impl, transport, size, value: +(msgS * size / 1e6).toFixed(1), unit: "MB/s", ...extra });
}

const results = new Map<string, { msgS: number; mbS: number; note?: string }>();
const key = (impl: string, t: string, s: number) => `${impl}|${t}|${s}`;

note(`# ${BENCH} on ${runtimeVersion}; sizes ${sizes.join(",")}; transports ${transports.join(",")}; budget ${budgetMs / 1000} s per case of ours`);

const haveZmq = impls.has("zeromq.js") && await zeromqAvailable();
if (impls.has("zeromq.js") && !haveZmq) note("# zeromq.js side skipped: node or the zeromq package is not available");

for (const size of sizes) {
  const count = countFor(size);
  for (const transport of transports) {
    if (impls.has("ours")) {
      try {
        const t = await ours(transport, size, count);
        emit("ours", transport, size, t);
        results.set(key("ours", transport, size), { msgS: t.msgs / t.seconds, mbS: t.msgs * size / 1e6 / t.seconds, note: t.truncated ? "truncated" : undefined });
      } catch (e) {
        note(`# ours ${transport} ${size} B failed: ${(e as Error).message}`);
        report({ bench: BENCH, runtime: runtimeName, impl: "ours", transport, size, value: 0, unit: "msg/s", error: String((e as Error).message) });
        results.set(key("ours", transport, size), { msgS: NaN, mbS: NaN, note: "failed" });
      }
    }
    if (haveZmq && transport !== "inproc") {
      try {
        const t = await zeromqJs(transport, size, count);
        emit("zeromq.js", transport, size, t);
        results.set(key("zeromq.js", transport, size), { msgS: t.msgs / t.seconds, mbS: t.msgs * size / 1e6 / t.seconds });
      } catch (e) {
        note(`# zeromq.js ${transport} ${size} B failed: ${(e as Error).message}`);
      }
    }
  }
}

let raw: number | null = null;
if (impls.has("raw")) {
  const total = parseCount(opt["raw-bytes"], 1024 * 1024 * 1024);
  const r = await rawTcpThroughput(total, 64 * 1024);
  raw = r.mbps;
  report({ bench: "raw_tcp_thr", runtime: runtimeName, impl: "raw", transport: "tcp", size: 65536, value: +r.mbps.toFixed(1), unit: "MB/s", bytes: total, seconds: +r.seconds.toFixed(4) });
}

// Ratios.
for (const size of sizes) {
  for (const transport of transports) {
    const o = results.get(key("ours", transport, size)), z = results.get(key("zeromq.js", transport, size));
    if (o && z && Number.isFinite(o.msgS)) {
      report({ bench: BENCH, runtime: runtimeName, impl: "ours/zeromq.js", transport, size, value: +(o.msgS / z.msgS).toFixed(3), unit: "x" });
    }
  }
}
const o64k = results.get(key("ours", "tcp", 65536));
if (raw !== null && o64k && Number.isFinite(o64k.mbS)) {
  report({ bench: BENCH, runtime: runtimeName, impl: "ours/raw", transport: "tcp", size: 65536, value: +(o64k.mbS / raw).toFixed(3), unit: "x" });
}

// A readable table on stderr.
const fmt = (n: number | undefined, d = 0) => n === undefined || !Number.isFinite(n) ? "-" : n.toLocaleString("en-US", { maximumFractionDigits: d });
note(`\n${"transport".padEnd(9)} ${"size".padStart(6)}  ${"ours msg/s".padStart(12)} ${"ours MB/s".padStart(10)}  ${"zmq.js msg/s".padStart(12)} ${"zmq.js MB/s".padStart(11)}  ours/zmq.js`);
for (const size of sizes) {
  for (const transport of transports) {
    const o = results.get(key("ours", transport, size)), z = results.get(key("zeromq.js", transport, size));
    note(`${transport.padEnd(9)} ${String(size).padStart(6)}  ${fmt(o?.msgS).padStart(12)} ${fmt(o?.mbS, 1).padStart(10)}  ${fmt(z?.msgS).padStart(12)} ${fmt(z?.mbS, 1).padStart(11)}  ${o && z && Number.isFinite(o.msgS) ? fmt(o.msgS / z.msgS, 2) + "x" : "-"}${o?.note ? " (" + o.note + ")" : ""}`);
  }
}
if (raw !== null) {
  note(`raw tcp 64 KiB writes: ${fmt(raw, 1)} MB/s${o64k && Number.isFinite(o64k.mbS) ? `; ours tcp 64 KiB / raw = ${fmt(o64k.mbS / raw, 2)}x` : ""}`);
}
exitWatchdog(3_000, "# push_pull: the process did not exit on its own 3 s after the last case (a worker or socket left alive); forcing exit");
