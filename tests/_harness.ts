/**
 * Test harness shared by `deno test` and `bun test`.
 *
 * Registers a case with `Deno.test`, `bun:test` or `node:test` (picked once at load; Node
 * runs the suite compiled to JavaScript by tests/node/run.mjs), bounds every
 * case in time, and re-exports the assertions of `node:assert/strict`, which both
 * runtimes ship. This file and `lib/runtime/` are the only places that touch `Deno.`
 * or `Bun.` directly.
 *
 * Runs on: the test runner's main thread.
 */
// deno-lint-ignore-file no-explicit-any
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRuntime } from "../lib/runtime/mod.ts";
import { XsError } from "../lib/errors.ts";
export { assert };
export const {
  equal: assertEquals,
  deepEqual: assertDeepEquals,
  ok: assertOk,
  rejects: assertRejects,
  throws: assertThrows,
} = assert;

/** Which runtime runs the suite. */
export const runtime: "deno" | "bun" | "node" = typeof (globalThis as any).Deno !== "undefined"
  ? "deno"
  : typeof (globalThis as any).Bun !== "undefined"
  ? "bun"
  : "node";

const bunTest: any = runtime === "bun" ? await import("bun:test" as string) : null;
const nodeTest: any = runtime === "node" ? await import("node:test" as string) : null;
const nodeChild: any = runtime === "node" ? await import("node:child_process") : null;

/** Options of one test case. */
export interface TestOptions {
  /** Fail the case if it runs longer than this many ms (default 30 000). */
  timeout?: number;
  /** Skip the case; the value is the written reason. */
  skip?: string | false;
  /** Deno's sanitizers; off only with a reason in the caller. */
  sanitizeOps?: boolean;
  sanitizeResources?: boolean;
}

/** Registers one test case on the current runtime, bounded by `opts.timeout`. */
export function test(name: string, fn: () => unknown | Promise<unknown>, opts: TestOptions = {}) {
  const limit = opts.timeout ?? 30_000;
  const bounded = async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`test timed out after ${limit} ms: ${name}`)),
        limit,
      );
    });
    try {
      await Promise.race([Promise.resolve().then(fn), watchdog]);
    } finally {
      clearTimeout(timer);
    }
  };
  if (runtime === "deno") {
    (globalThis as any).Deno.test({
      name,
      fn: bounded,
      ignore: !!opts.skip,
      sanitizeOps: opts.sanitizeOps ?? true,
      sanitizeResources: opts.sanitizeResources ?? true,
    });
  } else if (runtime === "bun") {
    if (opts.skip) bunTest.test.skip(name, bounded);
    else bunTest.test(name, bounded, limit + 5_000);
  } else {
    // Node runs the suite compiled to JavaScript (tests/node/run.mjs).
    nodeTest.test(name, { skip: opts.skip || false, timeout: limit + 5_000 }, bounded);
  }
}

/** Resolves after `ms` milliseconds (for scenario delays only; never as a settle wait). */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every few ms until it is true; rejects after `ms`. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  ms = 5_000,
  what = "condition",
) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await delay(2);
  }
}

/** A fresh temporary directory (removed by the caller with `removeDir`). */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "xs-test-"));
}

/** Removes a directory made by `tempDir`. */
export function removeDir(dir: string) {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch { /* already gone */ }
}

let seq = 0;
/** A scratch endpoint for `scheme`: tcp on a free port, ipc in a temp dir, a unique inproc name. */
export function scratchEndpoint(scheme: "inproc" | "ipc" | "tcp"): string {
  seq++;
  if (scheme === "tcp") return "tcp://127.0.0.1:*";
  if (scheme === "inproc") return `inproc://scratch-${seq}-${Math.random().toString(36).slice(2)}`;
  const dir = tempDir();
  return `ipc://${dir}/s${seq}.sock`;
}

/** Every transport a pattern is checked over. */
export const TRANSPORTS = ["inproc", "ipc", "tcp"] as const;

/** Result of a child process run. */
export interface ChildResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with a time bound; used for Node peers and exit checks. */
export async function runCommand(
  cmd: string,
  args: string[],
  opts: { timeout?: number; cwd?: string } = {},
): Promise<ChildResult> {
  const limit = opts.timeout ?? 30_000;
  if (runtime === "deno") {
    const D = (globalThis as any).Deno;
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), limit);
    try {
      const out = await new D.Command(cmd, {
        args,
        cwd: opts.cwd,
        stdout: "piped",
        stderr: "piped",
        signal: ac.signal,
      }).output();
      return {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        stderr: new TextDecoder().decode(out.stderr),
      };
    } finally {
      clearTimeout(t);
    }
  }
  if (runtime === "node") return await runNodeCommand(cmd, args, limit, opts.cwd);
  const B = (globalThis as any).Bun;
  const p = B.spawn([cmd, ...args], { cwd: opts.cwd, stdout: "pipe", stderr: "pipe" });
  const t = setTimeout(() => p.kill(), limit);
  try {
    const [stdout, stderr] = await Promise.all([
      new Response(p.stdout).text(),
      new Response(p.stderr).text(),
    ]);
    const code = await p.exited;
    return { code, stdout, stderr };
  } finally {
    clearTimeout(t);
  }
}

/** `runCommand` on Node: `node:child_process`, bounded the same way. */
async function runNodeCommand(
  cmd: string,
  args: string[],
  limit: number,
  cwd: string | undefined,
): Promise<ChildResult> {
  const { spawn } = await import("node:child_process");
  const p = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  const t = setTimeout(() => p.kill("SIGKILL"), limit);
  let stdout = "", stderr = "";
  p.stdout.setEncoding("utf8").on("data", (d: string) => stdout += d);
  p.stderr.setEncoding("utf8").on("data", (d: string) => stderr += d);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      p.on("error", reject);
      p.on("close", (c: number | null) => resolve(c ?? 1));
    });
    return { code, stdout, stderr };
  } finally {
    clearTimeout(t);
  }
}

/** A running child process that speaks line-delimited JSON over stdin/stdout. */
export interface LineChild {
  send(obj: unknown): void;
  next(ms?: number): Promise<any>;
  close(): Promise<number>;
  /** Sends `signal` (default SIGKILL) and resolves with the exit code. */
  kill(signal?: string): Promise<number>;
  /** Resolves with the exit code once the process ended by itself. */
  readonly exited: Promise<number>;
}

/** Spawns `cmd args` and exchanges one JSON object per line with it. */
export function spawnLines(cmd: string, args: string[], opts: { cwd?: string } = {}): LineChild {
  const enc = new TextEncoder(), dec = new TextDecoder();
  const lines: string[] = [];
  const waiters: ((l: string | null) => void)[] = [];
  let ended = false;
  let buf = "";
  const push = (l: string | null) => {
    const w = waiters.shift();
    if (w) w(l);
    else if (l !== null) lines.push(l);
  };
  let write: (s: string) => void;
  let closeIn: () => void;
  let exited: Promise<number>;
  let kill: (signal?: string) => void;
  let stdout: ReadableStream<Uint8Array>;
  if (runtime === "deno") {
    const D = (globalThis as any).Deno;
    const p = new D.Command(cmd, {
      args,
      cwd: opts.cwd,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const w = p.stdin.getWriter();
    write = (s) => void w.write(enc.encode(s));
    closeIn = () => void w.close().catch(() => {});
    exited = p.status.then((s: any) => s.code);
    kill = (signal?: string) => {
      try {
        p.kill(signal ?? "SIGTERM");
      } catch { /* gone */ }
    };
    stdout = p.stdout;
  } else if (runtime === "node") {
    const { spawn } = nodeChild!;
    const p = spawn(cmd, args, { cwd: opts.cwd, stdio: ["pipe", "pipe", "inherit"] });
    write = (s) => void p.stdin.write(s);
    closeIn = () => void p.stdin.end();
    exited = new Promise((resolve) => p.on("close", (c: number | null) => resolve(c ?? 1)));
    kill = (signal?: string) => void p.kill(signal ?? "SIGTERM");
    stdout = new ReadableStream({
      start(c) {
        p.stdout.on("data", (d: Uint8Array) => c.enqueue(d));
        p.stdout.on("end", () => c.close());
      },
    });
  } else {
    const B = (globalThis as any).Bun;
    const p = B.spawn([cmd, ...args], {
      cwd: opts.cwd,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "inherit",
    });
    write = (s) => {
      p.stdin.write(s);
      p.stdin.flush();
    };
    closeIn = () => p.stdin.end();
    exited = p.exited;
    kill = (signal?: string) => p.kill(signal ?? "SIGTERM");
    stdout = p.stdout;
  }
  (async () => {
    for await (const chunk of stdout) {
      buf += dec.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    }
    ended = true;
    while (waiters.length) push(null);
  })();
  return {
    send: (obj) => write(JSON.stringify(obj) + "\n"),
    next: (ms = 10_000) => {
      if (lines.length) return Promise.resolve(JSON.parse(lines.shift()!));
      if (ended) return Promise.reject(new Error("child ended"));
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no line from child within ${ms} ms`)), ms);
        waiters.push((l) => {
          clearTimeout(t);
          l === null ? reject(new Error("child ended")) : resolve(JSON.parse(l));
        });
      });
    },
    exited: exited!,
    kill: async (signal = "SIGKILL") => {
      kill(signal);
      return await exited;
    },
    close: async () => {
      closeIn();
      const t = setTimeout(kill, 5_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** The port of a `tcp://host:port` endpoint. */
export const portOf = (ep: string): number => Number(ep.slice(ep.lastIndexOf(":") + 1));

/** A TCP port on 127.0.0.1 nobody listens on now (bind port 0, read it, close). */
export async function reservePort(): Promise<number> {
  const rt = await loadRuntime();
  const l = await rt.listenTcp("127.0.0.1", 0, () => ({ data() {}, written() {}, closed() {} }));
  const port = l.port;
  l.close();
  await delay(20);
  return port;
}

/** Retries `fn` while it rejects (e.g. EADDRINUSE right after a close), up to `ms`. */
export async function retry<T>(fn: () => Promise<T>, ms = 3_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await delay(20);
    }
  }
}

/** Bytes as lower-case hex pairs separated by spaces ("ff 00 01"), for readable asserts. */
export const hexOf = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");

const utf8 = new TextDecoder();

/** The parts of a message as UTF-8 strings. */
export const texts = (parts: Uint8Array[]): string[] => parts.map((p) => utf8.decode(p));

/** An HTTP server of the runtime's own (Bun.serve, Deno.serve), for mounted endpoints. */
export interface TestHttpServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts `Bun.serve` or `Deno.serve` on 127.0.0.1 and a free port. `fetch` gets the request
 * and how to upgrade it: `bun` (Bun's server, for `WebSocketEndpoint.upgrade`) or
 * `denoUpgrade` (`Deno.upgradeWebSocket`, for `upgradeWith`). `websocket`: Bun's handlers.
 * Null on Node (no such server there).
 */
export function serveHttp(
  fetch: (
    req: Request,
    how: { bun?: any; denoUpgrade?: any },
  ) => Response | undefined | Promise<Response | undefined>,
  websocket?: unknown,
): TestHttpServer | null {
  const g = globalThis as any;
  if (runtime === "bun") {
    const server = g.Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req: Request, srv: unknown) => fetch(req, { bun: srv }),
      websocket,
    });
    return {
      port: server.port,
      stop: () => {
        server.stop(true);
        return Promise.resolve();
      },
    };
  }
  if (runtime === "deno") {
    const server = g.Deno.serve(
      { port: 0, hostname: "127.0.0.1", onListen() {} },
      async (req: Request) =>
        (await fetch(req, { denoUpgrade: g.Deno.upgradeWebSocket })) ??
          new Response("not upgraded", { status: 500 }),
    );
    return { port: server.addr.port, stop: () => server.shutdown() };
  }
  return null;
}

/** The errno name (`XsError.code`) of what `fn` throws, or "no error"; other errors propagate. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof XsError) return e.code;
    throw e;
  }
  return "no error";
}
