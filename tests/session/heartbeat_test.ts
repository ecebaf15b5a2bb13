/**
 * Heartbeats and the handshake timeout of one ZMTP session (lib/session/session.ts,
 * heartbeat.ts; docs/wire.md §7, §8.1 row 27) against a fake stream whose writes complete
 * on their own: PINGs at the interval carrying our TTL, a silent peer closed after the
 * timeout, any traffic keeping the connection, the peer's TTL honoured, PONG echoing the
 * PING's context, no heartbeats on ZMTP/2.0 and legacy connections, every timer gone with
 * the connection, and a peer that never finishes its handshake closed after the interval.
 *
 * Times are short (tens of ms) and every wait is bounded; the lower bounds allow for timers
 * firing a little early, the upper ones for a loaded machine.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, delay, hexOf, test, waitFor } from "../_harness.ts";
import { newPipeBlock, PIPE_RING_BYTES, WorkerPipe } from "../../lib/pipe/mod.ts";
import {
  Heartbeat,
  heartbeatConfig,
  type SessionConfig,
  type SessionOwner,
  StreamSession,
} from "../../lib/session/mod.ts";
import {
  encodeCommand,
  encodeMessage3,
  type HandshakeResult,
  parseCommand,
  pingFrame,
  readyFrame,
} from "../../lib/wire/mod.ts";
import type { StreamConn, StreamHandlers } from "../../lib/runtime/mod.ts";

/** A stream whose writes complete by themselves a moment later, recording what was written. */
class AutoConn implements StreamConn {
  readonly remote = "fake";
  readonly writes: { at: number; bytes: Uint8Array }[] = [];
  closed = false;
  constructor(readonly h: StreamHandlers) {}
  write(bytes: Uint8Array): void {
    this.writes.push({ at: performance.now(), bytes: bytes.slice() });
    queueMicrotask(() => this.closed || this.h.written());
  }
  pause(): void {}
  resume(): void {}
  close(): void {
    this.closed = true;
  }
  /** The command frames written so far (name and data), with when they were written. */
  commands(): { at: number; name: string; data: Uint8Array; bytes: Uint8Array }[] {
    const out = [];
    for (const w of this.writes) {
      const b = w.bytes;
      if (b[0] !== 0x04 || b.length !== 2 + b[1]!) continue; // one short command per write
      const c = parseCommand(b.subarray(2));
      if (c) out.push({ at: w.at, name: c.name, data: c.data, bytes: b });
    }
    return out;
  }
}

class Owner implements SessionOwner {
  result: HandshakeResult | null = null;
  closedWhy: string | null = null;
  closedAt = 0;
  ready(_s: StreamSession, r: HandshakeResult): void {
    this.result = r;
  }
  closed(_s: StreamSession, why: string): void {
    this.closedWhy = why;
    this.closedAt = performance.now();
  }
  wakeApi(): void {}
  drained(): void {}
  zap(): void {}
}

/** The 64-byte ZMTP/3.x NULL greeting of a peer, minor version `minor`. */
function greeting(minor: number): number[] {
  const g = new Array<number>(64).fill(0);
  g[0] = 0xff;
  g[8] = 1;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = minor;
  [0x4e, 0x55, 0x4c, 0x4c].forEach((c, i) => (g[12 + i] = c));
  return g;
}

type Extra = Partial<Pick<SessionConfig, "heartbeat" | "handshakeIvl" | "mode">> & {
  type?: string;
};

/** A PULL session on an AutoConn, not yet handshaken. */
function session(extra: Extra = {}) {
  const owner = new Owner();
  const { type = "PULL", mode = "auto", ...rest } = extra;
  const s = new StreamSession({
    type,
    peers: ["PUSH", "REQ", "DEALER"],
    sendsIdentity: type === "REP",
    subscriptions: "none",
    identity: new Uint8Array(0),
    maxmsgsize: -1,
    mode,
    ...rest,
  }, owner);
  const conn = new AutoConn(s);
  s.begin(conn);
  return { s, conn, owner };
}

/** A PULL session that finished a ZMTP/3.`minor` handshake with a PUSH and serves a pipe. */
async function shaken(heartbeat: SessionConfig["heartbeat"], minor = 1) {
  const t = session(heartbeat ? { heartbeat } : {});
  t.s.data(new Uint8Array([...greeting(minor), ...readyFrame("PUSH", null)]));
  assert.equal(t.owner.result?.version, minor === 0 ? "3.0" : "3.1");
  const t0 = performance.now();
  const pipe = new WorkerPipe(1, newPipeBlock(PIPE_RING_BYTES, PIPE_RING_BYTES));
  t.s.prepare(pipe);
  t.s.attach(pipe);
  // Our greeting and READY finish writing (each write completes a microtask later).
  await waitFor(() => !t.s.writing, 1_000, "the handshake written");
  return { ...t, t0 };
}

const pings = (c: AutoConn) => c.commands().filter((x) => x.name === "PING");
const pongs = (c: AutoConn) => c.commands().filter((x) => x.name === "PONG");
const pong = (ctx: number[] = []) => encodeCommand("PONG", new Uint8Array(ctx));
const text = (t: string) => encodeMessage3([new TextEncoder().encode(t)]);

test("heartbeat: PINGs go out at the interval, with the TTL in tenths of a second", async () => {
  const { s, conn } = await shaken(heartbeatConfig(40, 0, 1599));
  try {
    await waitFor(() => pings(conn).length >= 4, 3_000, "4 PINGs");
    const p = pings(conn);
    // TTL 1599 ms → 15 deciseconds, no context: libzmq's own bytes (docs/wire.md §3.8).
    assert.equal(hexOf(p[0]!.bytes), "04 07 04 50 49 4e 47 00 0f");
    for (let i = 1; i < p.length; i++) {
      const gap = p[i]!.at - p[i - 1]!.at;
      assert.ok(gap > 25 && gap < 1000, `PING ${i} came ${gap.toFixed(1)} ms after the last`);
    }
    assert.equal(conn.closed, false, "timeout 0: never closed for silence");
  } finally {
    s.close();
  }
});

test("heartbeat: a peer answering with PONG keeps the connection for ten intervals", async () => {
  const { s, conn, owner } = await shaken(heartbeatConfig(30, 60, 0));
  try {
    // Answer each PING as it comes, for about ten intervals.
    let answered = 0;
    await waitFor(
      () => {
        while (answered < pings(conn).length) {
          s.data(pong());
          answered++;
        }
        return answered >= 10;
      },
      5_000,
      "10 PINGs answered",
    );
    assert.equal(owner.closedWhy, null);
  } finally {
    s.close();
  }
});

test("heartbeat: any traffic counts as alive, not only PONG", async () => {
  const { s, conn, owner } = await shaken(heartbeatConfig(30, 60, 0));
  try {
    let seen = 0;
    await waitFor(
      () => {
        const n = pings(conn).length;
        if (n > seen) s.data(text(`m${n}`)); // a message after each PING instead of a PONG
        seen = n;
        return n >= 10;
      },
      5_000,
      "10 PINGs",
    );
    assert.equal(owner.closedWhy, null);
  } finally {
    s.close();
  }
});

test("heartbeat: a silent peer is closed once the timeout after a PING runs out", async () => {
  const { s, conn, owner, t0 } = await shaken(heartbeatConfig(50, 120, 0));
  try {
    await waitFor(() => owner.closedWhy !== null, 3_000, "the close");
    assert.equal(owner.closedWhy, "heartbeat timed out");
    assert.equal(conn.closed, true);
    const first = pings(conn)[0]!.at;
    const after = owner.closedAt - first;
    assert.ok(first - t0 > 35, `first PING ${(first - t0).toFixed(1)} ms after the handshake`);
    assert.ok(after > 105 && after < 1_000, `closed ${after.toFixed(1)} ms after the PING`);
  } finally {
    s.close();
  }
});

test("heartbeat: the timeout defaults to the interval", () => {
  assert.deepEqual(heartbeatConfig(200, -1, 0), { ivl: 200, timeout: 200, ttl: 0 });
  assert.deepEqual(heartbeatConfig(200, 0, 0), { ivl: 200, timeout: 0, ttl: 0 });
  assert.deepEqual(heartbeatConfig(0, -1, 0), { ivl: 0, timeout: 0, ttl: 0 });
});

test("heartbeat: a silent ZMTP/3.0 peer is pinged and closed too (as libzmq does)", async () => {
  const { s, conn, owner } = await shaken(heartbeatConfig(30, 60, 0), 0);
  try {
    await waitFor(() => owner.closedWhy !== null, 3_000, "the close");
    assert.equal(owner.closedWhy, "heartbeat timed out");
    assert.ok(pings(conn).length >= 1);
  } finally {
    s.close();
  }
});

test("heartbeat: the peer's TTL closes a connection that falls silent after its PING", async () => {
  const { s, conn, owner } = await shaken(undefined); // no heartbeats of ours
  try {
    const t0 = performance.now();
    s.data(pingFrame(2, new Uint8Array(0))); // ttl 0.2 s
    await waitFor(() => pongs(conn).length === 1, 1_000, "the PONG");
    await waitFor(() => owner.closedWhy !== null, 3_000, "the close");
    assert.equal(owner.closedWhy, "heartbeat TTL expired");
    const after = owner.closedAt - t0;
    assert.ok(after > 185 && after < 1_500, `closed ${after.toFixed(1)} ms after the PING`);
    assert.equal(pings(conn).length, 0, "we sent no PING");
  } finally {
    s.close();
  }
});

test("heartbeat: traffic after the peer's PING cancels its TTL; each PING re-arms it", async () => {
  const { s, owner } = await shaken(undefined);
  try {
    // PING (ttl 0.1 s) and a message every 50 ms, for 400 ms: never 100 ms of silence.
    const end = performance.now() + 400;
    while (performance.now() < end) {
      s.data(pingFrame(1, new Uint8Array(0)));
      await delay(25);
      s.data(text("x"));
      await delay(25);
    }
    assert.equal(owner.closedWhy, null);
    // A PING with ttl 0 asks nothing: a shorter TTL re-armed by a later PING still counts.
    s.data(pingFrame(0, new Uint8Array(0)));
    s.data(pingFrame(1, new Uint8Array(0)));
    await waitFor(() => owner.closedWhy !== null, 3_000, "the close");
    assert.equal(owner.closedWhy, "heartbeat TTL expired");
  } finally {
    s.close();
  }
});

test("heartbeat: a shorter TTL in a later PING shortens the wait", async () => {
  const { s, owner } = await shaken(undefined);
  try {
    const t0 = performance.now();
    s.data(pingFrame(600, new Uint8Array(0))); // a minute
    s.data(pingFrame(1, new Uint8Array(0))); // then 0.1 s
    await waitFor(() => owner.closedWhy !== null, 3_000, "the close");
    assert.ok(owner.closedAt - t0 < 1_500);
  } finally {
    s.close();
  }
});

test("heartbeat: PONG echoes the PING's context, at most 16 bytes of it", async () => {
  const { s, conn } = await shaken(undefined);
  try {
    s.data(pingFrame(0, new TextEncoder().encode("ctx")));
    const ctx20 = Array.from({ length: 20 }, (_, i) => 0x41 + i);
    s.data(encodeCommand("PING", new Uint8Array([0, 0, ...ctx20])));
    s.data(encodeCommand("PING", new Uint8Array([7]))); // too short for a ttl
    await waitFor(() => pongs(conn).length >= 3, 1_000, "3 PONGs");
    const p = pongs(conn);
    assert.equal(p.length, 3);
    assert.equal(hexOf(p[0]!.bytes), "04 08 04 50 4f 4e 47 63 74 78"); // docs/wire.md §3.8
    assert.deepEqual([...p[1]!.data], ctx20.slice(0, 16));
    assert.equal(hexOf(p[2]!.bytes), "04 05 04 50 4f 4e 47");
  } finally {
    s.close();
  }
});

test("heartbeat: a ZMTP/2.0 connection gets no PINGs", async () => {
  const t = session({ heartbeat: heartbeatConfig(20, 40, 0) });
  try {
    t.s.data(new Uint8Array([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, 8, 0, 0]));
    assert.equal(t.owner.result?.version, "2.0");
    await delay(150); // a scenario delay: several intervals in which nothing may happen
    assert.equal(pings(t.conn).length, 0);
    assert.equal(t.owner.closedWhy, null);
  } finally {
    t.s.close();
  }
});

test("heartbeat: a legacy (ZMTP/1.0) connection gets no PINGs", async () => {
  for (const mode of ["auto", "zmtp1"] as const) {
    const t = session({ heartbeat: heartbeatConfig(20, 40, 0), mode });
    try {
      t.s.data(new Uint8Array([1, 0])); // an empty identity frame
      assert.ok(["1.0", "zmtp1"].includes(t.owner.result?.version ?? ""), mode);
      await delay(150);
      assert.equal(pings(t.conn).length, 0, mode);
      assert.equal(t.owner.closedWhy, null, mode);
    } finally {
      t.s.close();
    }
  }
});

test("heartbeat: closing the session clears every timer, whoever closes", async () => {
  // Deno's op sanitizer fails this case if a timer outlives it; the Heartbeat says so too.
  const a = await shaken(heartbeatConfig(10, 1_000, 1_000));
  a.s.data(pingFrame(100, new Uint8Array(0)));
  await waitFor(() => pings(a.conn).length >= 1, 2_000, "a PING");
  a.s.close();
  const b = await shaken(heartbeatConfig(10, 1_000, 1_000));
  b.s.data(pingFrame(100, new Uint8Array(0)));
  await waitFor(() => pings(b.conn).length >= 1, 2_000, "a PING");
  b.s.closed(); // the peer went away
  const n = pings(b.conn).length;
  await delay(60);
  assert.equal(pings(b.conn).length, n, "no PING after the close");
  const hb = new Heartbeat(heartbeatConfig(10, 20, 0), {
    heard: () => 0,
    excused: () => false,
    ping() {},
    expire() {},
  });
  hb.start();
  hb.pinged(50);
  assert.equal(hb.active, true);
  hb.stop();
  assert.equal(hb.active, false);
});

test("heartbeat: silence while we hold the peer's bytes back is not the peer's fault", async () => {
  let heard = 0, excused = true, expired = "";
  const hb = new Heartbeat(heartbeatConfig(20, 30, 0), {
    heard: () => heard,
    excused: () => excused,
    ping() {},
    expire(why) {
      expired = why;
    },
  });
  try {
    hb.start();
    await delay(150); // several timeouts: each finds the connection paused by us
    assert.equal(expired, "");
    excused = false;
    heard++;
    await waitFor(() => expired !== "", 2_000, "the close once we read again");
    assert.equal(expired, "heartbeat timed out");
    assert.equal(hb.active, false);
  } finally {
    hb.stop();
  }
});

test("handshake timeout: a peer that sends nothing is closed after the interval", async () => {
  const { owner } = session({ handshakeIvl: 80 });
  const t0 = performance.now();
  await waitFor(() => owner.closedWhy !== null, 3_000, "the close");
  assert.equal(owner.closedWhy, "handshake timed out");
  assert.ok(owner.closedAt - t0 > 65, `closed after ${(owner.closedAt - t0).toFixed(1)} ms`);
});

test("handshake timeout: half a greeting, or a greeting without READY, is closed too", async () => {
  for (const bytes of [greeting(1).slice(0, 30), greeting(1)]) {
    const { s, owner } = session({ handshakeIvl: 80 });
    s.data(new Uint8Array(bytes));
    await waitFor(() => owner.closedWhy !== null, 3_000, "the close");
    assert.equal(owner.closedWhy, "handshake timed out");
    assert.equal(owner.result, null);
  }
});

test("handshake timeout: a peer that finishes in time keeps its connection", async () => {
  const { s, owner } = session({ handshakeIvl: 80 });
  try {
    s.data(new Uint8Array(greeting(1)));
    await delay(20);
    s.data(readyFrame("PUSH", null));
    assert.equal(owner.result?.version, "3.1");
    await delay(150); // past the interval: the timer went with the handshake
    assert.equal(owner.closedWhy, null);
  } finally {
    s.close();
  }
});

test("handshake timeout: 0 means no limit", async () => {
  const { s, owner } = session({ handshakeIvl: 0 });
  try {
    await delay(100);
    assert.equal(owner.closedWhy, null);
  } finally {
    s.close();
  }
});

test("handshake timeout: legacy modes bound the wait for the peer's identity frame", async () => {
  // zmtp1 always expects an identity; xs1 only in the request/reply family.
  for (const [mode, type] of [["zmtp1", "PULL"], ["xs1", "REP"]] as const) {
    const { owner } = session({ handshakeIvl: 60, mode, type });
    await waitFor(() => owner.closedWhy !== null, 3_000, `${mode} ${type} closed`);
    assert.equal(owner.closedWhy, "handshake timed out");
  }
  // An xs1 PULL exchanges nothing: it is ready at once, and a silent Crossroads peer is fine.
  const { s, owner } = session({ handshakeIvl: 60, mode: "xs1" });
  try {
    assert.equal(owner.result?.version, "xs1");
    await delay(120);
    assert.equal(owner.closedWhy, null);
  } finally {
    s.close();
  }
});
