/**
 * The handshake timeout and heartbeats through a real socket (options on the idiomatic
 * face, the I/O worker, tcp), against raw tcp clients made with lib/runtime's
 * `connectTcp`: one that sends nothing and one that sends half a greeting are closed after
 * `handshakeInterval`, a client that finishes its handshake is not; a raw ZMTP/3.1 client
 * receives our PINGs with our TTL, is closed when it stays silent and kept while it answers
 * with PONG. The C face's option numbers reach the same engine.
 *
 * Runs on: the test runner's main thread; the socket's I/O in its worker.
 */
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { assert, delay, hexOf, portOf, test, waitFor } from "../_harness.ts";
import { RawPeer } from "../upstream/_testutil.ts";
import { loadRuntime, type StreamConn, type StreamHandlers } from "../../lib/runtime/mod.ts";
import {
  Decoder3,
  encodeCommand,
  encodeMessage3,
  Handshake,
  parseCommand,
} from "../../lib/wire/mod.ts";

/** A raw tcp client that speaks ZMTP/3.1 as a PUSH and records the frames it receives. */
class RawZmtp implements StreamHandlers {
  conn!: StreamConn;
  isClosed = false;
  closedAt = 0;
  /** Answer each PING with a PONG carrying its context. */
  answer = false;
  readonly commands: { at: number; name: string; data: Uint8Array }[] = [];
  readonly #hs = new Handshake({
    socketType: "PUSH",
    identity: new Uint8Array(0),
    sendIdentity: false,
    acceptPeer: () => true,
  });
  #readyAt = 0;
  #flags = 0;
  #body: number[] = [];
  #left = 0;
  readonly #dec = new Decoder3({
    start: (flags, size) => {
      this.#flags = flags;
      this.#body = [];
      this.#left = size;
      if (size === 0) this.#frame();
      return true;
    },
    body: (bytes) => {
      this.#body.push(...bytes);
      this.#left -= bytes.length;
      if (this.#left === 0) this.#frame();
      return bytes.length;
    },
  }, -1);
  #queue: Uint8Array[] = [];
  #busy = false;

  /** When the handshake finished (performance.now()), or 0. */
  get readyAt(): number {
    return this.#readyAt;
  }

  data(chunk: Uint8Array): void {
    if (this.#readyAt) {
      this.#dec.feed(chunk);
      return;
    }
    const out = this.#hs.feed(chunk);
    if (out.length) this.send(out);
    const done = this.#hs.done;
    if (done) {
      this.#readyAt = performance.now();
      if (done.rest.length) this.#dec.feed(done.rest);
    }
  }
  written(): void {
    this.#busy = false;
    this.#pump();
  }
  closed(): void {
    this.isClosed = true;
    this.closedAt = performance.now();
  }
  send(bytes: Uint8Array): void {
    this.#queue.push(bytes);
    this.#pump();
  }
  #pump(): void {
    if (this.#busy || this.isClosed || !this.#queue.length) return;
    this.#busy = true;
    this.conn.write(this.#queue.shift()!);
  }
  #frame(): void {
    if (!(this.#flags & 4)) return;
    const c = parseCommand(new Uint8Array(this.#body));
    if (!c) return;
    this.commands.push({ at: performance.now(), name: c.name, data: c.data });
    if (c.name === "PING" && this.answer) this.send(encodeCommand("PONG", c.data.subarray(2)));
  }
  pings(): { at: number; data: Uint8Array }[] {
    return this.commands.filter((c) => c.name === "PING");
  }
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.conn.close();
    await waitFor(() => this.isClosed, 2_000, "raw client closed");
  }
  static async connect(endpoint: string): Promise<RawZmtp> {
    const rt = await loadRuntime();
    const attach = await rt.connectTcp("127.0.0.1", portOf(endpoint));
    const p = new RawZmtp();
    p.conn = attach(p);
    p.send(p.#hs.start());
    return p;
  }
}

test("handshake timeout: raw clients sending nothing or half a greeting are closed", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL", { handshakeInterval: 200 });
  await pull.bind("tcp://127.0.0.1:*");
  const t0 = performance.now(); // before the connects: our timers start after this
  const silent = await RawPeer.connect(pull.lastEndpoint);
  const half = await RawPeer.connect(pull.lastEndpoint);
  try {
    // Our 10-byte signature first; then the peer's signature, revision and part of the rest.
    assert.equal(hexOf(new Uint8Array(await half.read(10))), "ff 00 00 00 00 00 00 00 01 7f");
    half.send([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1, 0x4e, 0x55]);
    await waitFor(() => silent.isClosed && half.isClosed, 5_000, "both clients closed");
    const ms = performance.now() - t0;
    assert.ok(ms > 190, `closed after ${ms.toFixed(0)} ms, before the 200 ms interval`);
  } finally {
    await silent.close();
    await half.close();
  }
});

test("handshake timeout: a client that finishes its handshake in time stays", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL", { handshakeInterval: 150, rcvtimeo: 5_000 });
  await pull.bind("tcp://127.0.0.1:*");
  const good = await RawZmtp.connect(pull.lastEndpoint);
  try {
    await waitFor(() => good.readyAt > 0, 5_000, "the handshake");
    await delay(400); // a scenario delay: well past the interval
    assert.equal(good.isClosed, false);
    good.send(encodeMessage3([new TextEncoder().encode("still here")]));
    assert.equal(await pull.receiveText(), "still here");
  } finally {
    await good.close();
  }
});

test("heartbeat: a raw client gets PINGs with our TTL, and is closed when silent", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL", {
    heartbeatInterval: 100,
    heartbeatTimeout: 300,
    heartbeatTimeToLive: 1_000,
  });
  await pull.bind("tcp://127.0.0.1:*");
  const peer = await RawZmtp.connect(pull.lastEndpoint);
  try {
    await waitFor(() => peer.isClosed, 5_000, "the close");
    const p = peer.pings();
    assert.ok(p.length >= 1, "PINGs arrived");
    assert.equal(hexOf(p[0]!.data), "00 0a", "ttl 10 deciseconds, no context");
    // First PING about 100 ms after the handshake, the close 300 ms after it.
    const ms = peer.closedAt - p[0]!.at;
    assert.ok(ms > 200 && ms < 2_000, `closed ${ms.toFixed(0)} ms after the first PING`);
  } finally {
    await peer.close();
  }
});

test("heartbeat: a raw ZMTP/3.1 client that answers every PING keeps its connection", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL", { heartbeatIvl: 50, heartbeatTimeout: 150, rcvtimeo: 5_000 });
  await pull.bind("tcp://127.0.0.1:*");
  const peer = await RawZmtp.connect(pull.lastEndpoint);
  peer.answer = true;
  try {
    await waitFor(() => peer.pings().length >= 12, 5_000, "12 PINGs");
    assert.equal(peer.isClosed, false);
    peer.send(encodeMessage3([new TextEncoder().encode("alive")]));
    assert.equal(await pull.receiveText(), "alive");
  } finally {
    await peer.close();
  }
});

test("heartbeat: the C face's extension options set the same engine", async () => {
  const c = xs.xs_init()!;
  const s = xs.xs_socket(c, xs.XS_PULL)!;
  try {
    assert.equal(xs.xs_setsockopt(s, xs.XS_HEARTBEAT_IVL, 80), 0);
    assert.equal(xs.xs_setsockopt(s, xs.XS_HEARTBEAT_TIMEOUT, 200), 0);
    assert.equal(xs.xs_setsockopt(s, xs.XS_HEARTBEAT_TTL, 2_500), 0);
    assert.equal(xs.xs_setsockopt(s, xs.XS_HANDSHAKE_IVL, 10_000), 0);
    assert.equal(xs.xs_setsockopt(s, xs.XS_HEARTBEAT_TIMEOUT, -1), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_setsockopt(s, xs.XS_HEARTBEAT_TTL, 6_553_600), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    const v = new Int32Array(1), len = { value: 4 };
    assert.equal(xs.xs_getsockopt(s, xs.XS_HEARTBEAT_TTL, v, len), 0);
    assert.equal(v[0], 2_500);
    assert.ok(xs.xs_bind(s, "tcp://127.0.0.1:*") >= 0);
    const peer = await RawZmtp.connect(xs.xs_last_endpoint(s)!);
    try {
      await waitFor(() => peer.isClosed, 5_000, "the close");
      assert.equal(hexOf(peer.pings()[0]!.data), "00 19", "ttl 25 deciseconds");
    } finally {
      await peer.close();
    }
  } finally {
    xs.xs_close(s);
    xs.xs_term(c);
  }
});
