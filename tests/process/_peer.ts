/**
 * A peer program for the process tier: one socket of the library in its own OS process,
 * started by the tests with `deno run -A tests/process/_peer.ts '<json>'` or
 * `bun tests/process/_peer.ts '<json>'`, reporting on stdout one JSON object per line and
 * reading commands (`"go"`, `"stat"`, `"stop"`) one per line on stdin.
 *
 * Messages carry their own proof: part 0 starts with the sequence number and the part
 * count (u32 each), and every byte of part `p` at offset `i` is `fill(seq, p, i)`, so a
 * receiver checks order, completeness and content without sharing state with the sender.
 *
 * Roles (`role` in the config; every role also takes `opts`, more socket options by their
 * idiomatic names, such as heartbeats or CURVE keys, and `auth`, a ZAP handler to start in
 * the process: `{ plain: { user: password }, curve: [public keys] | "*" }`):
 * - `send`: `type`, `endpoint`, `bind`, `plan` (part sizes of each message, repeated for
 *   `count` messages), `linger`, `idle` (ms after the last send before `close`), `term`
 *   (false: close and let the process end by itself), `warm` (send warm-up messages until
 *   a `go` line arrives: PUB/SUB), `pace` (ms to sleep after each message).
 * - `recv`: `type`, `endpoint`, `bind`, `count`, `from` (first sequence expected; -1: any,
 *   after a restart, then in order up to `last`), `order` (false: many senders, content
 *   only), `foreign` (true: messages that are not the stream's, from hostile connections,
 *   are counted in `foreign`, not reported as bad), `statEvery` (report RSS and fds every N
 *   messages; a `stat` line on stdin asks at any time), `timeout` per receive, `delay` (ms
 *   to sleep after each message: a slow consumer).
 * - `pressure`: a PUSH that keeps `inflight` sends of `size` bytes outstanding (`count` in
 *   all) against a slow consumer, and reports how long each waited and whether the sends
 *   completed in the order they were made.
 * - `rep`: a REP that answers each request with its RSS and fd count, or (`echo`) with the
 *   request itself; `type` "ROUTER" makes it a ROUTER that echoes each message, envelope and
 *   all (back to its sender).
 * - `reqstream`: one REQ that sends `count` requests shaped by `plan` to an echoing REP and
 *   checks each reply (order, parts, content), then closes with `linger`.
 * - `reqloop`: `cycles` of REQ socket → connect → request → reply → close, reporting the
 *   REP's figures at cycle `mark` and at the end.
 * - `inprocloop`: the same cycles over inproc, the REP in this process too.
 * - `burst`: `peers` PUSH sockets that connect, send one message and close, `rounds` times.
 * - `many`: `peers` PUSH sockets that each connect, send one message and close at once
 *   (after one warm-up socket that sends one more), then (fds settled) `more` new sockets:
 *   are the closed ones' fds and slots given back?
 * - `fuzzpull`: a PULL that checks one good sender's numbered stream (order, content) among
 *   foreign messages (frames of hostile connections that happen to be valid), answering
 *   `stat` with its figures (and VmSize, `vm`, in KiB) until `stop`; `semiSpace` (MB) caps
 *   V8's young generation on Node.
 *
 * Runs on: the peer process's main thread (Deno or Bun).
 */
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { Authenticator, Context, type Socket, type SocketType } from "../../mod.ts";
import { checkMessage, makeMessage } from "./_messages.ts";

export { checkMessage, fill, makeMessage } from "./_messages.ts";

const cfg = JSON.parse(process.argv[2] ?? "{}");
const out = (o: unknown) => console.log(JSON.stringify(o));
const deadline = setTimeout(() => {
  out({ error: "peer ran out of time" });
  process.exit(9);
}, cfg.maxMs ?? 60_000);

const authenticated = new WeakSet<Context>();
const lines: string[] = [];
const lineWaiters: ((l: string) => void)[] = [];
let buf = "";
process.stdin.on("data", (d: Uint8Array | string) => {
  buf += typeof d === "string" ? d : new TextDecoder().decode(d);
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    const raw = buf.slice(0, i).trim();
    // The tests send JSON lines: a command is a JSON string ("stat") or a bare word.
    const l = raw.startsWith('"') ? String(JSON.parse(raw)) : raw;
    buf = buf.slice(i + 1);
    const w = lineWaiters.shift();
    if (w) w(l);
    else lines.push(l);
  }
});
const nextLine = () =>
  lines.length ? Promise.resolve(lines.shift()!) : new Promise<string>((r) => lineWaiters.push(r));

const stats = () => {
  const m = process.memoryUsage();
  return {
    rss: Math.round(m.rss / 1048576),
    heap: Math.round(m.heapUsed / 1048576),
    total: Math.round(m.heapTotal / 1048576),
    ext: Math.round(m.external / 1048576),
    fds: readdirSync("/proc/self/fd").length,
  };
};

async function open(ctx: Context, type: string, opts: Record<string, unknown> = {}) {
  // `auth` in the config: a ZAP handler in this process ({ plain: { user: password },
  // curve: [public keys] | "*" }); it lives until the context terminates.
  if (cfg.auth && !authenticated.has(ctx)) {
    authenticated.add(ctx);
    const auth = new Authenticator(ctx);
    if (cfg.auth.plain) auth.allowPlain(cfg.auth.plain);
    if (cfg.auth.curve) auth.allowCurve(cfg.auth.curve);
  }
  // `opts` in the config: further socket options of any role (heartbeats, keys, say).
  const s = ctx.socket(type as SocketType, { ...opts, ...cfg.opts });
  if (type === "SUB") s.subscribe("");
  if (cfg.bind) await s.bind(cfg.endpoint);
  else await s.connect(cfg.endpoint);
  return s;
}

/**
 * `cfg.cycles` of REQ socket → connect to `cfg.endpoint` → request → reply → close;
 * `figures(reply)` is taken at cycle `cfg.mark` (first) and after each cycle (last).
 */
/** `stats()` once the descriptor count held still for 5 looks 20 ms apart (2 s at most). */
async function settled(): Promise<ReturnType<typeof stats>> {
  let st = stats();
  for (let same = 0, k = 0; same < 5 && k < 100; k++) {
    await new Promise((r) => setTimeout(r, 20));
    const now = stats();
    same = now.fds === st.fds ? same + 1 : 0;
    st = now;
  }
  return st;
}

async function reqCycles(ctx: Context, figures: (reply: Uint8Array[]) => unknown) {
  let first: unknown = null, last: unknown = null;
  for (let i = 0; i < cfg.cycles; i++) {
    const s = await open(ctx, "REQ");
    await s.send("x");
    const reply = await s.receive({ timeout: 5000 });
    s.close();
    last = figures(reply);
    if (i === cfg.mark) first = last;
  }
  return { first, last };
}

const roles: Record<string, () => Promise<void>> = {
  async send() {
    const ctx = new Context();
    const s = await open(ctx, cfg.type, { linger: cfg.linger ?? -1, sndhwm: cfg.sndhwm ?? 1000 });
    out({ ready: true, endpoint: s.lastEndpoint });
    if (cfg.warm) {
      let go = false;
      nextLine().then(() => (go = true));
      const w = [new Uint8Array(4).fill(0xff)];
      while (!go) {
        await s.send(w);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const plan: number[][] = cfg.plan;
    for (let seq = 0; seq < cfg.count; seq++) {
      await s.send(makeMessage(seq, plan[seq % plan.length]!));
      if (cfg.pace) await new Promise((r) => setTimeout(r, cfg.pace));
    }
    out({ sent: cfg.count });
    if (cfg.idle) await new Promise((r) => setTimeout(r, cfg.idle));
    const t0 = performance.now();
    s.close();
    if (cfg.term !== false) await ctx.term();
    out({ termMs: Math.round(performance.now() - t0) });
    clearTimeout(deadline);
    process.stdin.pause();
  },

  async recv() {
    const ctx = new Context();
    const s = await open(ctx, cfg.type, {
      rcvhwm: cfg.rcvhwm ?? 1000,
      maxmsgsize: cfg.maxmsgsize ?? -1,
    });
    // The pid: tests freeze the process (SIGSTOP) to play a peer that hangs.
    out({ ready: true, endpoint: s.lastEndpoint, pid: process.pid });
    let want = cfg.from ?? 0, got = 0, warm = false, foreign = 0;
    (async () => {
      for (;;) if ((await nextLine()) === "stat") out({ stat: true, foreign, ...stats() });
    })();
    const bad: string[] = [];
    while (got < cfg.count && bad.length < 5) {
      let m: Uint8Array[];
      try {
        m = await s.receive({ timeout: cfg.timeout ?? 10_000 });
      } catch (e) {
        bad.push(`after ${got} messages: ${(e as Error).message}`);
        break;
      }
      if (cfg.type === "ROUTER") m = m.slice(1);
      if (m.length === 1 && m[0]!.length === 4 && m[0]!.every((b) => b === 0xff)) {
        if (!warm) out({ warm: true });
        warm = true;
        continue;
      }
      const r = checkMessage(m);
      if (typeof r === "string" && cfg.foreign) foreign++;
      else if (typeof r === "string") bad.push(r);
      else if (cfg.order === false) { /* many senders: content only */ }
      else if (want >= 0 && r !== want) bad.push(`seq ${r} where ${want} was expected`);
      else if (cfg.last !== undefined && r > cfg.last) bad.push(`seq ${r} invented`);
      if (cfg.delay) await new Promise((res) => setTimeout(res, cfg.delay));
      if (typeof r === "number") {
        want = r + 1;
        if (cfg.statEvery && (got + 1) % cfg.statEvery === 0) out({ at: got + 1, ...stats() });
        if (cfg.progress) out({ seq: r });
        if (cfg.last !== undefined && r === cfg.last) {
          got++;
          break;
        }
      }
      got++;
    }
    out({ done: true, received: got, next: want, bad });
    s.close();
    await ctx.term();
    clearTimeout(deadline);
    process.stdin.pause();
  },

  async pressure() {
    const ctx = new Context();
    const s = await open(ctx, "PUSH", { linger: -1, sndhwm: cfg.sndhwm ?? 1000 });
    out({ ready: true });
    const waits: number[] = [];
    let done = 0, outOfOrder = 0, next = 0;
    const one = async (seq: number) => {
      const t0 = performance.now();
      await s.send(makeMessage(seq, [cfg.size]));
      waits.push(performance.now() - t0);
      if (seq !== done) outOfOrder++;
      done++;
    };
    const lane = async () => {
      while (next < cfg.count) await one(next++);
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: cfg.inflight }, lane));
    const ms = performance.now() - t0;
    waits.sort((a, b) => a - b);
    out({
      sent: done,
      outOfOrder,
      ms: Math.round(ms),
      maxWait: Math.round(waits[waits.length - 1]!),
      p99Wait: Math.round(waits[Math.floor(waits.length * 0.99)]!),
    });
    s.close();
    await ctx.term();
    out({ termMs: 0 });
    clearTimeout(deadline);
    process.stdin.pause();
  },

  async rep() {
    const ctx = new Context();
    const s = await open(ctx, cfg.type ?? "REP");
    out({ ready: true, endpoint: s.lastEndpoint, ...stats() });
    let stop = false;
    nextLine().then(() => (stop = true));
    while (!stop) {
      let m: Uint8Array[];
      try {
        m = await s.receive({ timeout: 200 });
      } catch {
        continue;
      }
      await s.send(cfg.echo ? m : JSON.stringify(stats()));
    }
    s.close();
    await ctx.term();
    out({ stopped: true });
    clearTimeout(deadline);
    process.stdin.pause();
  },

  async reqstream() {
    const ctx = new Context();
    const s = await open(ctx, "REQ", { linger: cfg.linger ?? -1 });
    const plan: number[][] = cfg.plan;
    const bad: string[] = [];
    let got = 0;
    for (let seq = 0; seq < cfg.count && bad.length < 5; seq++) {
      const sizes = plan[seq % plan.length]!;
      await s.send(makeMessage(seq, sizes));
      let m: Uint8Array[];
      try {
        m = await s.receive({ timeout: cfg.timeout ?? 10_000 });
      } catch (e) {
        bad.push(`reply ${seq}: ${(e as Error).message}`);
        break;
      }
      const r = checkMessage(m, sizes);
      if (typeof r === "string") bad.push(r);
      else if (r !== seq) bad.push(`reply ${r} where ${seq} was expected`);
      else got++;
    }
    const t0 = performance.now();
    s.close();
    await ctx.term();
    out({ done: true, received: got, bad, termMs: Math.round(performance.now() - t0) });
    clearTimeout(deadline);
    process.stdin.pause();
  },

  async reqloop() {
    const ctx = new Context({ linger: 0 });
    // The REP answers with its own figures; ours go beside them.
    const { first, last } = await reqCycles(ctx, (reply) => ({
      ...JSON.parse(new TextDecoder().decode(reply[0])),
      client: stats(),
    }));
    // A close finishes in the worker after `close()` returned: the last cycles' connections
    // may still be open at the last reply. Our own figures are taken once the count holds.
    (last as { client: unknown }).client = await settled();
    await ctx.term();
    out({ first, last });
    clearTimeout(deadline);
    process.stdin.pause();
  },

  async inprocloop() {
    const ctx = new Context({ linger: 0 });
    const rep = ctx.socket("REP");
    await rep.bind(cfg.endpoint);
    const serving = (async () => {
      for (;;) {
        await rep.receive();
        await rep.send("y");
      }
    })().catch(() => {}); // ends when the REP closes
    const { first, last } = await reqCycles(ctx, stats);
    rep.close();
    await ctx.term();
    await serving;
    out({ first, last });
    clearTimeout(deadline);
    process.stdin.pause();
  },

  async many() {
    const ctx = new Context();
    // The baseline is taken with the I/O worker running and after one socket came and went
    // (the worker's runtime holds descriptors of its own), once the count holds still.
    const warm = await open(ctx, "PUSH");
    await warm.send(makeMessage(cfg.peers, [64]));
    warm.close();
    let fds0 = stats().fds;
    for (let same = 0, k = 0; same < 5 && k < 200; k++) {
      await new Promise((r) => setTimeout(r, 20));
      const f = stats().fds;
      same = f === fds0 ? same + 1 : 0;
      fds0 = f;
    }
    for (let i = 0; i < cfg.peers; i++) {
      const s = await open(ctx, "PUSH");
      await s.send(makeMessage(i, [64]));
      s.close();
    }
    const t0 = performance.now();
    while (stats().fds > fds0 + 4 && performance.now() - t0 < 3000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const fds1 = stats().fds, settleMs = Math.round(performance.now() - t0);
    const socks: Socket[] = [];
    let refused = "";
    try {
      for (let i = 0; i < cfg.more; i++) socks.push(ctx.socket("PUSH"));
    } catch (e) {
      refused = (e as Error).message;
    }
    for (const s of socks) s.close();
    await ctx.term();
    out({ fds0, fds1, settleMs, made: socks.length, refused });
    clearTimeout(deadline);
    process.stdin.pause();
  },

  async fuzzpull() {
    // `semiSpace`: Node's counterpart of the `--v8-flags=--max-semi-space-size` Deno peers
    // get (tests/process/churn_test.ts says why), set before the I/O worker's isolate exists.
    if (cfg.semiSpace && !("Deno" in globalThis) && !("Bun" in globalThis)) {
      (await import("node:v8")).setFlagsFromString(`--max-semi-space-size=${cfg.semiSpace}`);
    }
    const ctx = new Context();
    const s = await open(ctx, "PULL", { rcvhwm: cfg.rcvhwm ?? 1000 });
    out({ ready: true, endpoint: s.lastEndpoint });
    let want = 0, foreign = 0, stop = false;
    const bad: string[] = [];
    const vm = () => Number(/VmSize:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]);
    (async () => {
      for (;;) {
        const l = await nextLine();
        if (l === "stop") return void (stop = true);
        if (l === "stat") out({ stat: true, good: want, foreign, bad, ...stats(), vm: vm() });
      }
    })();
    while (!stop) {
      let m: Uint8Array[];
      try {
        m = await s.receive({ timeout: 100 });
      } catch {
        continue; // nothing within 100 ms: look at `stop` again
      }
      const r = checkMessage(m);
      if (typeof r !== "number") foreign++;
      else if (r === want) want++;
      else {
        if (bad.length < 5) bad.push(`seq ${r} where ${want} was expected`);
        want = r + 1;
      }
    }
    s.close();
    await ctx.term();
    out({ stopped: true, good: want, foreign, bad });
    clearTimeout(deadline);
    process.stdin.pause();
  },

  async burst() {
    for (let round = 0; round < cfg.rounds; round++) {
      const ctx = new Context();
      const socks: Socket[] = [];
      for (let i = 0; i < cfg.peers; i++) {
        const s = await open(ctx, "PUSH");
        await s.send(makeMessage(i, [64]));
        socks.push(s);
      }
      for (const s of socks) s.close();
      await ctx.term();
      out({ round });
      await nextLine(); // the test reads the receiver's figures between rounds
    }
    clearTimeout(deadline);
    process.stdin.pause();
  },
};

// Node 20 has no import.meta.main: the script is main when it is the file Node was given.
const isMain = (import.meta as { main?: boolean }).main ??
  import.meta.url === pathToFileURL(process.argv[1] ?? "").href;
if (isMain) {
  const role = roles[cfg.role];
  if (!role) {
    out({ error: `unknown role ${cfg.role}` });
    process.exit(2);
  }
  role().catch((e) => {
    out({ error: String(e?.stack ?? e) });
    process.exit(3);
  });
}
