/**
 * A pool of raw WebSocket peers for tests/process/ws_load_test.ts, in its own OS process:
 * started with `deno run -A tests/process/_ws_peers.ts '<json>'` or
 * `bun tests/process/_ws_peers.ts '<json>'` (`url`: the mounted endpoint, `name`: a prefix
 * for the routing ids, `maxMs`: the process's own deadline), it reports one JSON object per
 * line on stdout and takes one JSON command per line on stdin:
 * - `{ open: n, tag, ms }`: opens `n` WebSockets at once (the runtime's global `WebSocket`,
 *   subprotocol `ZWS2.0`) that each speak bare ZWS 2.0 by hand: the server's routing id
 *   first (`00` + id), then ours (`00` + `name-tag-i`), then one message whose body is that
 *   same id. A peer is served when its message comes back (the echo) followed by `00` +
 *   "all" (the broadcast the server sends every peer once it heard them all). Reports
 *   `{ opened, ms }` once every WebSocket is open, then `{ served, echoed, bad, ms }` once
 *   every peer is served, or at `ms` with what it has then.
 * - `{ close: true, ms }`: closes them all (code 1000) and reports `{ closed, ms }` once
 *   every close event came, or at `ms`.
 * - `{ exit: true }` (or the end of stdin): the process ends.
 * Each report also carries `fds` (this process's open descriptors).
 *
 * Runs on: the peer process's main thread (Deno or Bun).
 */
import { readdirSync } from "node:fs";
import process from "node:process";

const cfg = JSON.parse(process.argv[2] ?? "{}") as { url: string; name: string; maxMs?: number };
const fds = () => readdirSync("/proc/self/fd").length;
const out = (o: Record<string, unknown>) => console.log(JSON.stringify({ ...o, fds: fds() }));
const deadline = setTimeout(() => {
  out({ error: `${cfg.name}: peer process ran out of time` });
  process.exit(9);
}, cfg.maxMs ?? 60_000);

const enc = new TextEncoder(), dec = new TextDecoder();

/** One WebSocket peer and the promises of its milestones. */
interface Conn {
  ws: WebSocket;
  opened: Promise<void>;
  served: Promise<void>;
  closed: Promise<void>;
  echoed: boolean;
  done: boolean;
}

let conns: Conn[] = [];
const bad: string[] = [];

/** A ZWS message: the flags byte (0: a last data frame) and the body. */
function frame(body: string): Uint8Array {
  const b = enc.encode(body);
  const m = new Uint8Array(1 + b.length);
  m.set(b, 1);
  return m;
}

function openOne(id: string): Conn {
  const ws = new WebSocket(cfg.url, ["ZWS2.0"]);
  ws.binaryType = "arraybuffer";
  let step = 0;
  const c = { ws, echoed: false, done: false } as Conn;
  const fail = (why: string) => {
    if (bad.length < 20) bad.push(`${id}: ${why}`);
  };
  c.opened = new Promise<void>((resolve) =>
    ws.addEventListener("open", () => {
      if (ws.protocol !== "ZWS2.0") fail(`subprotocol ${JSON.stringify(ws.protocol)}`);
      resolve();
    })
  );
  c.closed = new Promise<void>((resolve) => ws.addEventListener("close", () => resolve()));
  ws.addEventListener("error", () => fail("WebSocket error"));
  c.served = new Promise<void>((resolve) =>
    ws.addEventListener("message", (ev) => {
      if (typeof ev.data === "string") return fail("a text message");
      const m = new Uint8Array(ev.data as ArrayBuffer);
      if (m[0] !== 0) return fail(`flags ${m[0]} at step ${step}`);
      const body = dec.decode(m.subarray(1));
      if (step === 0) {
        // The server's routing id (whatever it is), then ours, then our one message.
        step = 1;
        ws.send(frame(id));
        ws.send(frame(id));
      } else if (step === 1) {
        if (body !== id) return fail(`echo ${JSON.stringify(body)}`);
        c.echoed = true;
        step = 2;
      } else if (step === 2) {
        if (body !== "all") return fail(`broadcast ${JSON.stringify(body)}`);
        c.done = true;
        step = 3;
        resolve();
      } else fail(`an extra message ${JSON.stringify(body)}`);
    })
  );
  return c;
}

/** Resolves when `p` settles or after `ms` (the timer is cleared either way). */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function open(n: number, tag: string, ms: number): Promise<void> {
  const t0 = performance.now();
  conns = Array.from({ length: n }, (_, i) => openOne(`${cfg.name}-${tag}-${i}`));
  const end = t0 + ms;
  let opened = 0;
  await within(Promise.all(conns.map((c) => c.opened.then(() => opened++))), ms);
  out({ opened, ms: Math.round(performance.now() - t0) });
  await within(Promise.all(conns.map((c) => c.served)), Math.max(0, end - performance.now()));
  out({
    served: conns.filter((c) => c.done).length,
    echoed: conns.filter((c) => c.echoed).length,
    bad: bad.splice(0),
    ms: Math.round(performance.now() - t0),
  });
}

async function close(ms: number): Promise<void> {
  const t0 = performance.now();
  let closed = 0;
  const all = conns.map((c) => c.closed.then(() => closed++));
  for (const c of conns) c.ws.close(1000);
  await within(Promise.all(all), ms);
  out({ closed, of: conns.length, ms: Math.round(performance.now() - t0) });
  conns = [];
}

function exit(): void {
  clearTimeout(deadline);
  process.exit(0);
}

let buf = "";
let chain = Promise.resolve();
process.stdin.on("data", (d: Uint8Array | string) => {
  buf += typeof d === "string" ? d : dec.decode(d);
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    const cmd = JSON.parse(buf.slice(0, i));
    buf = buf.slice(i + 1);
    // One command at a time, in the order they came.
    chain = chain.then(async () => {
      if (cmd.open !== undefined) await open(cmd.open, cmd.tag, cmd.ms ?? 20_000);
      else if (cmd.close) await close(cmd.ms ?? 10_000);
      else if (cmd.exit) exit();
    }).catch((e) => out({ error: `${cfg.name}: ${e?.stack ?? e}` }));
  }
});
process.stdin.on("end", exit);
out({ ready: true, pid: process.pid });
