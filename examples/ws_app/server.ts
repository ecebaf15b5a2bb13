/**
 * examples/ws_app: a web app whose pages are ZeroMQ peers. One HTTP server (`Bun.serve` on
 * Bun, `Deno.serve` on Deno) serves the page and, on the same port, two ZeroMQ sockets
 * over WebSocket (`WebSocketEndpoint`); behind it, two worker processes do the work:
 *
 *     page SUB  ◀──ws /updates── PUB ◀── PULL ◀──tcp── worker.ts ×2 (PUSH results)
 *                                        PUSH ──tcp──▶ worker.ts ×2 (PULL jobs)
 *     page REQ  ──ws /rpc──────▶ ROUTER ⇄ proxy ⇄ DEALER ──tcp──▶ worker.ts ×2 (REP)
 *
 * - every JOB_MS the server PUSHes a job (count the primes below n); the workers take
 *   turns, PUSH their results back, and the server PUBlishes each one under the topic
 *   "result": every open page shows them live;
 * - a page's requests (`{ n }`, REQ) cross the ROUTER, `proxy` and a DEALER to whichever
 *   worker's REP is free, and the reply finds its way back to that page.
 *
 * GET / is index.html, /page.js the page's code, /xs.js the browser bundle of the library
 * (bench/_build_browser.ts; built on start when it is missing, or always with --rebuild).
 *
 * Options: `--port=N` (default 8080; 0 lets the OS choose), `--host=H` (default
 * 127.0.0.1), `--exit-after-ms=N` (stop by itself after N ms, for tests; default never),
 * `--rebuild`. Prints one JSON line `{"listening":PORT}` once the page can be loaded and
 * the workers are up, and `{"stopped":…}` after a clean stop (SIGTERM, SIGINT or
 * --exit-after-ms): pages' WebSockets closed, HTTP server down, workers ended, sockets
 * closed; exit code 0.
 *
 * Runs on: the server's main thread (Deno or Bun; the library's I/O worker owns the tcp
 * sockets, the WebSockets are the HTTP server's).
 *
 * Run: `deno run -A examples/ws_app/server.ts` or `bun examples/ws_app/server.ts`, then
 * open http://127.0.0.1:8080/.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Context, proxy, WebSocketEndpoint } from "../../mod.ts";

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
/** The runtime, told apart as tests/_harness.ts does: Deno defines `Deno`, Bun `Bun`. */
const runtime = typeof g.Deno !== "undefined"
  ? "deno"
  : typeof g.Bun !== "undefined"
  ? "bun"
  : null;
if (!runtime) throw new Error("ws_app's server runs on Deno (Deno.serve) or Bun (Bun.serve)");

/** How often a job is sent to the workers (ms). */
const JOB_MS = 250;
const WORKERS = 2;
/** Bound on every wait of start-up and shutdown (ms). */
const STEP_MS = 20_000;

// ------------------------------------------------------------------ options

const argv: string[] = runtime === "deno" ? Deno.args : process.argv.slice(2);
/** `--name=value` or `--name value`. */
function option(name: string, fallback: string): string {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const a = argv[i]!;
  return a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[i + 1] ?? fallback;
}
const PORT = Number(option("port", "8080"));
const HOST = option("host", "127.0.0.1");
const EXIT_AFTER_MS = Number(option("exit-after-ms", "0"));

// ------------------------------------------------------------------ the page's files

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HERE = fileURLToPath(new URL("./", import.meta.url));
const BUNDLE = `${ROOT}dist/browser/xs.js`;

if (argv.includes("--rebuild") || !existsSync(BUNDLE)) {
  // The bundle is made by Bun's bundler: this Bun, or the one `npm install` put in the repo.
  const local = `${ROOT}node_modules/.bin/bun`;
  const bun = runtime === "bun" ? process.execPath : existsSync(local) ? local : "bun";
  const built = spawnSync(bun, [`${ROOT}bench/_build_browser.ts`], {
    cwd: ROOT,
    timeout: STEP_MS,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (built.status !== 0) {
    throw new Error(`building ${BUNDLE} failed (${built.error ?? "see above"})`);
  }
}

/** Path → [content type, body]: read once, served from memory. */
const FILES: Record<string, [string, string]> = {
  "/": ["text/html; charset=utf-8", readFileSync(`${HERE}index.html`, "utf8")],
  "/page.js": ["text/javascript; charset=utf-8", readFileSync(`${HERE}page.js`, "utf8")],
  "/xs.js": ["text/javascript; charset=utf-8", readFileSync(BUNDLE, "utf8")],
};

/** The app's own routes: the files above, 404 for anything else. */
function app(req: Request): Response {
  const file = FILES[new URL(req.url).pathname];
  if (!file) return new Response("not found", { status: 404 });
  return new Response(file[1], {
    headers: { "content-type": file[0], "cache-control": "no-store" },
  });
}

// ------------------------------------------------------------------ ZeroMQ sockets

const ctx = new Context({ linger: 500 });
const updates = ctx.socket("PUB"); // pages SUBscribe to it at /updates
const rpc = ctx.socket("ROUTER"); // pages' REQs reach it at /rpc
const jobs = ctx.socket("PUSH"); // → the workers' PULLs
const results = ctx.socket("PULL"); // ← the workers' PUSHes
const backend = ctx.socket("DEALER"); // → the workers' REPs
for (const s of [jobs, results, backend]) await s.bind("tcp://127.0.0.1:0"); // the OS picks ports

/** The two endpoints pages connect to; mounted in the HTTP server below. */
const endpoints = [
  new WebSocketEndpoint(updates, { path: "/updates" }),
  new WebSocketEndpoint(rpc, { path: "/rpc" }),
];

// ------------------------------------------------------------------ the HTTP server

/** Stops the HTTP server (resolves once it is down). */
let stopHttp: () => Promise<void>;
let port: number;
if (runtime === "bun") {
  const server = g.Bun.serve({
    port: PORT,
    hostname: HOST,
    // deno-lint-ignore no-explicit-any
    fetch(req: Request, srv: any) {
      const ep = endpoints.find((e) => e.matches(req));
      return ep ? ep.upgrade(req, srv) : app(req);
    },
    // A Bun server has one set of WebSocket handlers: any endpoint's serve all of them.
    websocket: endpoints[0]!.websocket,
  });
  port = server.port;
  stopHttp = async () => void await server.stop(true);
} else {
  const server = Deno.serve({ port: PORT, hostname: HOST, onListen() {} }, (req) => {
    const ep = endpoints.find((e) => e.matches(req));
    return ep ? ep.upgradeWith(req, Deno.upgradeWebSocket) : app(req);
  });
  port = server.addr.port;
  stopHttp = () => server.shutdown();
}

// ------------------------------------------------------------------ the worker processes

const workerArgs = (id: number) => [
  ...(runtime === "deno" ? ["run", "-A"] : []),
  `${HERE}worker.ts`,
  `--id=${id}`,
  `--jobs=${jobs.lastEndpoint}`,
  `--results=${results.lastEndpoint}`,
  `--rpc=${backend.lastEndpoint}`,
];
// stdin stays a pipe: a worker also ends when it closes (this process died unannounced).
const workers = Array.from(
  { length: WORKERS },
  (_, i) => spawn(process.execPath, workerArgs(i + 1), { stdio: ["pipe", "inherit", "inherit"] }),
);
/** Each worker's exit code (null: killed by a signal), once it ended. */
const workerExits = workers.map((w) =>
  new Promise<number | null>((resolve) => w.once("exit", (code) => resolve(code)))
);

/** Jobs sent, results published (reported when the server stops). */
let sent = 0, published = 0;
/** Aborted when the server stops: ends the loops below. */
const stop = new AbortController();
const { signal } = stop;
let stopping: Promise<never> | null = null;

/** Stops everything in order and exits with 0 (or 1 if something failed). */
function shutdown(why: string, failure?: unknown): Promise<never> {
  stopping ??= (async () => {
    stop.abort();
    if (failure) console.error("ws_app server:", failure);
    for (const ep of endpoints) ep.close(); // the pages' WebSockets
    await within(stopHttp(), "the HTTP server to stop");
    // process.kill rather than ChildProcess.kill: after the latter, Deno reports the exit
    // as killed by the signal even when the worker handled it and exited with 0.
    for (const w of workers) {
      try {
        process.kill(w.pid!, "SIGTERM");
      } catch { /* already gone */ }
    }
    const codes = await within(Promise.all(workerExits), "the workers to exit").catch(() => {
      for (const w of workers) w.kill("SIGKILL");
      return null;
    });
    for (const s of [updates, rpc, jobs, results, backend]) s.close();
    await within(ctx.term(), "the context to terminate");
    console.log(JSON.stringify({ stopped: why, jobs: sent, updates: published, workers: codes }));
    process.exit(failure || !codes?.every((c) => c === 0) ? 1 : 0);
  })();
  return stopping;
}

/** `p`, or a rejection after STEP_MS naming what it was. */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`waited ${STEP_MS} ms for ${what}`)), STEP_MS);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(t));
}

if (runtime === "deno") {
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    Deno.addSignalListener(sig, () => shutdown(sig));
  }
} else {
  for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => shutdown(sig));
}
if (EXIT_AFTER_MS > 0) setTimeout(() => shutdown("exit-after-ms"), EXIT_AFTER_MS);
for (const [i, exit] of workerExits.entries()) {
  exit.then((code) => {
    if (!signal.aborted) shutdown("a worker died", new Error(`worker ${i + 1} exited (${code})`));
  });
}

// Each worker says { ready } on the results socket once its three sockets are connected.
try {
  for (let ready = 0; ready < WORKERS; ready++) {
    const hello = await results.receiveJson<{ ready?: string }>({ timeout: STEP_MS, signal });
    if (!hello.ready) throw new Error(`expected a worker's "ready", got ${JSON.stringify(hello)}`);
  }
} catch (e) {
  await shutdown("start-up failed", e);
}

// ------------------------------------------------------------------ the running app

/** Pages' requests: ROUTER (the pages) ⇄ DEALER (the workers' REPs), both ways. */
const forwarding = proxy(rpc, backend, { signal });

/** A job every JOB_MS: count the primes below n. */
async function produce(): Promise<void> {
  for (let seq = 1; !signal.aborted; seq++) {
    const n = 50_000 + 10_000 * (seq % 10);
    await jobs.sendJson({ seq, n }, { timeout: STEP_MS, signal });
    sent++;
    await new Promise((r) => setTimeout(r, JOB_MS));
  }
}

/** Every result becomes a live update: topic "result", then the result as JSON. */
async function publish(): Promise<void> {
  for (;;) {
    const [body] = (await results.receive({ signal })).slice(-1);
    await updates.send(["result", body!]);
    published++;
  }
}

console.log(JSON.stringify({ listening: port }));

// Runs until shutdown(); a failure of any loop other than being stopped stops the server.
await Promise.all([produce(), publish(), forwarding].map((p) =>
  p.catch((e) => {
    if (!signal.aborted) return shutdown("failure", e);
  })
));
await stopping;
