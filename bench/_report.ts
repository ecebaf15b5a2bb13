/**
 * Shared helpers of the benches: one JSON line per result, a clock, command-line options,
 * child processes (the zeromq.js side runs in Node) and a raw loopback TCP ceiling.
 *
 * This is the only file under `bench/` that may touch `Deno.` or `Bun.` (house style);
 * everything runtime-specific the benches need lives here.
 *
 * Runs on: the bench's main thread (Deno or Bun).
 */
// deno-lint-ignore-file no-explicit-any
import { loadRuntime, type StreamConn } from "../lib/runtime/mod.ts";

const g = globalThis as any;

/** The runtime running the bench. */
export const runtimeName: "deno" | "bun" | "node" = typeof g.Deno?.version?.deno === "string"
  ? "deno"
  : typeof g.Bun?.version === "string"
  ? "bun"
  : "node";

/** The runtime with its version, e.g. "deno 2.9.6". */
export const runtimeVersion: string = runtimeName === "deno"
  ? `deno ${g.Deno.version.deno}`
  : runtimeName === "bun"
  ? `bun ${g.Bun.version}`
  : `node ${g.process?.versions?.node}`;

/** One result line (house style: `{bench, runtime, impl, transport, size, value, unit}`). */
export interface Result {
  /** Scenario, libzmq perf naming: "push_pull_thr", "raw_tcp_thr", ... */
  bench: string;
  /** Who ran the scenario's process: "deno", "bun", "node". */
  runtime: string;
  /** "ours", "zeromq.js", "raw", or a ratio such as "ours/zeromq.js". */
  impl: string;
  /** "tcp", "ipc", "inproc". */
  transport: string;
  /** Message size in bytes. */
  size: number;
  /** The figure. */
  value: number;
  /** "msg/s", "MB/s", "x", ... */
  unit: string;
  /** Anything else worth keeping (message count, seconds, notes). */
  [extra: string]: unknown;
}

/** Prints `r` as one JSON line on stdout and returns it. */
export function report(r: Result): Result {
  console.log(JSON.stringify(r));
  return r;
}

/** Prints a human-readable line on stderr (kept off stdout, which carries JSON only). */
export function note(text: string): void {
  console.error(text);
}

/** Monotonic milliseconds with sub-millisecond resolution. */
export function now(): number {
  return performance.now();
}

/** The command-line arguments after the script. */
export function cliArgs(): string[] {
  if (runtimeName === "deno") return [...g.Deno.args];
  if (runtimeName === "bun") return g.Bun.argv.slice(2);
  return g.process.argv.slice(2);
}

/** Options of the form `--name=value` or `--name value`; bare `--flag` is "true". */
export function cliOptions(): Record<string, string> {
  const out: Record<string, string> = {};
  const a = cliArgs();
  for (let i = 0; i < a.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a[i]!);
    if (!m) continue;
    const name = m[1]!, next = a[i + 1];
    if (m[2] !== undefined) out[name] = m[2];
    else if (next !== undefined && !next.startsWith("--")) out[name] = a[++i]!;
    else out[name] = "true";
  }
  return out;
}

/**
 * `--help` / `-h`: prints `usage` and exits 0. Otherwise refuses an option not in `known`
 * (printing the usage, exit 2), so a misspelt option is not silently ignored.
 */
export function usageOrExit(usage: string, known: readonly string[]): void {
  const a = cliArgs();
  if (a.includes("--help") || a.includes("-h")) {
    console.log(usage.trim());
    exit(0);
  }
  const bad = Object.keys(cliOptions()).filter((k) => !known.includes(k));
  if (bad.length) {
    console.error(`unknown option${bad.length > 1 ? "s" : ""}: --${bad.join(", --")}\n`);
    console.error(usage.trim());
    exit(2);
  }
}

/** Integer with k/M suffixes ("2M", "200k", "64Ki") or the default. */
export function parseCount(text: string | undefined, dflt: number): number {
  if (text === undefined) return dflt;
  const m = /^(\d+(?:\.\d+)?)(k|K|M|Ki|Mi)?$/.exec(text.trim());
  if (!m) throw new RangeError(`Cannot parse count "${text}"`);
  const mult = { k: 1e3, K: 1e3, M: 1e6, Ki: 1024, Mi: 1024 * 1024 }[m[2] ?? ""] ?? 1;
  return Math.round(Number(m[1]) * mult);
}

/** Ends the process with `code` (benches must exit on their own; this is the last resort). */
export function exit(code = 0): never {
  if (runtimeName === "deno") g.Deno.exit(code);
  g.process.exit(code);
  throw new Error("unreachable");
}

/** Result of a child run. */
export interface ChildOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` to completion, killing it after `timeoutMs`. Rejects if it cannot start. */
export async function runChild(
  cmd: string,
  args: string[],
  timeoutMs = 120_000,
): Promise<ChildOutput> {
  const dec = new TextDecoder();
  if (runtimeName === "deno") {
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), timeoutMs);
    try {
      const out = await new g.Deno.Command(cmd, {
        args,
        stdout: "piped",
        stderr: "piped",
        signal: ac.signal,
      })
        .output();
      return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
    } finally {
      clearTimeout(t);
    }
  }
  const p = g.Bun.spawn([cmd, ...args], { stdout: "pipe", stderr: "pipe" });
  const t = setTimeout(() => p.kill(), timeoutMs);
  try {
    const [stdout, stderr] = await Promise.all([
      new Response(p.stdout).text(),
      new Response(p.stderr).text(),
    ]);
    return { code: await p.exited, stdout, stderr };
  } finally {
    clearTimeout(t);
  }
}

/** A child process whose stdout is read as JSON lines while it runs. */
export interface LineProcess {
  /** The next JSON line, or null once stdout ended; rejects after `ms`. */
  next(ms?: number): Promise<any>;
  /** Sends one JSON line to its stdin. */
  send(obj: unknown): void;
  /** Closes stdin and waits for the exit code (kills after 5 s). */
  close(): Promise<number>;
}

/** Spawns `cmd args` with piped stdin/stdout (stderr inherited). */
export function spawnJsonLines(cmd: string, args: string[]): LineProcess {
  const enc = new TextEncoder(), dec = new TextDecoder();
  const lines: (string | null)[] = [];
  const waiters: ((l: string | null) => void)[] = [];
  let write: (s: string) => void, closeIn: () => void, kill: () => void;
  let exited: Promise<number>, stdout: ReadableStream<Uint8Array>;
  if (runtimeName === "deno") {
    const p = new g.Deno.Command(cmd, { args, stdin: "piped", stdout: "piped", stderr: "inherit" })
      .spawn();
    const w = p.stdin.getWriter();
    write = (s) => void w.write(enc.encode(s)).catch(() => {});
    closeIn = () => void w.close().catch(() => {});
    kill = () => {
      try {
        p.kill();
      } catch { /* gone */ }
    };
    exited = p.status.then((s: any) => s.code);
    stdout = p.stdout;
  } else {
    const p = g.Bun.spawn([cmd, ...args], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
    write = (s) => {
      p.stdin.write(s);
      p.stdin.flush();
    };
    closeIn = () => p.stdin.end();
    kill = () => p.kill();
    exited = p.exited;
    stdout = p.stdout;
  }
  const deliver = (l: string | null) => {
    const w = waiters.shift();
    if (w) w(l);
    else lines.push(l);
  };
  const reading = (async () => {
    let buf = "";
    for await (const chunk of stdout) {
      buf += dec.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        deliver(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    }
    deliver(null);
  })();
  return {
    send: (obj) => write(JSON.stringify(obj) + "\n"),
    next: (ms = 60_000) => {
      if (lines.length) {
        const l = lines.shift()!;
        return Promise.resolve(l === null ? null : JSON.parse(l));
      }
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no line from ${cmd} within ${ms} ms`)), ms);
        waiters.push((l) => {
          clearTimeout(t);
          if (l === null) lines.push(null); // keep the end visible to later calls
          resolve(l === null ? null : JSON.parse(l));
        });
      });
    },
    close: async () => {
      closeIn();
      const t = setTimeout(kill, 5_000);
      const code = await exited;
      clearTimeout(t);
      await reading.catch(() => {});
      return code;
    },
  };
}

/** True if `node` runs and can load the zeromq package (resolved from this repo). */
export async function zeromqAvailable(): Promise<boolean> {
  try {
    const dir = decodeURIComponent(new URL("..", import.meta.url).pathname);
    const r = await runChild("node", [
      "-e",
      `require(${JSON.stringify(dir + "node_modules/zeromq")})`,
    ], 15_000);
    return r.code === 0;
  } catch {
    return false;
  }
}

/**
 * This process's CPU time (user + system, every thread) and minor page faults so far, from
 * /proc/self/stat (Linux); null where that file cannot be read.
 */
export async function selfUsage(): Promise<{ cpuMs: number; minorFaults: number } | null> {
  try {
    const { readFileSync } = await import("node:fs");
    const f = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name (which may hold spaces) start at field 3.
    const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
    const tick = 100; // USER_HZ on Linux
    return {
      minorFaults: Number(rest[7]),
      cpuMs: (Number(rest[11]) + Number(rest[12])) * 1000 / tick,
    };
  } catch {
    return null;
  }
}

/** The executable of the runtime running the bench (to start a child of the same runtime). */
export function runtimeExecutable(): string {
  return runtimeName === "deno" ? g.Deno.execPath() : g.process.execPath;
}

/** Absolute path of a file next to the caller's module. */
export function pathOf(rel: string, base: string): string {
  return decodeURIComponent(new URL(rel, base).pathname);
}

/**
 * Raw loopback TCP throughput of this runtime through the runtime adapter the engine uses
 * (lib/runtime): one process, one thread, `total` bytes written in `chunk`-byte writes with
 * one write in flight, read on the other socket. Returns MB/s (10^6 bytes per second) from
 * the first byte read to the last.
 */
export async function rawTcpThroughput(
  total: number,
  chunk = 64 * 1024,
): Promise<{ mbps: number; seconds: number }> {
  const rt = await loadRuntime();
  let got = 0, first = 0, last = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  let server: StreamConn | null = null;
  const listener = await rt.listenTcp("127.0.0.1", 0, (conn) => {
    server = conn;
    return {
      data(c) {
        if (got === 0) first = now();
        got += c.length;
        if (got >= total) {
          last = now();
          done();
        }
      },
      written() {},
      closed() {},
    };
  });
  const attach = await rt.connectTcp("127.0.0.1", listener.port);
  const buf = new Uint8Array(chunk).fill(0x5a);
  let sent = 0;
  const client: StreamConn = attach({
    data() {},
    written() {
      if (sent < total) {
        sent += chunk;
        client.write(buf);
      }
    },
    closed() {},
  });
  sent += chunk;
  client.write(buf);
  await finished;
  client.close();
  (server as StreamConn | null)?.close();
  listener.close();
  const seconds = (last - first) / 1000;
  return { mbps: got / 1e6 / seconds, seconds };
}

/** A fresh temporary directory (for ipc socket files). */
export async function makeTempDir(): Promise<string> {
  if (runtimeName === "deno") return g.Deno.makeTempDirSync({ prefix: "xs-bench-" });
  const fs = await import("node:fs"),
    os = await import("node:os"),
    path = await import("node:path");
  return fs.mkdtempSync(path.join(os.tmpdir(), "xs-bench-"));
}

/** Removes a directory made by `makeTempDir`; never throws. */
export async function removeTempDir(dir: string): Promise<void> {
  try {
    if (runtimeName === "deno") g.Deno.removeSync(dir, { recursive: true });
    else (await import("node:fs")).rmSync(dir, { recursive: true, force: true });
  } catch { /* already gone */ }
}

/**
 * Arms a watchdog that does not keep the process alive: if the process is still running
 * `ms` after this call, it prints `why` on stderr and exits with `code`. Benches and the
 * demo call it after their last step, so a process that fails to exit on its own is
 * reported (and ended) instead of hanging.
 */
export function exitWatchdog(ms: number, why: string, code = 3): void {
  const id = setTimeout(() => {
    note(why);
    exit(code);
  }, ms);
  if (runtimeName === "deno") g.Deno.unrefTimer(id);
  else (id as any).unref?.();
}

/** The part of Deno's `BenchContext` the benches use: exclude setup from the timing. */
export interface BenchTimer {
  /** Starts the timed section of this iteration. */
  start(): void;
  /** Ends the timed section of this iteration. */
  end(): void;
}

/** One bench case; the fields mean what they mean for `Deno.bench`. */
export interface BenchCase {
  name: string;
  group?: string;
  baseline?: boolean;
  /** Iterations (Deno picks adaptively when absent; the fallback runs ~1 s). */
  n?: number;
  warmup?: number;
  fn: (b: BenchTimer) => void | Promise<void>;
}

const fallbackCases: BenchCase[] = [];

/**
 * Registers a bench case: `Deno.bench` under Deno (so `deno bench` runs the file), and a
 * small sequential runner elsewhere (`bun bench/ring_bench.ts`) that prints one line per
 * case with the mean time per iteration and a JSON result.
 */
export function bench(c: BenchCase): void {
  if (runtimeName === "deno") {
    g.Deno.bench({
      name: c.name,
      group: c.group,
      baseline: c.baseline,
      n: c.n,
      warmup: c.warmup,
      fn: c.fn,
    });
    return;
  }
  if (fallbackCases.push(c) === 1) setTimeout(runFallback, 0);
}

async function runFallback(): Promise<void> {
  note(`# ${runtimeVersion} (fallback bench runner; under Deno use \`deno bench\`)`);
  const baselines = new Map<string, number>();
  const means: { c: BenchCase; mean: number }[] = [];
  for (const c of fallbackCases) {
    let t0 = 0, acc = 0;
    const timer: BenchTimer = {
      start: () => void (t0 = now()),
      end: () => void (acc += now() - t0, t0 = -1),
    };
    const once = async () => {
      t0 = now();
      await c.fn(timer);
      if (t0 >= 0) acc += now() - t0;
    };
    for (let i = 0; i < (c.warmup ?? 2); i++) await once();
    acc = 0;
    let iters = 0;
    const wall0 = now();
    while (c.n ? iters < c.n : (now() - wall0 < 1000 || iters < 10)) {
      await once();
      iters++;
    }
    const mean = acc / iters;
    means.push({ c, mean });
    if (c.baseline && c.group) baselines.set(c.group, mean);
  }
  for (const { c, mean } of means) {
    const base = c.group ? baselines.get(c.group) : undefined;
    const rel = base !== undefined && !c.baseline
      ? `  ${(mean / base).toFixed(2)}x the baseline's time`
      : c.baseline
      ? "  (baseline)"
      : "";
    note(`${(c.group ? c.group + " / " : "") + c.name}: ${fmtTime(mean)}/iter${rel}`);
    report({
      bench: c.group ?? c.name,
      runtime: runtimeName,
      impl: c.name,
      transport: "-",
      size: 0,
      value: +(mean * 1e6).toFixed(0),
      unit: "ns/iter",
    });
  }
}

function fmtTime(ms: number): string {
  return ms >= 1
    ? `${ms.toFixed(2)} ms`
    : ms >= 1e-3
    ? `${(ms * 1e3).toFixed(2)} µs`
    : `${(ms * 1e6).toFixed(0)} ns`;
}

/** Bundles workers/io_worker.ts into one ES module with Bun's bundler; returns its text. */
export async function bundleWorkerSource(): Promise<string> {
  const B = (globalThis as any).Bun;
  if (!B) throw new Error("bundling needs Bun");
  const r = await B.build({
    entrypoints: [new URL("../workers/io_worker.ts", import.meta.url).pathname],
    target: "node",
    format: "esm",
    minify: false,
    // lib/runtime/crypto_deno.ts names the packages as `npm:` specifiers: the bundle takes
    // them from node_modules, like crypto_npm.ts's.
    plugins: [{
      name: "npm-specifiers",
      setup(build: any) {
        build.onResolve({ filter: /^npm:/ }, (a: any) => ({
          path: B.resolveSync(
            a.path.replace(/^npm:(@?[^@/]+(?:\/[^@/]+)?)@[^/]+/, "$1"),
            a.resolveDir,
          ),
        }));
      },
    }],
  });
  if (!r.success) throw new Error(r.logs.join("\n"));
  return await r.outputs[0].text();
}

/** Writes a text file (Deno or Bun). */
export async function writeTextFile(url: URL, text: string): Promise<void> {
  const g = globalThis as any;
  if (g.Deno) await g.Deno.writeTextFile(url, text);
  else await g.Bun.write(url, text);
}
