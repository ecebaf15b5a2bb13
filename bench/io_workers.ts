/**
 * What several I/O workers (`ioThreads`, `XS_IO_THREADS`) give: one PULL in this process
 * binds one tcp endpoint per sender, each bind going to the least loaded worker (so with
 * `ioThreads` ≥ senders every connection has a worker of its own), and `--senders` libzmq
 * processes (pyzmq, bench/_curve_peer.py; cheap senders, so the receiver is what is
 * measured) push `--count` messages each, NULL or CURVE. The receiver times from the first
 * timed message to the last of all senders (msg/s), and takes its own CPU time (every
 * thread) over the same span.
 *
 * With NULL the API thread (the socket type, the rings) is usually the bound and more
 * workers add little; with CURVE the workers' decryption is, and it splits over them as
 * long as cores are free. Repeats are interleaved and the table shows medians.
 *
 *   deno run -A bench/io_workers.ts [--threads 1,2,3] [--senders 2] [--count 50000] [options]
 *   bun bench/io_workers.ts [options]
 *
 * Output: one JSON line per point on stdout, a table on stderr.
 *
 * Runs on: the bench's main thread (Deno or Bun); the senders in their own processes.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Context, curveKeyPair } from "../mod.ts";
import {
  cliOptions,
  exit,
  exitWatchdog,
  note,
  now,
  parseCount,
  pathOf,
  report,
  runtimeName,
  selfUsage,
  usageOrExit,
} from "./_report.ts";

const USAGE = `
Throughput into one PULL with 1..N I/O workers, from N libzmq (pyzmq) sender processes.

  deno run -A bench/io_workers.ts [options]
  bun bench/io_workers.ts [options]

Options:
  --threads=1,2,3     ioThreads values to measure
  --senders=2         sender processes (one tcp endpoint each)
  --count=50000       timed messages per sender (k, M suffixes)
  --warmup=5000       messages per sender before the timed ones
  --size=1024         message size in bytes (Ki suffix)
  --mechs=null,curve  mechanisms
  --repeats=1         runs per point (interleaved; the table shows medians)
  --python=PATH       python with pyzmq (default /usr/bin/python3 if present)
  --help              this text
`;
usageOrExit(USAGE, ["threads", "senders", "count", "warmup", "size", "mechs", "repeats", "python"]);
const opt = cliOptions();
const threads = (opt.threads ?? "1,2,3").split(",").map(Number);
const senders = Number(opt.senders ?? 2);
const count = parseCount(opt.count, 50_000);
const warmup = parseCount(opt.warmup, 5_000);
const size = parseCount(opt.size, 1024);
const repeats = Number(opt.repeats ?? 1);
const mechs = (opt.mechs ?? "null,curve").split(",");
const python = opt.python ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
const PEER = pathOf("./_curve_peer.py", import.meta.url);
const server = curveKeyPair(), client = curveKeyPair();
exitWatchdog((repeats * threads.length * mechs.length) * 180_000, "io_workers: overall limit");

/**
 * CPU ms so far of this process's main thread (the API thread: its task id is the process
 * id) and of all its other threads (the I/O workers, and the runtime's own helper threads),
 * from /proc/self/task (Linux); NaN elsewhere.
 */
function threadCpu(): { main: number; others: number } {
  try {
    const pid = readFileSync("/proc/self/stat", "utf8").split(" ")[0];
    let main = 0, others = 0;
    for (const tid of readdirSync("/proc/self/task")) {
      let f: string;
      try {
        f = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      } catch {
        continue; // the thread ended meanwhile
      }
      const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(rest[11]) + Number(rest[12])) * 10; // USER_HZ 100
      if (tid === pid) main += ms;
      else others += ms;
    }
    return { main, others };
  } catch {
    return { main: NaN, others: NaN };
  }
}

/** A pyzmq sender: warms up, waits for a line, sends `count`, waits for a line, reports. */
function sender(endpoint: string, mech: string) {
  const args = [
    PEER,
    "role=send",
    `mech=${mech}`,
    `size=${size}`,
    `count=${count}`,
    `warmup=${warmup}`,
    `endpoint=${endpoint}`,
    `server_public=${server.publicKey}`,
    `client_public=${client.publicKey}`,
    `client_secret=${client.secretKey}`,
  ];
  const child = spawn(python, args, { stdio: ["pipe", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const done = new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
  return {
    cue: () => child.stdin!.write("go\n"),
    kill: () => child.kill("SIGKILL"),
    done,
    err: () => err,
  };
}

async function point(mech: string, ioThreads: number): Promise<number> {
  await using ctx = new Context({ ioThreads });
  using pull = ctx.socket("PULL", {
    rcvhwm: 10_000,
    ...(mech === "curve"
      ? { curveServer: true, curvePublicKey: server.publicKey, curveSecretKey: server.secretKey }
      : {}),
  });
  const eps: string[] = [];
  for (let i = 0; i < senders; i++) {
    await pull.bind("tcp://127.0.0.1:*");
    eps.push(pull.lastEndpoint);
  }
  const peers = eps.map((ep) => sender(ep, mech));
  try {
    const take = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const m = pull.tryReceive() ?? await pull.receive({ timeout: 20_000 });
        if (m[0]!.length !== size) throw new Error(`a ${m[0]!.length}-byte message`);
      }
    };
    await take(senders * warmup);
    for (const p of peers) p.cue();
    await take(1);
    const t0 = now();
    const c0 = (await selfUsage())?.cpuMs ?? NaN;
    const th0 = threadCpu();
    await take(senders * count - 1);
    const seconds = (now() - t0) / 1000;
    const th1 = threadCpu();
    const cpuMs = ((await selfUsage())?.cpuMs ?? NaN) - c0;
    for (const p of peers) p.cue();
    for (const p of peers) {
      const code = await p.done;
      if (code !== 0) throw new Error(`a sender ended with ${code}: ${p.err()}`);
    }
    const msgS = (senders * count - 1) / seconds;
    report({
      bench: "io_workers_push_pull_thr",
      runtime: runtimeName,
      impl: "ours",
      transport: "tcp",
      size,
      value: Math.round(msgS),
      unit: "msg/s",
      mechanism: mech,
      ioThreads,
      senders,
      messages: senders * count,
      cpuUsPerMsg: Number(((cpuMs * 1000) / (senders * count)).toFixed(2)),
      apiThreadUsPerMsg: Number((((th1.main - th0.main) * 1000) / (senders * count)).toFixed(2)),
      otherThreadsUsPerMsg: Number(
        (((th1.others - th0.others) * 1000) / (senders * count)).toFixed(2),
      ),
    });
    cpuSplit.set(`${mech} ${ioThreads}`, [
      ...cpuSplit.get(`${mech} ${ioThreads}`) ?? [],
      [
        (th1.main - th0.main) * 1000 / (senders * count),
        (th1.others - th0.others) * 1000 / (senders * count),
      ],
    ]);
    return msgS;
  } finally {
    for (const p of peers) p.kill();
  }
}

const results = new Map<string, number[]>();
/** Per point: [API thread µs/msg, other threads µs/msg] of each run. */
const cpuSplit = new Map<string, [number, number][]>();
for (let r = 0; r < repeats; r++) {
  for (const mech of mechs) {
    for (const t of threads) {
      note(`${mech}, ioThreads ${t}, run ${r + 1}/${repeats} ...`);
      const v = await point(mech, t);
      const key = `${mech} ${t}`;
      results.set(key, [...results.get(key) ?? [], v]);
    }
  }
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
note(`\n${runtimeName}, ${senders} pyzmq senders, ${size} B, ${count} msgs each (medians)`);
note("mechanism | ioThreads | msg/s | × ioThreads 1 | API thread µs/msg | other threads µs/msg");
for (const mech of mechs) {
  const base = median(results.get(`${mech} ${threads[0]}`)!);
  for (const t of threads) {
    const v = median(results.get(`${mech} ${t}`)!);
    const split = cpuSplit.get(`${mech} ${t}`)!;
    const api = median(split.map((x) => x[0])), other = median(split.map((x) => x[1]));
    note(
      `${mech} | ${t} | ${Math.round(v)} | ${(v / base).toFixed(2)} | ${api.toFixed(1)} | ` +
        other.toFixed(1),
    );
  }
}
// On paper, with a core for every thread: the API thread's work per message stays, the
// workers' splits over them, so N workers reach 1 / max(api, others / N) messages per µs.
// The CPU split is the fastest point's: on a machine short of cores, a saturated worker
// (and the runtime's helper threads beside it) spends more per message than one with room.
note("\non paper (a core per thread), from the fastest point's CPU split: N → msg/s");
for (const mech of mechs) {
  const best = threads.reduce((a, b) =>
    median(results.get(`${mech} ${b}`)!) > median(results.get(`${mech} ${a}`)!) ? b : a
  );
  const split = cpuSplit.get(`${mech} ${best}`)!;
  const api = median(split.map((x) => x[0])), other = median(split.map((x) => x[1]));
  const row = [1, 2, 4, 8].map((n) => `${n}: ${Math.round(1e6 / Math.max(api, other / n))}`);
  note(`${mech}: ${row.join(", ")}`);
}
exit(0);
