/**
 * CURVE throughput across processes, ours beside libzmq's, in one run: PUSH→PULL over tcp on
 * 127.0.0.1, 1 KiB messages, a receiver process (PULL, binds; the CURVE server) and a sender
 * process (PUSH, connects; the CURVE client), the same implementation at both ends, with the
 * NULL mechanism and with CURVE, so what CURVE costs each implementation shows beside what it
 * costs ours. Implementations:
 *
 * - `ours-deno`, `ours-bun`: @crossroads/xs (bench/_curve_peer.ts) on Deno and on Bun; CURVE
 *   boxes with @noble/ciphers (pure JavaScript) in the library's I/O worker.
 * - `pyzmq`: libzmq through pyzmq (bench/_curve_peer.py, `/usr/bin/python3` by default: it
 *   needs a pyzmq whose libzmq has CURVE, e.g. Debian's python3-zmq); libsodium/tweetnacl.
 * - `zeromq.js`: libzmq 4.3.5 through zeromq.js on Node (bench/_curve_peer.mjs).
 *
 * Each point: the receiver binds and says where; the sender connects and sends `--warmup`
 * messages (the handshake, JIT and buffers warm up), the receiver takes them and says so;
 * then the sender sends `--count` messages. The receiver times from the first of those to
 * the last (msg/s over count − 1 messages, like libzmq's local_thr) and takes its CPU time
 * (all threads: process.cpuUsage / resource.getrusage) over the same span; the sender takes
 * its CPU time from the start of the timed sends until the receiver has them all. CPU µs
 * per message of both processes follow. Every process is killed at `--timeout` seconds per
 * point, and a point that fails (exit code, timeout, a stall) is reported with the gist of
 * the peer's stderr; the others still run. Repeats are interleaved (every implementation's
 * first run, then every second run, ...) and the table shows medians.
 *
 *   deno run -A bench/curve_throughput.ts [--count 100000] [--size 1024] [options]
 *   bun bench/curve_throughput.ts [options]
 *
 * Output: one JSON line per point on stdout (msg/s, then MB/s, with the CPU figures as
 * extras), then the ratios ours/libzmq (msg/s and CPU µs/msg, per mechanism) and CURVE/NULL;
 * progress and the tables on stderr.
 *
 * Runs on: the bench's main thread (Deno or Bun); the peers in their own processes (Deno,
 * Bun, CPython, Node).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { curveKeyPair } from "../mod.ts";
import {
  cliOptions,
  exit,
  exitWatchdog,
  note,
  now,
  parseCount,
  pathOf,
  report,
  runtimeExecutable,
  runtimeName,
  runtimeVersion,
  usageOrExit,
} from "./_report.ts";

const USAGE = `
CURVE PUSH→PULL throughput across processes: @crossroads/xs (Deno, Bun) beside libzmq
(pyzmq, zeromq.js on Node), each with NULL and with CURVE.

  deno run -A bench/curve_throughput.ts [options]
  bun bench/curve_throughput.ts [options]

Options:
  --count=100000      timed messages per point (k, M suffixes)
  --warmup=10000      messages sent and received before the timed ones
  --size=1024         message size in bytes (Ki suffix)
  --impls=ours-deno,ours-bun,pyzmq,zeromq.js   which implementations
  --mechs=null,curve  which mechanisms
  --repeats=1         runs per point (interleaved; the table shows medians)
  --timeout=120       seconds per point; both processes are killed then
  --stall=20000       ms a peer waits for one send/receive before it gives up
  --python=PATH       python with pyzmq (default /usr/bin/python3 if present, else python3)
  --deno=PATH --bun=PATH --node=PATH   runtimes (default: node_modules/.bin, then PATH)
  --help              this text

Output: one JSON line per result on stdout; progress and the tables on stderr.
`;
usageOrExit(USAGE, [
  "count",
  "warmup",
  "size",
  "impls",
  "mechs",
  "repeats",
  "timeout",
  "stall",
  "python",
  "deno",
  "bun",
  "node",
]);
const opt = cliOptions();
const count = parseCount(opt.count, 100_000);
const warmup = parseCount(opt.warmup, 10_000);
const size = parseCount(opt.size, 1024);
const repeats = Number(opt.repeats ?? 1);
const timeoutS = Number(opt.timeout ?? 120);
const stallMs = Number(opt.stall ?? 20_000);
const mechs = (opt.mechs ?? "null,curve").split(",").map((m) => m.trim().toLowerCase());
const BENCH = "curve_push_pull_thr";

const root = pathOf("../", import.meta.url);
/** A runtime: the option, else the repository's node_modules/.bin, else this runtime, else PATH. */
function exe(name: string): string {
  if (opt[name]) return opt[name]!;
  const local = `${root}node_modules/.bin/${name}`;
  if (existsSync(local)) return local;
  if (runtimeName === name) return runtimeExecutable();
  return name;
}
const python = opt.python ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

interface Impl {
  id: string;
  ours: boolean;
  argv: string[];
}
const IMPLS: Impl[] = [
  {
    id: "ours-deno",
    ours: true,
    argv: [exe("deno"), "run", "-A", "--no-check", pathOf("./_curve_peer.ts", import.meta.url)],
  },
  { id: "ours-bun", ours: true, argv: [exe("bun"), pathOf("./_curve_peer.ts", import.meta.url)] },
  { id: "pyzmq", ours: false, argv: [python, pathOf("./_curve_peer.py", import.meta.url)] },
  {
    id: "zeromq.js",
    ours: false,
    argv: [exe("node"), pathOf("./_curve_peer.mjs", import.meta.url)],
  },
];
const wanted = (opt.impls ?? IMPLS.map((i) => i.id).join(",")).split(",").map((s) => s.trim());
for (const w of wanted) {
  if (!IMPLS.some((i) => i.id === w)) {
    note(`unknown implementation "${w}" (known: ${IMPLS.map((i) => i.id).join(", ")})`);
    exit(2);
  }
}
for (const m of mechs) {
  if (m !== "null" && m !== "curve") {
    note(`unknown mechanism "${m}" (null or curve)`);
    exit(2);
  }
}
const impls = IMPLS.filter((i) => wanted.includes(i.id));
/** The JSON lines' `runtime`: the runtime of the implementation's processes. */
const runtimeOf = (i: Impl) =>
  i.id === "zeromq.js" ? "node" : i.id === "pyzmq" ? "python" : i.id.slice("ours-".length);
/** The JSON lines' `impl`: "ours", "pyzmq" or "zeromq.js". */
const implName = (i: Impl) => (i.ours ? "ours" : i.id);

// One key pair per side for the whole run (made by our library; libzmq takes them as Z85).
const server = curveKeyPair(), client = curveKeyPair();

// ------------------------------------------------------------------ peer processes

/** A peer process: its tagged stdout lines (`READY`, `WARM`, `RESULT`) and its end. */
interface Peer {
  name: string;
  /** The JSON of the first line tagged `tag`; rejects if the process ends first. */
  line(tag: string): Promise<Record<string, number | string>>;
  /** Writes one line to its stdin (the sender's cue). */
  cue(close?: boolean): void;
  kill(): void;
  /** Exit code (null if killed by a signal) once the process has ended. */
  done: Promise<number | null>;
  stderr(): string;
  timedOut: boolean;
}

function startPeer(impl: Impl, role: string, args: Record<string, string | number>): Peer {
  const argv = [...impl.argv, `role=${role}`, ...Object.entries(args).map(([k, v]) => `${k}=${v}`)];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
  const lines = new Map<string, Record<string, number | string>>();
  const waiters = new Map<string, (v: Record<string, number | string>) => void>();
  let err = "", buf = "", ended = false;
  const endWaiters: (() => void)[] = [];
  const peer: Peer = {
    name: `${impl.id} ${role}`,
    timedOut: false,
    line(tag) {
      const got = lines.get(tag);
      if (got) return Promise.resolve(got);
      return new Promise((resolve, reject) => {
        const fail = () => reject(new Error(`${peer.name}: ended before ${tag}`));
        if (ended) return fail();
        waiters.set(tag, resolve);
        endWaiters.push(fail);
      });
    },
    cue(close = false) {
      try {
        if (close) child.stdin!.end("end\n");
        else child.stdin!.write("go\n");
      } catch { /* gone: its exit says why */ }
    },
    kill() {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    },
    done: new Promise((resolve) => {
      child.on("error", (e) => {
        err += `cannot start ${argv[0]}: ${e.message}\n`;
      });
      child.on("close", (code) => {
        ended = true;
        endWaiters.splice(0).forEach((f) => f());
        resolve(code);
      });
    }),
    stderr: () => err,
  };
  child.stdin!.on("error", () => {});
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const m = /^(READY|WARM|RESULT) (.*)$/.exec(l);
      if (!m) continue;
      const v = JSON.parse(m[2]!);
      lines.set(m[1]!, v);
      waiters.get(m[1]!)?.(v);
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => void (err = (err + d).slice(-4000)));
  return peer;
}

/** The lines of a peer's stderr that say what went wrong (or its last lines). */
function gist(p: Peer, n = 3): string {
  // deno-lint-ignore no-control-regex
  const ls = p.stderr().replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((l) => l.trim())
    .filter(Boolean);
  const key = ls.filter((l) => /error|panic|exception|cannot|failed|timed out/i.test(l));
  return (key.length ? key : ls).slice(-n).join(" | ");
}

interface Point {
  impl: string;
  mech: string;
  rep: number;
  msgS: number;
  seconds: number;
  recvCpuUs: number;
  sendCpuUs: number;
  error?: string;
}

/** Runs one point: receiver and sender of `impl` with `mech`. */
async function runPoint(impl: Impl, mech: string, rep: number): Promise<Point> {
  const base = { size, count, warmup, mech, stall: stallMs };
  const keysRecv = mech === "curve"
    ? { server_public: server.publicKey, server_secret: server.secretKey }
    : {};
  const keysSend = mech === "curve"
    ? {
      server_public: server.publicKey,
      client_public: client.publicKey,
      client_secret: client.secretKey,
    }
    : {};
  const peers: Peer[] = [];
  const t0 = now();
  const timer = setTimeout(() => {
    for (const p of peers) {
      p.timedOut = true;
      p.kill();
    }
  }, timeoutS * 1000);
  const failure = (p: Peer, what: string) => {
    const g = gist(p);
    return p.timedOut
      ? `${p.name}: killed after ${timeoutS} s (${what})${g ? ": " + g : ""}`
      : `${p.name}: ${what}${g ? ": " + g : ""}`;
  };
  try {
    const recv = startPeer(impl, "recv", { ...base, ...keysRecv });
    peers.push(recv);
    // Any peer that ends badly takes the other down at once (it would wait until the timeout).
    recv.done.then((c) => c !== 0 && peers.forEach((p) => p.kill()));
    let stage = "waiting for READY";
    try {
      const { endpoint } = await recv.line("READY");
      const send = startPeer(impl, "send", { ...base, ...keysSend, endpoint: String(endpoint) });
      peers.push(send);
      send.done.then((c) => c !== 0 && peers.forEach((p) => p.kill()));
      stage = "warming up";
      await recv.line("WARM");
      send.cue();
      stage = "timed run";
      const r = await recv.line("RESULT");
      send.cue(true);
      stage = "sender's result";
      const s = await send.line("RESULT");
      const [rc, sc] = await Promise.all([recv.done, send.done]);
      if (rc !== 0) throw new Error(failure(recv, `exit ${rc}`));
      if (sc !== 0) throw new Error(failure(send, `exit ${sc}`));
      return {
        impl: impl.id,
        mech,
        rep,
        msgS: Number(r.msg_s),
        seconds: Number(r.seconds),
        recvCpuUs: Number(r.cpu_us),
        sendCpuUs: Number(s.cpu_us),
      };
    } catch (e) {
      peers.forEach((p) => p.kill());
      await Promise.all(peers.map((p) => p.done));
      // Name the peer that failed first: one with an error on stderr, else the receiver.
      const culprit = peers.find((p) => gist(p) !== "") ?? recv;
      const why = peers.some((p) => p.timedOut)
        ? failure(culprit, stage)
        : culprit === recv && !gist(recv)
        ? (e as Error).message
        : failure(culprit, `failed while ${stage}`);
      throw new Error(why);
    }
  } catch (e) {
    return {
      impl: impl.id,
      mech,
      rep,
      msgS: NaN,
      seconds: (now() - t0) / 1000,
      recvCpuUs: NaN,
      sendCpuUs: NaN,
      error: (e as Error).message,
    };
  } finally {
    clearTimeout(timer);
  }
}

// ------------------------------------------------------------------ the run

note(
  `# ${BENCH}: ${count} × ${size} B after ${warmup} warm-up, tcp 127.0.0.1, ${
    impls.map((i) => i.id).join(", ")
  } × ${mechs.join(", ")}, ${repeats} repeat(s), ${timeoutS} s per point; driver ${runtimeVersion}`,
);
const points: Point[] = [];
const total = repeats * impls.length * mechs.length;
let n = 0;
for (let rep = 1; rep <= repeats; rep++) {
  for (const impl of impls) {
    for (const mech of mechs) {
      const p = await runPoint(impl, mech, rep);
      points.push(p);
      const M = mech.toUpperCase();
      if (p.error) {
        note(`# [${++n}/${total}] ${impl.id} ${M}: FAILED: ${p.error}`);
        report({
          bench: BENCH,
          runtime: runtimeOf(impl),
          impl: implName(impl),
          transport: "tcp",
          size,
          value: 0,
          unit: "msg/s",
          mechanism: M,
          rep,
          error: p.error,
        });
        continue;
      }
      const msgs = count - 1;
      const extra = {
        mechanism: M,
        rep,
        msgs,
        seconds: +p.seconds.toFixed(4),
        recv_cpu_us_per_msg: +(p.recvCpuUs / msgs).toFixed(3),
        send_cpu_us_per_msg: +(p.sendCpuUs / count).toFixed(3),
      };
      note(
        `# [${++n}/${total}] ${impl.id} ${M}: ${fmt(p.msgS)} msg/s, CPU µs/msg recv ${
          fmt(extra.recv_cpu_us_per_msg, 2)
        } send ${fmt(extra.send_cpu_us_per_msg, 2)}`,
      );
      const runtime = runtimeOf(impl), impl_ = implName(impl);
      report({
        bench: BENCH,
        runtime,
        impl: impl_,
        transport: "tcp",
        size,
        value: Math.round(p.msgS),
        unit: "msg/s",
        ...extra,
      });
      report({
        bench: BENCH,
        runtime,
        impl: impl_,
        transport: "tcp",
        size,
        value: +(p.msgS * size / 1e6).toFixed(1),
        unit: "MB/s",
        ...extra,
      });
    }
  }
}

// ------------------------------------------------------------------ summary

function median(xs: number[]): number {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}
function fmt(x: number | undefined, d = 0): string {
  return x === undefined || !Number.isFinite(x)
    ? "-"
    : x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}
interface Summary {
  msgS: number;
  recv: number;
  send: number;
  failed: string[];
}
const summary = new Map<string, Summary>();
for (const impl of impls) {
  for (const mech of mechs) {
    const ps = points.filter((p) => p.impl === impl.id && p.mech === mech);
    summary.set(`${impl.id}|${mech}`, {
      msgS: median(ps.map((p) => p.msgS)),
      recv: median(ps.map((p) => p.recvCpuUs / (count - 1))),
      send: median(ps.map((p) => p.sendCpuUs / count)),
      failed: ps.filter((p) => p.error).map((p) => p.error!),
    });
  }
}

// Ratios on stdout: ours/libzmq per mechanism (msg/s, and CPU µs/msg of both processes),
// and CURVE/NULL per implementation.
const libs = impls.filter((i) => !i.ours), ours = impls.filter((i) => i.ours);
for (const mech of mechs) {
  for (const o of ours) {
    for (const l of libs) {
      const a = summary.get(`${o.id}|${mech}`)!, b = summary.get(`${l.id}|${mech}`)!;
      if (!Number.isFinite(a.msgS) || !Number.isFinite(b.msgS)) continue;
      report({
        bench: BENCH,
        runtime: runtimeOf(o),
        impl: `ours/${l.id}`,
        transport: "tcp",
        size,
        value: +(a.msgS / b.msgS).toPrecision(3),
        unit: "x",
        mechanism: mech.toUpperCase(),
        cpu_per_msg_ratio: +((a.recv + a.send) / (b.recv + b.send)).toPrecision(3),
      });
    }
  }
}
if (mechs.includes("null") && mechs.includes("curve")) {
  for (const i of impls) {
    const a = summary.get(`${i.id}|curve`)!, b = summary.get(`${i.id}|null`)!;
    if (!Number.isFinite(a.msgS) || !Number.isFinite(b.msgS)) continue;
    report({
      bench: BENCH,
      runtime: runtimeOf(i),
      impl: `${implName(i)} CURVE/NULL`,
      transport: "tcp",
      size,
      value: +(a.msgS / b.msgS).toPrecision(3),
      unit: "x",
      cpu_per_msg_ratio: +((a.recv + a.send) / (b.recv + b.send)).toPrecision(3),
    });
  }
}

// The tables on stderr.
const W = [10, 6, 11, 8, 10, 10, 10, 11];
const row = (cells: string[]) =>
  note(cells.map((c, i) => (i < 2 ? c.padEnd(W[i]!) : c.padStart(W[i]!))).join(" "));
note(
  `\n${count} × ${size} B PUSH→PULL, tcp 127.0.0.1, one sender and one receiver process` +
    (repeats > 1 ? ` (medians of ${repeats})` : ""),
);
row(["impl", "mech", "msg/s", "MB/s", "recv µs/m", "send µs/m", "CPU µs/m", "CURVE/NULL"]);
for (const impl of impls) {
  for (const mech of mechs) {
    const s = summary.get(`${impl.id}|${mech}`)!;
    const nul = summary.get(`${impl.id}|null`);
    const cost = mech === "curve" && nul && Number.isFinite(nul.msgS)
      ? fmt(s.msgS / nul.msgS, 2) + "x"
      : "";
    row([
      impl.id,
      mech.toUpperCase(),
      fmt(s.msgS),
      fmt(s.msgS * size / 1e6, 1),
      fmt(s.recv, 2),
      fmt(s.send, 2),
      fmt(s.recv + s.send, 2),
      cost,
    ]);
    for (const f of s.failed) note(`    FAILED: ${f}`);
  }
}
if (ours.length && libs.length) {
  note(
    `\nours / libzmq: msg/s ratio (in brackets, the ratio of CPU µs per message, both processes)`,
  );
  const head = ["", ...mechs.flatMap((m) => libs.map((l) => `${m.toUpperCase()} vs ${l.id}`))];
  note(head.map((h, i) => (i ? h.padStart(22) : h.padEnd(10))).join(""));
  for (const o of ours) {
    const cells = [o.id.padEnd(10)];
    for (const mech of mechs) {
      for (const l of libs) {
        const a = summary.get(`${o.id}|${mech}`)!, b = summary.get(`${l.id}|${mech}`)!;
        const r = a.msgS / b.msgS, c = (a.recv + a.send) / (b.recv + b.send);
        cells.push(
          (Number.isFinite(r) ? `${fmt(r, 3)}x (${fmt(c, 1)}x)` : "-").padStart(22),
        );
      }
    }
    note(cells.join(""));
  }
}
exitWatchdog(
  3_000,
  "# curve_throughput: the process did not exit on its own 3 s after the last point; forcing exit",
);
