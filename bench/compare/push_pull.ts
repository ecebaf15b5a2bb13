/**
 * PUSH→PULL throughput, side by side (libzmq perf local_thr/remote_thr style):
 *
 * (a) ours: PULL binds, PUSH connects, both in this process on the API thread, over tcp,
 *     ipc and inproc. The sender uses `trySend` and falls back to an awaited `send` when
 *     the pipe is full; the receiver uses `tryReceive`, falling back to `receive`. Time runs
 *     from the first message received to the last; the first message is not counted.
 * (a') ours through the Crossroads C face (xs.ts), non-blocking bursts in one thread.
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
 * Options: --sizes=64,1024,65536 --transports=tcp,ipc,inproc --impl=ours,ours-xs,zeromq.js,raw
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
  usageOrExit,
  zeromqAvailable,
} from "../_report.ts";

const USAGE = `
PUSH→PULL throughput of @crossroads/xs beside zeromq.js (libzmq) and raw loopback tcp.

  deno run -A bench/compare/push_pull.ts [options]
  bun bench/compare/push_pull.ts [options]

Options:
  --sizes=64,1024,65536          message sizes in bytes (k, Ki suffixes)
  --transports=tcp,ipc,inproc    transports to measure
  --impl=ours,ours-xs,zeromq.js,raw   which sides to run
  --count64=2M --count1k=200k --count64k=20k --count=2k   messages per size
  --budget=10                    seconds per case of ours (a case that runs out is "truncated")
  --raw-bytes=1Gi                bytes for the raw tcp ceiling
  --help                         this text

Output: one JSON line per result on stdout; progress, a table and the ratios on stderr.
`;
usageOrExit(USAGE, [
  "sizes",
  "transports",
  "impl",
  "count64",
  "count1k",
  "count64k",
  "count",
  "budget",
  "raw-bytes",
]);
const opt = cliOptions();
const sizes = (opt.sizes ?? "64,1024,65536").split(",").map((s) => parseCount(s, 64));
const transports = (opt.transports ?? "tcp,ipc,inproc").split(",");
const impls = new Set((opt.impl ?? "ours,ours-xs,zeromq.js,raw").split(","));
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

/**
 * (a') ours through the Crossroads C face (xs.ts): one thread alternates non-blocking
 * `xs_send` bursts and non-blocking `xs_recv` drains, and blocks in `xs_recv` (bounded by
 * XS_RCVTIMEO) only when neither side can make progress.
 */
async function oursXs(transport: string, size: number, count: number): Promise<Thr> {
  const xs = await import("../../xs.ts");
  const ctx = xs.xs_init();
  let dir: string | null = null;
  try {
    const pull = xs.xs_socket(ctx, xs.XS_PULL)!;
    const push = xs.xs_socket(ctx, xs.XS_PUSH)!;
    xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, 10_000);
    xs.xs_setsockopt(push, xs.XS_LINGER, 0);
    let ep = `tcp://127.0.0.1:${20000 + Math.floor(Math.random() * 20000)}`;
    if (transport === "ipc") ep = `ipc://${(dir = await makeTempDir())}/thr.sock`;
    else if (transport === "inproc") ep = `inproc://thr-xs-${++inprocSeq}`;
    if (xs.xs_bind(pull, ep) < 0) {
      throw new Error(`xs_bind ${ep}: ${xs.xs_strerror(xs.xs_errno())}`);
    }
    if (xs.xs_connect(push, ep) < 0) {
      throw new Error(`xs_connect ${ep}: ${xs.xs_strerror(xs.xs_errno())}`);
    }
    const msg = new Uint8Array(size).fill(0x5a), buf = new Uint8Array(size);
    const deadline = now() + budgetMs;
    let sent = 0, got = 0, t0 = 0, truncated = false, stop = count;
    while (got < stop) {
      let progress = false;
      while (sent < stop && xs.xs_send(push, msg, size, xs.XS_DONTWAIT) >= 0) {
        sent++;
        progress = true;
      }
      while (xs.xs_recv(pull, buf, size, xs.XS_DONTWAIT) >= 0) {
        if (got++ === 0) t0 = now();
        progress = true;
      }
      if (!truncated && now() > deadline) {
        truncated = true;
        stop = sent;
      }
      if (!progress && got < stop) {
        if (xs.xs_recv(pull, buf, size, 0) < 0) {
          throw new Error(`xs_recv: ${xs.xs_strerror(xs.xs_errno())} after ${got} messages`);
        }
        if (got++ === 0) t0 = now();
      }
    }
    const seconds = (now() - t0) / 1000;
    xs.xs_close(push);
    xs.xs_close(pull);
    return { msgs: got - 1, seconds, truncated };
  } finally {
    xs.xs_term(ctx);
    if (dir) await removeTempDir(dir);
  }
}

/** (b) zeromq.js PUSH→PULL in a Node child. */
async function zeromqJs(transport: string, size: number, count: number): Promise<Thr> {
  const script = pathOf("./_zmq_thr.mjs", import.meta.url);
  const r = await runChild("node", [
    script,
    "--transport",
    transport,
    "--size",
    String(size),
    "--count",
    String(count),
  ], 120_000);
  if (r.code !== 0) {
    throw new Error(
      `zeromq.js child exited ${r.code}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`,
    );
  }
  const line = r.stdout.trim().split("\n").pop()!;
  const j = JSON.parse(line);
  return { msgs: j.msgs, seconds: j.seconds };
}

function emit(impl: string, transport: string, size: number, t: Thr): Result {
  const msgS = t.msgs / t.seconds;
  const extra = {
    msgs: t.msgs,
    seconds: +t.seconds.toFixed(4),
    ...(t.truncated ? { truncated: true } : {}),
  };
  report({
    bench: BENCH,
    runtime: impl === "zeromq.js" ? "node" : runtimeName,
    impl,
    transport,
    size,
    value: Math.round(msgS),
    unit: "msg/s",
    ...extra,
  });
  return report({
    bench: BENCH,
    runtime: impl === "zeromq.js" ? "node" : runtimeName,
    impl,
    transport,
    size,
    value: +(msgS * size / 1e6).toFixed(1),
    unit: "MB/s",
    ...extra,
  });
}

const results = new Map<string, { msgS: number; mbS: number; note?: string | undefined }>();
const key = (impl: string, t: string, s: number) => `${impl}|${t}|${s}`;

note(
  `# ${BENCH} on ${runtimeVersion}; sizes ${sizes.join(",")}; transports ${
    transports.join(",")
  }; budget ${budgetMs / 1000} s per case of ours`,
);

const haveZmq = impls.has("zeromq.js") && await zeromqAvailable();
if (impls.has("zeromq.js") && !haveZmq) {
  note("# zeromq.js side skipped: node or the zeromq package is not available");
}

const cases = sizes.length * transports.length;
let done = 0;
for (const size of sizes) {
  const count = countFor(size);
  for (const transport of transports) {
    note(`# [${++done}/${cases}] ${transport}, ${size} B × ${count} ...`);
    if (impls.has("ours")) {
      try {
        const t = await ours(transport, size, count);
        emit("ours", transport, size, t);
        results.set(key("ours", transport, size), {
          msgS: t.msgs / t.seconds,
          mbS: t.msgs * size / 1e6 / t.seconds,
          note: t.truncated ? "truncated" : undefined,
        });
      } catch (e) {
        note(`# ours ${transport} ${size} B failed: ${(e as Error).message}`);
        report({
          bench: BENCH,
          runtime: runtimeName,
          impl: "ours",
          transport,
          size,
          value: 0,
          unit: "msg/s",
          error: String((e as Error).message),
        });
        results.set(key("ours", transport, size), { msgS: NaN, mbS: NaN, note: "failed" });
      }
    }
    if (impls.has("ours-xs")) {
      try {
        const t = await oursXs(transport, size, count);
        emit("ours-xs", transport, size, t);
        results.set(key("ours-xs", transport, size), {
          msgS: t.msgs / t.seconds,
          mbS: t.msgs * size / 1e6 / t.seconds,
          note: t.truncated ? "truncated" : undefined,
        });
      } catch (e) {
        note(`# ours-xs ${transport} ${size} B failed: ${(e as Error).message}`);
        report({
          bench: BENCH,
          runtime: runtimeName,
          impl: "ours-xs",
          transport,
          size,
          value: 0,
          unit: "msg/s",
          error: String((e as Error).message),
        });
      }
    }
    if (haveZmq && transport !== "inproc") {
      try {
        const t = await zeromqJs(transport, size, count);
        emit("zeromq.js", transport, size, t);
        results.set(key("zeromq.js", transport, size), {
          msgS: t.msgs / t.seconds,
          mbS: t.msgs * size / 1e6 / t.seconds,
        });
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
  report({
    bench: "raw_tcp_thr",
    runtime: runtimeName,
    impl: "raw",
    transport: "tcp",
    size: 65536,
    value: +r.mbps.toFixed(1),
    unit: "MB/s",
    bytes: total,
    seconds: +r.seconds.toFixed(4),
  });
}

// Ratios.
const OURS = ["ours", "ours-xs"];
for (const size of sizes) {
  for (const transport of transports) {
    for (const impl of OURS) {
      const o = results.get(key(impl, transport, size)),
        z = results.get(key("zeromq.js", transport, size));
      if (o && z && Number.isFinite(o.msgS)) {
        report({
          bench: BENCH,
          runtime: runtimeName,
          impl: `${impl}/zeromq.js`,
          transport,
          size,
          value: +(o.msgS / z.msgS).toPrecision(3),
          unit: "x",
        });
      }
    }
  }
}
for (const impl of OURS) {
  const o = results.get(key(impl, "tcp", 65536));
  if (raw !== null && o && Number.isFinite(o.mbS)) {
    report({
      bench: BENCH,
      runtime: runtimeName,
      impl: `${impl}/raw`,
      transport: "tcp",
      size: 65536,
      value: +(o.mbS / raw).toPrecision(3),
      unit: "x",
    });
  }
}

// A readable table on stderr.
const fmt = (n: number | undefined, d = 0) =>
  n === undefined || !Number.isFinite(n)
    ? "-"
    : n.toLocaleString("en-US", { maximumFractionDigits: d });
note(
  `\n${"impl".padEnd(10)} ${"transport".padEnd(9)} ${"size".padStart(6)} ${"msg/s".padStart(12)} ${
    "MB/s".padStart(10)
  }  vs zeromq.js`,
);
for (const size of sizes) {
  for (const transport of transports) {
    const z = results.get(key("zeromq.js", transport, size));
    for (const impl of [...OURS, "zeromq.js"]) {
      const o = results.get(key(impl, transport, size));
      if (!o) continue;
      const ratio = impl !== "zeromq.js" && z && Number.isFinite(o.msgS)
        ? fmt(o.msgS / z.msgS, 2) + "x"
        : "";
      note(
        `${impl.padEnd(10)} ${transport.padEnd(9)} ${String(size).padStart(6)} ${
          fmt(o.msgS).padStart(12)
        } ${fmt(o.mbS, 1).padStart(10)}  ${ratio}${o.note ? " (" + o.note + ")" : ""}`,
      );
    }
  }
}
if (raw !== null) {
  note(`raw tcp, 64 KiB writes: ${fmt(raw, 1)} MB/s`);
  for (const impl of OURS) {
    const o = results.get(key(impl, "tcp", 65536));
    if (o && Number.isFinite(o.mbS)) {
      note(`${impl} tcp 64 KiB / raw tcp = ${(o.mbS / raw).toPrecision(3)}x`);
    }
  }
}
exitWatchdog(
  3_000,
  "# push_pull: the process did not exit on its own 3 s after the last case (a worker or socket left alive); forcing exit",
);
