/**
 * Attacks on our CURVE and PLAIN servers (ZeroMQ RFC 23/24/25/26/27): a REP socket of the
 * library, bound on tcp 127.0.0.1 and echoing every request, faces raw TCP connections
 * (`node:net`) that speak the ZMTP greeting and commands byte for byte. Where an attack
 * needs a legitimate handshake first, the attacker's client half is the library's own pure
 * `Handshake` (lib/wire/handshake.ts) fed with what the raw socket receives; once it is
 * done, its `codec` (a `CurveStream`) boxes the attacker's frames.
 *
 * The attacks: a wrong server key (raw and a library socket); a replayed HELLO and
 * INITIATE on a new connection; a MESSAGE with one flipped ciphertext byte; a replayed
 * MESSAGE (on its own connection and on another one); a handshake cut in half (closed, or
 * left silent until `handshakeIvl`); a PLAIN client at the CURVE server (raw and library);
 * garbage after the greeting; 20 clients that send HELLO and ignore WELCOME; a MESSAGE
 * header announcing more than `maxmsgsize`. Then PLAIN with ZAP: a wrong password is
 * refused (`handshake:error:auth`, ERROR "400" on the wire), the right one carries
 * `User-Id`; a PLAIN server with no ZAP handler refuses everyone.
 *
 * Each attack must close the attacker's connection (the raw socket sees the end), deliver
 * nothing of its to the server's application, and leave a good client (a library REQ with
 * the right credentials) served: a round trip before, during and after every attack. Every
 * receive and every wait is bounded (5 s unless said); a wait for a condition polls it.
 *
 * Runs on: the test runner's main thread (the I/O worker does the server's tcp side).
 */
import { connect, type Socket as NetSocket } from "node:net";
import {
  Authenticator,
  Context,
  type CurveKeyPair,
  curveKeyPair,
  type Socket,
  type SocketEvent,
  type SocketOptions,
  XsError,
} from "../../mod.ts";
import { Handshake } from "../../lib/wire/mod.ts";
import { CurveMechanism, type MessageCodec, z85Decode } from "../../lib/security/mod.ts";
import { assert, portOf, test, waitFor } from "../_harness.ts";

/** Bound of every wait that should succeed, ms. */
const WAIT_MS = 5_000;
/** The handshake interval of the servers, unless a case sets its own, ms. */
const HANDSHAKE_IVL = 500;
const enc = new TextEncoder(), dec = new TextDecoder();
const EMPTY = new Uint8Array(0);

// ------------------------------------------------------------------ bytes on the wire

/** Concatenates byte arrays. */
function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A 64-bit big-endian size field. */
function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

/** One ZMTP/3 frame header: short form up to 255 bytes, long form above. */
function header(flags: number, size: number): Uint8Array {
  return size > 255
    ? cat(new Uint8Array([flags | 0x02]), u64(size))
    : new Uint8Array([flags, size]);
}

/** A ZMTP/3.1 greeting (docs/wire.md §3.1) announcing `mechanism`, as a client. */
function greeting(mechanism: string): Uint8Array {
  const g = new Uint8Array(64);
  g.set([0xff, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x7f, 0x03, 0x01]);
  g.set(enc.encode(mechanism), 12);
  return g;
}

/** A command frame: `04 size`, name length, name, data. */
function command(name: string, data: Uint8Array): Uint8Array {
  const body = cat(new Uint8Array([name.length]), enc.encode(name), data);
  return cat(header(0x04, body.length), body);
}

/** The PLAIN HELLO of RFC 24: username and password, each behind its length byte. */
function plainHello(user: string, password: string): Uint8Array {
  const u = enc.encode(user), p = enc.encode(password);
  return command("HELLO", cat(new Uint8Array([u.length]), u, new Uint8Array([p.length]), p));
}

/** The plain frames of one message (MORE on all but the last part). */
function messageFrames(parts: Uint8Array[]): Uint8Array {
  return cat(...parts.flatMap((p, i) => [header(i < parts.length - 1 ? 1 : 0, p.length), p]));
}

/** One frame found by `splitFrames`: its flags, its body, and where it ends in the buffer. */
interface Frame {
  flags: number;
  body: Uint8Array;
  end: number;
}

/** The whole frames at the front of `buf` (a frame cut short, and what follows, is left). */
function splitFrames(buf: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  let o = 0;
  for (;;) {
    if (buf.length - o < 2) break;
    const flags = buf[o]!;
    const long = (flags & 0x02) !== 0;
    if (long && buf.length - o < 9) break;
    const size = long
      ? Number(new DataView(buf.buffer, buf.byteOffset + o + 1, 8).getBigUint64(0))
      : buf[o + 1]!;
    const start = o + (long ? 9 : 2);
    if (buf.length - start < size) break;
    o = start + size;
    frames.push({ flags, body: buf.subarray(start, o), end: o });
  }
  return frames;
}

/** A seeded generator of bytes (xorshift32), so a failing garbage input can be replayed. */
function seededBytes(seed: number, n: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

// ------------------------------------------------------------------ a raw connection

/**
 * One raw TCP connection to the server, with a buffered reader: `read(n)` and `take()`
 * wait (bounded) for bytes, `closed` says whether the server ended the connection.
 */
class RawConn {
  readonly #sock: NetSocket;
  #buf: Uint8Array = EMPTY;
  #waiters: (() => void)[] = [];
  readonly #gone: Promise<void>;
  /** When the connection ended (`Date.now()`: the server's end, or our `destroy`), else 0. */
  closedAt = 0;
  /** When the connection was opened (`Date.now()`). */
  readonly openedAt: number;
  /** The connection as the server's events name it (`remote`: "127.0.0.1:port"). */
  readonly remote: string;

  private constructor(sock: NetSocket) {
    this.#sock = sock;
    this.openedAt = Date.now();
    this.remote = `127.0.0.1:${sock.localPort}`;
    sock.on("data", (d: Uint8Array) => {
      this.#buf = cat(this.#buf, d);
      this.#poke();
    });
    const ended = () => {
      if (this.closedAt === 0) this.closedAt = Date.now();
      this.#poke();
    };
    sock.on("end", ended);
    sock.on("error", () => {}); // a reset by the server: "close" follows
    this.#gone = new Promise((resolve) => sock.on("close", () => (ended(), resolve())));
  }

  /** Connects to the server's tcp port (bounded). */
  static open(port: number): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host: "127.0.0.1", port });
      const t = setTimeout(
        () => (sock.destroy(), reject(new Error("raw connect timed out"))),
        WAIT_MS,
      );
      sock.once("error", (e) => (clearTimeout(t), reject(e)));
      sock.once("connect", () => {
        clearTimeout(t);
        sock.setNoDelay(true);
        resolve(new RawConn(sock));
      });
    });
  }

  /** True once the server ended the connection. */
  get closed(): boolean {
    return this.closedAt !== 0;
  }

  /** Writes bytes (ignored once the connection is gone: the server may have reset it). */
  write(bytes: Uint8Array): void {
    if (!this.#sock.destroyed) this.#sock.write(bytes);
  }

  #poke(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Waits until `cond()` holds (checked again at each arrival and at the end); false after `ms`. */
  async #until(cond: () => boolean, ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (!cond()) {
      const left = end - Date.now();
      if (left <= 0) return false;
      let t: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((r) => {
        this.#waiters.push(r);
        t = setTimeout(r, left);
      });
      clearTimeout(t);
    }
    return true;
  }

  /** The next `n` bytes; throws if the connection ends first or after `ms`. */
  async read(n: number, ms = WAIT_MS): Promise<Uint8Array> {
    await this.#until(() => this.#buf.length >= n || this.closed, ms);
    if (this.#buf.length < n) {
      throw new Error(
        `${this.closed ? "connection closed" : `no data within ${ms} ms`} after ` +
          `${this.#buf.length} of ${n} bytes`,
      );
    }
    const b = this.#buf.slice(0, n);
    this.#buf = this.#buf.slice(n);
    return b;
  }

  /** Whatever arrived (waiting for at least one byte); empty once the connection ended. */
  async take(ms = WAIT_MS): Promise<Uint8Array> {
    if (!(await this.#until(() => this.#buf.length > 0 || this.closed, ms))) {
      throw new Error(`no data within ${ms} ms`);
    }
    const b = this.#buf;
    this.#buf = EMPTY;
    return b;
  }

  /** Waits until the server ended the connection; returns how long after opening, ms. */
  async waitClosed(what: string, ms = WAIT_MS): Promise<number> {
    if (!(await this.#until(() => this.closed, ms))) {
      throw new Error(`${what}: the server did not close the connection within ${ms} ms`);
    }
    return this.closedAt - this.openedAt;
  }

  /** Closes our side and waits (bounded) until the socket is released. */
  async destroy(): Promise<void> {
    this.#sock.destroy();
    let t: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.#gone, new Promise((r) => (t = setTimeout(r, 2_000)))]);
    clearTimeout(t);
  }
}

// ------------------------------------------------------------------ the attacker's CURVE client

/** A CURVE client's keys as bytes: the server key it trusts and its own pair. */
interface ClientKeys {
  server: Uint8Array;
  public: Uint8Array;
  secret: Uint8Array;
}

/** Z85 keys as the bytes the pure mechanism takes. */
function keyBytes(serverPublic: string, client: CurveKeyPair): ClientKeys {
  return {
    server: z85Decode(serverPublic)!,
    public: z85Decode(client.publicKey)!,
    secret: z85Decode(client.secretKey)!,
  };
}

/** The CURVE security options of our pure client half. */
function curveClient(k: ClientKeys) {
  return {
    mechanism: "CURVE" as const,
    server: false,
    curveServerKey: k.server,
    curvePublicKey: k.public,
    curveSecretKey: k.secret,
    zapDomain: "",
  };
}

/** A raw connection after a real CURVE handshake: its codec and what it wrote. */
interface Driven {
  raw: RawConn;
  codec: MessageCodec;
  /** Plain frames decoded but not read yet. */
  plain: Uint8Array;
  /** Everything the client half wrote, in order: greeting, HELLO, INITIATE. */
  sent: Uint8Array;
}

/**
 * Runs the client half of a CURVE handshake (a REQ) over `raw`: writes what the library's
 * pure `Handshake` returns, feeds it what arrives. Throws if the connection ends first, the
 * handshake fails, or it takes longer than `ms`.
 */
async function curveHandshake(raw: RawConn, keys: ClientKeys, ms = WAIT_MS): Promise<Driven> {
  const hs = new Handshake({
    socketType: "REQ",
    identity: new Uint8Array(0),
    sendIdentity: true,
    acceptPeer: (t) => t === "REP" || t === "ROUTER",
    security: curveClient(keys),
  });
  const sent: Uint8Array[] = [];
  const send = (b: Uint8Array) => {
    if (b.length === 0) return;
    sent.push(b);
    raw.write(b);
  };
  send(hs.start());
  const end = Date.now() + ms;
  while (!hs.done && !hs.error) {
    const chunk = await raw.take(Math.max(1, end - Date.now()));
    if (chunk.length === 0) throw new Error("connection closed during the CURVE handshake");
    send(hs.feed(chunk));
  }
  if (hs.error) throw new Error(`CURVE handshake failed: ${hs.error}`);
  const done = hs.done!;
  const codec = done.codec!;
  const plain = codec.decode(done.rest);
  if (plain === null) throw new Error(`server's first bytes do not decode: ${codec.error}`);
  return { raw, codec, plain, sent: cat(...sent) };
}

/** The parts of a handshake transcript: greeting (64 bytes), then each frame, whole. */
function transcript(
  sent: Uint8Array,
): { greeting: Uint8Array; hello: Uint8Array; initiate: Uint8Array } {
  const frames = splitFrames(sent.subarray(64)).map((f) => 64 + f.end);
  assert.equal(frames.length, 2, "the client half wrote greeting, HELLO and INITIATE");
  assert.equal(frames[1], sent.length);
  return {
    greeting: sent.slice(0, 64),
    hello: sent.slice(64, frames[0]),
    initiate: sent.slice(frames[0], frames[1]),
  };
}

/** The two boxed MESSAGE commands of one REQ request: an empty delimiter and `body`. */
function boxRequest(d: Driven, body: string | Uint8Array): Uint8Array {
  const b = typeof body === "string" ? enc.encode(body) : body;
  return d.codec.encode(messageFrames([EMPTY, b]));
}

/** Reads one whole reply on a driven connection (bounded); returns its parts. */
async function readReply(d: Driven, ms = WAIT_MS): Promise<Uint8Array[]> {
  const end = Date.now() + ms;
  for (;;) {
    const frames = splitFrames(d.plain);
    const last = frames.findIndex((f) => (f.flags & 0x01) === 0);
    if (last >= 0) {
      const parts = frames.slice(0, last + 1).map((f) => f.body.slice());
      d.plain = d.plain.slice(frames[last]!.end);
      return parts;
    }
    const chunk = await d.raw.take(Math.max(1, end - Date.now()));
    if (chunk.length === 0) throw new Error("connection closed before the reply");
    const plain = d.codec.decode(chunk);
    if (plain === null) throw new Error(`the server's MESSAGE does not decode: ${d.codec.error}`);
    d.plain = cat(d.plain, plain);
  }
}

/** A CURVE client's HELLO, ready to write (the pure mechanism's first frame). */
function curveHello(keys: ClientKeys): Uint8Array {
  const m = new CurveMechanism({
    socketType: "REQ",
    identity: new Uint8Array(0),
    sendIdentity: true,
    acceptPeer: () => true,
    security: curveClient(keys),
  }, -1);
  return m.start()[0]!;
}

// ------------------------------------------------------------------ the scene

interface SceneOptions {
  mechanism?: "CURVE" | "PLAIN";
  handshakeIvl?: number;
  maxmsgsize?: number;
  /** Bind an Authenticator (CURVE: any key; PLAIN: admin/secret). Default true. */
  auth?: boolean;
}

/** One case's world: a context, the attacked REP server with its echo loop, a good client. */
interface Scene {
  /** The CURVE server's key pair (Z85). */
  serverKeys: CurveKeyPair;
  /** Every event of the server socket so far. */
  events: SocketEvent[];
  /** Every request the server's application received: its parts as text, and `User-Id`. */
  received: { text: string; userId: string | undefined }[];
  /** The good client's options (CURVE: the right keys; PLAIN: admin/secret). */
  goodOptions: SocketOptions;
  /** A request/reply round trip of the good client, bounded (5 s each way). */
  roundTrip(label: string): Promise<void>;
  /** A raw connection to the server, closed with the scene. */
  raw(): Promise<RawConn>;
  /** Another library REQ of ours, connected to the server, closed with the scene. */
  client(opts: SocketOptions): Promise<Socket<"REQ">>;
  /** The server's events about one remote address ("127.0.0.1:port"). */
  eventsOf(remote: string): SocketEvent[];
}

const remoteOf = (e: SocketEvent): string | undefined => "remote" in e ? e.remote : undefined;

async function withScene(o: SceneOptions, fn: (s: Scene) => Promise<void>): Promise<void> {
  const mechanism = o.mechanism ?? "CURVE";
  const ctx = new Context();
  const auth = o.auth === false ? null : new Authenticator(ctx);
  if (auth && mechanism === "CURVE") auth.allowCurve("*");
  if (auth && mechanism === "PLAIN") auth.allowPlain({ admin: "secret" });
  const serverKeys = curveKeyPair();
  const goodKeys = curveKeyPair();
  const security: SocketOptions = mechanism === "CURVE"
    ? {
      curveServer: true,
      curvePublicKey: serverKeys.publicKey,
      curveSecretKey: serverKeys.secretKey,
    }
    : { plainServer: true };
  const server = ctx.socket("REP", {
    linger: 0,
    handshakeIvl: o.handshakeIvl ?? HANDSHAKE_IVL,
    ...(o.maxmsgsize !== undefined ? { maxmsgsize: o.maxmsgsize } : {}),
    ...security,
  });
  const events: SocketEvent[] = [];
  const stream = server.events;
  const watching = (async () => {
    for await (const ev of stream) events.push(ev);
  })().catch(() => {});
  const received: Scene["received"] = [];
  const serving = (async () => {
    for await (const msg of server) {
      received.push({
        text: msg.map((p) => dec.decode(p)).join("|"),
        userId: msg.properties?.["User-Id"],
      });
      await server.send([...msg]);
    }
  })().catch(() => {}); // ends when the server closes
  await server.bind("tcp://127.0.0.1:*");
  const endpoint = server.lastEndpoint;
  const goodOptions: SocketOptions = mechanism === "CURVE"
    ? {
      curveServerKey: serverKeys.publicKey,
      curvePublicKey: goodKeys.publicKey,
      curveSecretKey: goodKeys.secretKey,
    }
    : { plainUsername: "admin", plainPassword: "secret" };
  const raws: RawConn[] = [];
  const clients: Socket<"REQ">[] = [];
  const client = async (opts: SocketOptions) => {
    const c = ctx.socket("REQ", { linger: 0, ...opts });
    clients.push(c);
    await c.connect(endpoint);
    return c;
  };
  let good: Socket<"REQ"> | null = null;
  try {
    if (auth) good = await client(goodOptions);
    await fn({
      serverKeys,
      events,
      received,
      goodOptions,
      async roundTrip(label) {
        if (!good) throw new Error("this scene has no good client");
        const text = `good ${label} ${received.length}`;
        await good.send(text, { timeout: WAIT_MS });
        const reply = await good.receive({ timeout: WAIT_MS });
        assert.deepEqual(reply.map((p) => dec.decode(p)), [text], `round trip ${label}`);
      },
      async raw() {
        const r = await RawConn.open(portOf(endpoint));
        raws.push(r);
        return r;
      },
      client,
      eventsOf: (remote) => events.filter((e) => remoteOf(e) === remote),
    });
  } finally {
    await Promise.all(raws.map((r) => r.destroy()));
    for (const c of clients) c.close();
    server.close();
    await auth?.close();
    await ctx.term();
    await serving;
    await watching;
  }
}

/** Asserts that every request the server's application got is one of the good client's or in `also`. */
function assertOnlyExpected(s: Scene, also: string[] = []) {
  const foreign = s.received.filter((r) => !r.text.startsWith("good ") && !also.includes(r.text));
  assert.deepEqual(foreign, [], "requests that reached the application and should not have");
}

/** Waits (bounded) until the server's events satisfy `cond`; the failure lists them. */
async function waitEvents(s: Scene, cond: (events: SocketEvent[]) => boolean, what: string) {
  try {
    await waitFor(() => cond(s.events), WAIT_MS, what);
  } catch (e) {
    const seen = s.events.map((ev) => `${ev.type} ${remoteOf(ev) ?? ""}`.trim());
    throw new Error(`${(e as Error).message}; the server's events: ${seen.join(", ")}`);
  }
}

/** Waits for the server's event of `type` about `raw`'s connection; returns it. */
async function eventAbout(s: Scene, raw: RawConn, type: SocketEvent["type"]): Promise<SocketEvent> {
  const find = (events: SocketEvent[]) =>
    events.find((e) => e.type === type && remoteOf(e) === raw.remote);
  await waitEvents(s, (events) => find(events) !== undefined, `${type} of ${raw.remote}`);
  return find(s.events)!;
}

/** Asserts the server never reported a finished handshake for `raw`'s connection. */
function assertNoHandshake(s: Scene, raw: RawConn) {
  const seen = s.eventsOf(raw.remote).map((e) => e.type);
  assert.ok(!seen.includes("handshake"), `the server let ${raw.remote} in: ${seen.join(", ")}`);
}

/** Sends, bounded; a send that cannot go out (no usable connection) is not an error here. */
async function sendIfPossible(c: Socket<"REQ">, text: string) {
  try {
    await c.send(text, { timeout: 500 });
  } catch (e) {
    if (!(e instanceof XsError && e.code === "EAGAIN")) throw e;
  }
}

// ------------------------------------------------------------------ the cases

test("attack 1: a client with another server key never gets in (raw and library)", async () => {
  await withScene({}, async (s) => {
    await s.roundTrip("before");
    const impostor = curveKeyPair(); // the key the attacker believes is the server's
    const raw = await s.raw();
    await Promise.all([
      assert.rejects(
        curveHandshake(raw, keyBytes(impostor.publicKey, curveKeyPair())),
        /closed|failed/,
      ),
      s.roundTrip("during raw"),
    ]);
    await raw.waitClosed("wrong server key");
    await eventAbout(s, raw, "handshake:error:protocol");
    assertNoHandshake(s, raw);
    // A library client with the wrong key retries again and again: none of it gets in.
    const before = s.events.filter((e) => e.type.startsWith("handshake:error")).length;
    const wrong = await s.client({
      ...s.goodOptions,
      curveServerKey: impostor.publicKey,
      reconnectIvl: 20,
    });
    await sendIfPossible(wrong, "intruder");
    await s.roundTrip("during library");
    await waitEvents(
      s,
      (events) => events.filter((e) => e.type.startsWith("handshake:error")).length >= before + 3,
      "three refused attempts of the library client",
    );
    await s.roundTrip("after");
    const handshakes = s.events.filter((e) => e.type === "handshake");
    assert.equal(handshakes.length, 1, "only the good client completed a handshake");
    assertOnlyExpected(s);
  });
});

test("attack 2: a replayed HELLO gets at most a WELCOME; the replayed INITIATE is refused", async () => {
  await withScene({}, async (s) => {
    const keys = keyBytes(s.serverKeys.publicKey, curveKeyPair());
    await s.roundTrip("before");
    // A legitimate client (driven by the attacker), whose bytes are recorded.
    const first = await s.raw();
    const d = await curveHandshake(first, keys);
    const t = transcript(d.sent);
    assert.equal(t.hello.length, 202, "HELLO: 04 C8 and 200 bytes");
    first.write(boxRequest(d, "first connection"));
    assert.deepEqual((await readReply(d)).map((p) => dec.decode(p)), ["", "first connection"]);
    // A new connection replays its greeting and HELLO.
    const replay = await s.raw();
    replay.write(cat(t.greeting, t.hello));
    const serverGreeting = await replay.read(64).catch(() => null);
    let answer = "closed before WELCOME";
    if (serverGreeting !== null) {
      assert.equal(dec.decode(serverGreeting.subarray(12, 17)), "CURVE");
      const welcome = await replay.read(2 + 168).catch(() => null);
      if (welcome !== null) {
        assert.deepEqual([...welcome.subarray(0, 10)], [
          0x04,
          0xa8,
          0x07,
          ...enc.encode("WELCOME"),
        ]);
        answer = "WELCOME";
      }
    }
    // The attacker cannot open that WELCOME (no c′ of its own); it replays the INITIATE.
    replay.write(t.initiate);
    await Promise.all([
      replay.waitClosed(`replayed INITIATE after ${answer}`),
      s.roundTrip("during"),
    ]);
    await eventAbout(s, replay, "handshake:error:protocol");
    assertNoHandshake(s, replay);
    // The whole transcript at once, on a third connection: refused the same way.
    const all = await s.raw();
    all.write(d.sent);
    await all.waitClosed("replayed greeting, HELLO and INITIATE at once");
    assertNoHandshake(s, all);
    // The original connection was not disturbed.
    first.write(boxRequest(d, "first connection again"));
    assert.deepEqual((await readReply(d)).map((p) => dec.decode(p)), [
      "",
      "first connection again",
    ]);
    await s.roundTrip("after");
    assertOnlyExpected(s, ["first connection", "first connection again"]);
  });
});

test("attack 3: a MESSAGE with one flipped ciphertext byte closes the connection", async () => {
  await withScene({}, async (s) => {
    await s.roundTrip("before");
    const raw = await s.raw();
    const d = await curveHandshake(raw, keyBytes(s.serverKeys.publicKey, curveKeyPair()));
    await eventAbout(s, raw, "handshake");
    raw.write(boxRequest(d, "boxed 1"));
    assert.deepEqual((await readReply(d)).map((p) => dec.decode(p)), ["", "boxed 1"]);
    // The request's second MESSAGE (the body) with its last ciphertext byte flipped.
    const bad = boxRequest(d, "tampered");
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x01;
    raw.write(bad);
    await Promise.all([raw.waitClosed("tampered MESSAGE"), s.roundTrip("during")]);
    const gone = await eventAbout(s, raw, "disconnect");
    assert.ok(gone.type === "disconnect" && /authenticat/i.test(gone.cause), JSON.stringify(gone));
    // Split: the delimiter's MESSAGE goes in alone (a message begun), then the tampered one.
    const raw2 = await s.raw();
    const d2 = await curveHandshake(raw2, keyBytes(s.serverKeys.publicKey, curveKeyPair()));
    const split = boxRequest(d2, "tampered later");
    const cut = splitFrames(split)[0]!.end;
    split[split.length - 1] = split[split.length - 1]! ^ 0x80;
    raw2.write(split.subarray(0, cut));
    await s.roundTrip("with a message begun");
    raw2.write(split.subarray(cut));
    await raw2.waitClosed("tampered second MESSAGE of a request");
    await s.roundTrip("after");
    assertOnlyExpected(s, ["boxed 1"]);
    assert.equal(s.received.filter((r) => r.text === "boxed 1").length, 1);
  });
});

test("attack 4: a replayed MESSAGE (nonce reuse) closes the connection, nothing doubled", async () => {
  await withScene({}, async (s) => {
    await s.roundTrip("before");
    const raw = await s.raw();
    const d = await curveHandshake(raw, keyBytes(s.serverKeys.publicKey, curveKeyPair()));
    const once = boxRequest(d, "once");
    raw.write(once);
    assert.deepEqual((await readReply(d)).map((p) => dec.decode(p)), ["", "once"]);
    raw.write(once); // the same bytes: the same nonce counters
    await Promise.all([raw.waitClosed("replayed MESSAGE"), s.roundTrip("during")]);
    const gone = await eventAbout(s, raw, "disconnect");
    assert.ok(gone.type === "disconnect" && /replay|nonce/i.test(gone.cause), JSON.stringify(gone));
    // The same MESSAGE on another connection (another key K): it does not open there.
    const other = await s.raw();
    const d2 = await curveHandshake(other, keyBytes(s.serverKeys.publicKey, curveKeyPair()));
    other.write(once);
    await other.waitClosed("MESSAGE of another connection");
    assert.equal(d2.plain.length, 0);
    await s.roundTrip("after");
    assertOnlyExpected(s, ["once"]);
    assert.equal(
      s.received.filter((r) => r.text === "once").length,
      1,
      "the duplicate was delivered",
    );
  });
});

test("attack 5: a handshake cut in half, then closed or left silent (handshakeIvl 300)", async () => {
  await withScene({ handshakeIvl: 300 }, async (s) => {
    const keys = keyBytes(s.serverKeys.publicKey, curveKeyPair());
    const hello = curveHello(keys);
    const half = cat(greeting("CURVE"), hello.subarray(0, hello.length >> 1));
    await s.roundTrip("before");
    // Half a HELLO, then our close.
    const quitter = await s.raw();
    quitter.write(half);
    await s.roundTrip("during the quitter");
    await quitter.destroy();
    await eventAbout(s, quitter, "handshake:error:other");
    // Half a HELLO, then silence: the server ends it after handshakeIvl.
    const silent = await s.raw();
    silent.write(half);
    await s.roundTrip("during the silent one");
    const after = await silent.waitClosed("silent half HELLO", 3_000);
    assert.ok(
      after >= 280 && after < 2_300,
      `closed ${after} ms after connecting (handshakeIvl 300)`,
    );
    const ev = await eventAbout(s, silent, "handshake:error:other");
    assert.ok(ev.type === "handshake:error:other" && /time/i.test(ev.error), JSON.stringify(ev));
    assertNoHandshake(s, silent);
    await s.roundTrip("after");
    assertOnlyExpected(s);
  });
});

test("attack 6: a PLAIN client at the CURVE server is closed (raw and library)", async () => {
  await withScene({}, async (s) => {
    await s.roundTrip("before");
    const raw = await s.raw();
    raw.write(cat(greeting("PLAIN"), plainHello("admin", "secret")));
    await Promise.all([raw.waitClosed("PLAIN greeting"), s.roundTrip("during raw")]);
    await eventAbout(s, raw, "handshake:error:protocol");
    assertNoHandshake(s, raw);
    const plain = await s.client({
      plainUsername: "admin",
      plainPassword: "secret",
      reconnectIvl: 20,
    });
    await sendIfPossible(plain, "plain intruder");
    await s.roundTrip("during library");
    // Either side may see the mechanism mismatch first: protocol (the server did) or other
    // (the client did and left).
    await waitEvents(
      s,
      (events) => events.filter((e) => e.type.startsWith("handshake:error")).length >= 4,
      "the PLAIN library client refused again and again",
    );
    await s.roundTrip("after");
    assert.ok(s.events.every((e) => e.type !== "handshake" || e.mechanism === "CURVE"));
    assert.equal(s.events.filter((e) => e.type === "handshake").length, 1);
    assertOnlyExpected(s);
  });
});

test("attack 7: garbage after a CURVE greeting is closed (5 seeded inputs of 200 bytes)", async () => {
  await withScene({}, async (s) => {
    await s.roundTrip("before");
    const raws: RawConn[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      const r = await s.raw();
      r.write(cat(greeting("CURVE"), seededBytes(seed * 7919, 200)));
      raws.push(r);
    }
    await s.roundTrip("during");
    for (const [i, r] of raws.entries()) {
      // A frame header announcing more than arrived is ended by handshakeIvl (500 ms).
      await r.waitClosed(`garbage seed ${(i + 1) * 7919}`, HANDSHAKE_IVL + 3_000);
      assertNoHandshake(s, r);
    }
    await s.roundTrip("after");
    assertOnlyExpected(s);
  });
});

test("attack 8: 20 clients that send HELLO and ignore WELCOME are closed after handshakeIvl", async () => {
  // Long enough for the server to answer 20 HELLOs at once on a cold, busy machine.
  const ivl = 1_000;
  await withScene({ handshakeIvl: ivl }, async (s) => {
    await s.roundTrip("before");
    const raws = await Promise.all(Array.from({ length: 20 }, () => s.raw()));
    for (const r of raws) {
      r.write(cat(greeting("CURVE"), curveHello(keyBytes(s.serverKeys.publicKey, curveKeyPair()))));
    }
    // Each gets the server's greeting and a WELCOME (64 + 2 + 168 bytes), and answers nothing.
    await Promise.all(raws.map(async (r) => {
      const got = await r.read(64 + 170);
      assert.deepEqual([...got.subarray(64, 66)], [0x04, 0xa8], "a WELCOME frame");
    }));
    for (let i = 0; i < 5; i++) await s.roundTrip(`during ${i}`);
    const times = await Promise.all(
      raws.map((r, i) => r.waitClosed(`stalled client ${i}`, ivl + 3_000)),
    );
    for (const t of times) {
      assert.ok(
        t >= ivl - 20 && t < ivl + 2_500,
        `closed ${t} ms after connecting (handshakeIvl ${ivl})`,
      );
    }
    for (const r of raws) assertNoHandshake(s, r);
    await s.roundTrip("after");
    assertOnlyExpected(s);
  });
});

test("attack 9: PLAIN with ZAP: a wrong password is refused, the right one has User-Id", async () => {
  await withScene({ mechanism: "PLAIN" }, async (s) => {
    await s.roundTrip("before");
    assert.deepEqual(s.received.map((r) => r.userId), ["admin"], "User-Id of the good client");
    // A library client with a wrong password: refused by ZAP, reported as auth.
    const wrong = await s.client({ plainUsername: "admin", plainPassword: "wrong" });
    await sendIfPossible(wrong, "wrong password");
    await Promise.all([
      waitEvents(
        s,
        (events) => events.some((e) => e.type === "handshake:error:auth"),
        "handshake:error:auth",
      ),
      s.roundTrip("during library"),
    ]);
    // The same on the wire: greeting, our greeting back, ERROR "400", then the close.
    const raw = await s.raw();
    raw.write(cat(greeting("PLAIN"), plainHello("admin", "guess")));
    const serverGreeting = await raw.read(64);
    assert.equal(dec.decode(serverGreeting.subarray(12, 17)), "PLAIN");
    assert.equal(serverGreeting[32], 1, "as-server");
    const error = await raw.read(12);
    assert.deepEqual([...error], [
      0x04,
      0x0a,
      0x05,
      ...enc.encode("ERROR"),
      0x03,
      ...enc.encode("400"),
    ]);
    await raw.waitClosed("refused PLAIN client");
    await eventAbout(s, raw, "handshake:error:auth");
    // An unknown user: refused too.
    const unknown = await s.client({ plainUsername: "root", plainPassword: "secret" });
    await sendIfPossible(unknown, "unknown user");
    await s.roundTrip("after");
    assert.ok(s.received.every((r) => r.userId === "admin"));
    assertOnlyExpected(s);
  });
});

test("attack 9b: a PLAIN server with no ZAP handler refuses every client", async () => {
  await withScene({ mechanism: "PLAIN", auth: false }, async (s) => {
    const c = await s.client({ plainUsername: "admin", plainPassword: "secret" });
    await sendIfPossible(c, "no handler");
    await waitEvents(
      s,
      (events) => events.some((e) => e.type === "handshake:error:auth"),
      "the refusal of the library client",
    );
    const raw = await s.raw();
    raw.write(cat(greeting("PLAIN"), plainHello("admin", "secret")));
    await raw.waitClosed("PLAIN client with no ZAP handler");
    await eventAbout(s, raw, "handshake:error:auth");
    assert.equal(s.events.filter((e) => e.type === "handshake").length, 0);
    assert.deepEqual(s.received, []);
  });
});

test("attack 10: a MESSAGE header announcing more than maxmsgsize closes before the body", async () => {
  await withScene({ maxmsgsize: 1000 }, async (s) => {
    await s.roundTrip("before");
    const raw = await s.raw();
    const d = await curveHandshake(raw, keyBytes(s.serverKeys.publicKey, curveKeyPair()));
    // At the limit: a 1000-byte part (its MESSAGE body is 1000 + 33 bytes) passes.
    const big = new Uint8Array(1000).fill(0x61);
    raw.write(boxRequest(d, big));
    const reply = await readReply(d);
    assert.deepEqual([reply.length, reply[1]!.length], [2, 1000]);
    // A box may hold a command of 64 KiB whatever maxmsgsize says (docs/wire.md §8.4), so a
    // header announcing more than 65536 + 33 bytes closes before the body arrives.
    raw.write(cat(new Uint8Array([0x02]), u64(65_536 + 33 + 1)));
    await Promise.all([raw.waitClosed("MESSAGE of 65570 bytes announced"), s.roundTrip("during")]);
    // A boxed part of 1001 bytes is unboxed, then refused by the part limit.
    const raw1 = await s.raw();
    const d1 = await curveHandshake(raw1, keyBytes(s.serverKeys.publicKey, curveKeyPair()));
    raw1.write(boxRequest(d1, new Uint8Array(1001).fill(0x62)));
    await raw1.waitClosed("a boxed part of 1001 bytes");
    // A huge size (2^40) on a fresh connection.
    const raw2 = await s.raw();
    await curveHandshake(raw2, keyBytes(s.serverKeys.publicKey, curveKeyPair()));
    raw2.write(cat(new Uint8Array([0x02]), u64(2 ** 40)));
    await raw2.waitClosed("MESSAGE of 2^40 bytes announced");
    const gone = await eventAbout(s, raw2, "disconnect");
    assert.ok(gone.type === "disconnect" && /limit|exceed/i.test(gone.cause), JSON.stringify(gone));
    await s.roundTrip("after");
    assertOnlyExpected(s, ["a".repeat(1000)]);
  });
});
