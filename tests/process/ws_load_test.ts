/**
 * 1,000 WebSocket peers on one mounted endpoint (`WebSocketEndpoint`, lib/api/ws_endpoint.ts,
 * each WebSocket one lib/transports/ws_pipe.ts): all are served, and once they have closed
 * nothing is left behind in the server.
 *
 * - The server, in this process: a ROUTER mounted at /zmq of the runtime's own HTTP server
 *   (`serveHttp`: `Bun.serve` or `Deno.serve`, 127.0.0.1 only). It echoes each peer's one
 *   message (the peer's routing id) and, once it heard every peer, sends each one "all".
 * - The peers: 4 child processes of the runtime running the test
 *   (tests/process/_ws_peers.ts), 250 raw WebSockets each (the runtime's global
 *   `WebSocket`, subprotocol `ZWS2.0`, the bare ZWS 2.0 handshake spoken by hand: routing
 *   ids each way, then traffic). A peer is served when its echo and then "all" came back.
 *   One warm-up peer is served and closed before the baseline is taken.
 * - Checked: every peer served (the server heard each id once, each child saw its 250 echoed
 *   and broadcast to); `endpoint.peers` reaches 1,000, then 0 once the peers closed; the
 *   server's sockets on its port come back to the listener alone, its open fds to the
 *   baseline (at most 5 over it), and its heap to within 40 MiB of the baseline (RSS is
 *   reported, not bound: it is the whole process's), taken after a full GC
 *   where there is one (`globalThis.gc`; on Deno V8's, exposed on request: 24-30 MiB up
 *   with it, 65-80 MiB without, garbage never collected while idle; Bun has none: its
 *   RSS once it holds still, 10-20 MiB up), then once it holds still. The figures (fds,
 *   RSS before, peak and after, time to connect all, to hear all, to serve all, to close
 *   all) go out as one JSON line.
 * - The fd limit: the server holds one descriptor per peer; a soft `ulimit -n` too low for
 *   1,000 of them plus this process's own sizes the test down (a multiple of 100, at least
 *   100) or skips it, saying so.
 * - fds and RSS are the whole process's: run this file alone (as the commands below do).
 *   Under `deno test --parallel` other test modules share this process, and what they open
 *   or allocate meanwhile counts too (what they close is not held against us); the count
 *   of sockets on the server's port is exact either way.
 *
 * Runs on: the test runner's main thread (Deno: `deno test -A --no-check
 * tests/process/ws_load_test.ts`; Bun: `bun test tests/process/ws_load_test.ts`; Node has
 * neither server: skipped), the peers in their own processes (the same runtime).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import process from "node:process";
import v8 from "node:v8";
import vm from "node:vm";
import { Context, WebSocketEndpoint } from "../../mod.ts";
import {
  assert,
  delay,
  type LineChild,
  runtime,
  serveHttp,
  spawnLines,
  test,
  type TestHttpServer,
  waitFor,
} from "../_harness.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const SCRIPT = ROOT + "tests/process/_ws_peers.ts";
const PROCS = 4;
const WANTED = 1000;
/** Descriptors kept free for this process's own (workers, pipes to the children, the runner). */
const HEADROOM = 256;
const FD_SLACK = 5;
const RSS_SLACK_MB = 40;
const MiB = 1048576;

/** This process's open descriptors (null without /proc). */
function fdCount(): number | null {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return null;
  }
}

/** The soft limit on open files (Infinity: unlimited; null: unknown). */
function fdLimit(): number | null {
  try {
    const m = /^Max open files\s+(\S+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (!m) return null;
    return m[1] === "unlimited" ? Infinity : Number(m[1]);
  } catch {
    return null;
  }
}

/** How many peers to run, or why not to run at all. */
function sizing(): { peers: number; skip: string | false; why: string } {
  if (runtime === "node") {
    return { peers: 0, skip: "Node has neither Bun.serve nor Deno.serve to mount on", why: "" };
  }
  const open = fdCount(), limit = fdLimit();
  if (open === null || limit === null) {
    return { peers: 0, skip: "no /proc/self/fd or /proc/self/limits to count fds", why: "" };
  }
  const room = limit - open - HEADROOM;
  if (room >= WANTED) return { peers: WANTED, skip: false, why: "" };
  const peers = Math.floor(room / 100) * 100;
  if (peers < 100) {
    return {
      peers: 0,
      skip: `ulimit -n is ${limit} with ${open} fds open: no room for 100 WebSocket peers`,
      why: "",
    };
  }
  return { peers, skip: false, why: ` (sized down: ulimit -n is ${limit}, ${open} fds open)` };
}

const { peers: PEERS, skip, why } = sizing();
const PER = PEERS / PROCS;

const rssMiB = () => process.memoryUsage().rss / MiB;
const round1 = (x: number) => Math.round(x * 10) / 10;
const dec = new TextDecoder();

/**
 * The inodes of the TCP sockets on local port `port` (listening or accepted), from
 * /proc/net/tcp and tcp6 (whichever process holds them; `ownSocketsOnPort` keeps ours).
 */
function socketsOnPort(port: number): Set<string> {
  const hex = ":" + port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(f, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[1]!.endsWith(hex)) inodes.add(cols[9]!);
    }
  }
  return inodes;
}

/** How many of this process's descriptors are sockets on local port `port`. */
function ownSocketsOnPort(port: number): number {
  const onPort = socketsOnPort(port);
  let n = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m && onPort.has(m[1]!)) n++;
    } catch { /* closed meanwhile */ }
  }
  return n;
}

/**
 * A full GC: `globalThis.gc` if the runtime was started with it, else V8's own exposed
 * on request (Deno: `--expose-gc` set now, `gc` read from a new context); null on Bun
 * (JavaScriptCore: neither).
 */
function findGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === "function") return g;
  try {
    v8.setFlagsFromString("--expose-gc");
    const f = vm.runInNewContext("gc");
    return typeof f === "function" ? f : null;
  } catch {
    return null;
  }
}

/** The RSS in MiB after a GC (`gc`, if there is one) once it holds still (≤ 5 s). */
async function settledRss(gc: (() => void) | null): Promise<number> {
  let last = rssMiB(), still = 0;
  for (let k = 0; k < 100 && still < 10; k++) {
    gc?.();
    await delay(50);
    const now = rssMiB();
    still = Math.abs(now - last) < 0.5 ? still + 1 : 0;
    last = now;
  }
  return last;
}

/** The fd count once it is at most `FD_SLACK` over `base` and holds still (≤ 5 s). */
async function settledFds(base: number): Promise<number> {
  let last = fdCount()!, still = 0;
  for (let k = 0; k < 250 && still < 5; k++) {
    await delay(20);
    const now = fdCount()!;
    still = now === last && now - base <= FD_SLACK ? still + 1 : 0;
    last = now;
  }
  return last;
}

/** A child of _ws_peers.ts on this runtime; `until` reads lines until one matches. */
interface PeerProc extends LineChild {
  // deno-lint-ignore no-explicit-any
  until(pred: (l: Record<string, unknown>) => boolean, ms: number): Promise<any>;
}

function startPeers(url: string, name: string): PeerProc {
  const bin = ROOT + "node_modules/.bin/" + runtime;
  const cfg = JSON.stringify({ url, name, maxMs: 58_000 });
  const args = runtime === "deno" ? ["run", "-A", "--no-check", SCRIPT, cfg] : [SCRIPT, cfg];
  const child = spawnLines(bin, args, { cwd: ROOT });
  return {
    ...child,
    async until(pred, ms) {
      const end = Date.now() + ms;
      for (;;) {
        const left = end - Date.now();
        if (left <= 0) throw new Error(`peers ${name}: no matching line in ${ms} ms`);
        const l = await child.next(left);
        if (l?.error) throw new Error(`peers ${name}: ${l.error}`);
        if (pred(l)) return l;
      }
    },
  };
}

test(
  `process (${runtime}): ${PEERS || WANTED} WebSocket peers in ${PROCS} processes on one ` +
    `mounted endpoint are all served and leave nothing behind${why}`,
  async () => {
    const gc = findGc();
    await using ctx = new Context();
    using router = ctx.socket("ROUTER");
    const zmq = new WebSocketEndpoint(router, { path: "/zmq" });
    const server: TestHttpServer = serveHttp((req, how) => {
      if (!zmq.matches(req)) return new Response("app");
      return how.bun ? zmq.upgrade(req, how.bun) : zmq.upgradeWith(req, how.denoUpgrade);
    }, zmq.websocket)!;
    const url = `ws://127.0.0.1:${server.port}/zmq`;
    const children: PeerProc[] = [];
    let sampler: ReturnType<typeof setInterval> | undefined;
    try {
      for (let i = 0; i < PROCS; i++) children.push(startPeers(url, `c${i}`));
      await Promise.all(children.map((c) => c.until((l) => l.ready === true, 15_000)));

      // Warm-up: one peer served and closed, so the baseline has the code paths loaded.
      const c0 = children[0]!;
      c0.send({ open: 1, tag: "warm", ms: 10_000 });
      const [wid, wbody] = await router.receive({ timeout: 10_000 }).catch((e) => {
        throw new Error(`warm-up: the one peer's message never came (${e?.message ?? e})`);
      });
      await router.send([wid!, wbody!]);
      await router.send([wid!, "all"]);
      const warm = await c0.until((l) => l.served !== undefined, 10_000);
      assert.equal(warm.served, 1, `warm-up peer not served: ${JSON.stringify(warm)}`);
      c0.send({ close: true, ms: 5_000 });
      await c0.until((l) => l.closed !== undefined, 6_000);
      await waitFor(() => zmq.peers === 0, 5_000, "the warm-up peer gone");

      const base = {
        fds: await settledFds(fdCount()!),
        rss: await settledRss(gc),
        heap: process.memoryUsage().heapUsed / MiB,
        port: ownSocketsOnPort(server.port),
      };
      let peak = base.rss;
      sampler = setInterval(() => (peak = Math.max(peak, rssMiB())), 20);

      // The server: echo each peer's one message, then "all" to every peer once all heard.
      const heard = new Set<string>();
      const wrong: string[] = [];
      const serve = (async () => {
        const ids: Uint8Array[] = [];
        while (heard.size < PEERS) {
          const [id, body] = await router.receive({ timeout: 20_000 }).catch((e) => {
            throw new Error(`heard ${heard.size} of ${PEERS} peers (${e?.message ?? e})`);
          });
          const key = dec.decode(id!), text = body ? dec.decode(body) : "";
          if (text !== key || heard.has(key)) {
            if (wrong.length < 20) wrong.push(`${key}: ${JSON.stringify(text)}`);
            continue;
          }
          heard.add(key);
          ids.push(id!);
          await router.send([id!, body!]);
        }
        for (const id of ids) await router.send([id, "all"]);
      })();
      serve.catch(() => {}); // awaited below; a failure meanwhile is not an unhandled one

      const t0 = performance.now();
      for (const c of children) c.send({ open: PER, tag: "load", ms: 30_000 });
      let maxPeers = 0;
      await waitFor(
        () => (maxPeers = Math.max(maxPeers, zmq.peers)) >= PEERS,
        30_000,
        `${PEERS} peers on the endpoint`,
      );
      const connectMs = performance.now() - t0;
      const opened = await Promise.all(children.map((c) => c.until((l) => "opened" in l, 32_000)));
      const peakFds = fdCount()!;
      const peakPort = ownSocketsOnPort(server.port);
      await serve;
      const heardMs = performance.now() - t0;
      const reports = await Promise.all(
        children.map((c) => c.until((l) => l.served !== undefined, 32_000)),
      );
      const serveMs = performance.now() - t0;
      maxPeers = Math.max(maxPeers, zmq.peers);

      // Every peer closes; the endpoint lets go of each.
      const t1 = performance.now();
      for (const c of children) c.send({ close: true, ms: 10_000 });
      const closes = await Promise.all(
        children.map((c) => c.until((l) => l.closed !== undefined, 12_000)),
      );
      await waitFor(() => zmq.peers === 0, 10_000, `endpoint.peers back to 0 (${zmq.peers})`);
      const closeMs = performance.now() - t1;
      await waitFor(
        () => ownSocketsOnPort(server.port) <= base.port,
        5_000,
        "the server's sockets on its port back to the listener",
      );
      const after = {
        fds: await settledFds(base.fds),
        rss: await settledRss(gc),
        heap: process.memoryUsage().heapUsed / MiB,
        port: ownSocketsOnPort(server.port),
      };
      clearInterval(sampler);
      sampler = undefined;

      const figures = {
        test: "ws_load",
        runtime,
        peers: PEERS,
        processes: PROCS,
        gc: gc !== null,
        fds: { before: base.fds, peak: peakFds, after: after.fds },
        portSockets: { before: base.port, peak: peakPort, after: after.port },
        rssMiB: { before: round1(base.rss), peak: round1(peak), after: round1(after.rss) },
        heapMiB: { before: round1(base.heap), after: round1(after.heap) },
        maxEndpointPeers: maxPeers,
        connectAllMs: Math.round(connectMs),
        heardAllMs: Math.round(heardMs),
        serveAllMs: Math.round(serveMs),
        closeAllMs: Math.round(closeMs),
        children: reports.map((r, i) => ({
          opened: opened[i].opened,
          openMs: opened[i].ms,
          served: r.served,
          serveMs: r.ms,
          closed: closes[i].closed,
          fdsAtServe: r.fds,
        })),
      };
      console.log(JSON.stringify(figures));

      assert.deepEqual(wrong, [], "messages the server did not expect");
      assert.equal(heard.size, PEERS, "peers the server heard");
      for (const [i, r] of reports.entries()) {
        assert.deepEqual(r.bad, [], `child c${i}: what its peers saw wrong`);
        assert.equal(opened[i].opened, PER, `child c${i}: WebSockets open`);
        assert.equal(r.echoed, PER, `child c${i}: peers echoed`);
        assert.equal(r.served, PER, `child c${i}: peers served`);
        assert.equal(closes[i].closed, PER, `child c${i}: WebSockets closed`);
      }
      assert.equal(maxPeers, PEERS, "endpoint.peers at its most");
      assert.equal(zmq.peers, 0);
      assert.equal(peakPort, base.port + PEERS, "the server's sockets on its port at the peak");
      assert.equal(after.port, base.port, "the server's sockets on its port after");
      // Fewer than before is no leak of ours (another test module's, under --parallel).
      assert.ok(
        after.fds - base.fds <= FD_SLACK,
        `fds ${base.fds} → ${peakFds} → ${after.fds} (at most +${FD_SLACK})`,
      );
      // The heap is this module's own (RSS, reported above, is the whole process's: under
      // `deno test --parallel` other modules' allocations count there too).
      assert.ok(
        after.heap - base.heap <= RSS_SLACK_MB,
        `heap ${round1(base.heap)} → ${round1(after.heap)} MiB (bound +${RSS_SLACK_MB} MiB); ` +
          `RSS ${round1(base.rss)} → ${round1(peak)} → ${round1(after.rss)} MiB`,
      );
    } finally {
      if (sampler !== undefined) clearInterval(sampler);
      for (const c of children) c.send({ exit: true });
      await Promise.all(children.map((c) => c.close()));
      router.close();
      await server.stop();
    }
  },
  { timeout: 60_000, skip },
);
