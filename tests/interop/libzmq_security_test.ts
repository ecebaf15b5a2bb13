/**
 * Interoperation of the PLAIN (ZeroMQ RFC 24) and CURVE (RFC 25/26) security mechanisms
 * and ZAP (RFC 27) with real libzmq: pyzmq (libzmq 4.3.4) and zeromq.js (libzmq 4.3.5),
 * each in its own child process, whose ZAP handler (an allow list bound at
 * inproc://zeromq.zap.01 in the peer) records every request it answers
 * (docs/security.md, docs/wire.md §8.3).
 *
 * The matrix: mechanism {PLAIN, CURVE} × our role {client, server} × peer {pyzmq,
 * zeromq.js} × outcome {accepted, refused by ZAP} × transport {tcp, ipc}. Accepted: REQ/REP
 * round trips; the libzmq handler saw our credentials, our
 * server's messages carry the ZAP user id (`User-Id`), our events report the mechanism.
 * Refused (wrong password, unlisted key): PUSH/PULL; nothing reaches the receiving side; a
 * refusal by our server shows as `handshake:error:auth`; our client refused by libzmq (ERROR
 * "400", malformed "^RROR" for PLAIN: docs/security.md §1) stops: the peer's handler sees one
 * request only. A libzmq client we refuse may reconnect (docs/wire.md §8.3): not counted.
 * Then PUSH/PULL accepted both ways (100 messages, one of 100 KiB); PUB/SUB under both
 * mechanisms, both directions (CURVE: the subscription encrypted); wrong server keys
 * both ways (our server keeps serving a good client meanwhile); a PLAIN client against a
 * libzmq CURVE server; the callback form and the address lists of our `Authenticator`; our
 * key helpers against libzmq's keys; and a self-check of the two peers among themselves
 * (when it fails, the peer scripts are at fault, not our engine).
 *
 * Every receive is bounded (5 s); a receive that must get nothing waits a shorter, fixed
 * window once the refusal has been seen. Cases whose peer cannot run are skipped, the
 * reason written.
 *
 * Runs on: the test runner's main thread (Deno or Bun); the libzmq peers run in Node and
 * Python child processes.
 */
import {
  Authenticator,
  Context,
  curveKeyPair,
  curvePublicKey,
  type Socket,
  type SocketEvent,
  type SocketOptions,
  XsError,
} from "../../mod.ts";
import { assert, delay, removeDir, tempDir, test, waitFor } from "../_harness.ts";
import { fromB64, type PeerKind, peerSkips, startPeer, toB64, type ZmqPeer } from "./_peer.ts";

const SKIP = await peerSkips();
const PEERS = ["pyzmq", "zeromq.js"] as const;
const MECHANISMS = ["PLAIN", "CURVE"] as const;
type Mechanism = typeof MECHANISMS[number];
type Transport = "tcp" | "ipc";
/** Bound of every receive that should get something, ms. */
const RECV_MS = 5_000;
/** How long a receive must stay empty once a refusal was seen, ms. */
const QUIET_MS = 500;
/** How long a refused client of ours is watched for a second attempt, ms. */
const STOP_MS = 1_500;
/** The ZAP domain every server here sets. */
const DOMAIN = "global";
/** Options of every socket of ours: nothing lingers past the case. */
const BASE: SocketOptions = { linger: 0 };
const enc = new TextEncoder(), dec = new TextDecoder();
const b64 = (s: string) => toB64(enc.encode(s));
/** The parts of a peer's reply as text. */
const peerTexts = (r: { parts: string[] }) => r.parts.map((p) => dec.decode(fromB64(p)));

/** One request the peer's ZAP handler answered (see the zapRequests command of the peers). */
interface ZapRecord {
  version: string;
  requestId: string;
  domain: string;
  address: string;
  mechanism: string;
  credentials: string[];
  status: string;
  userId: string;
}

/** One case's world: a context of ours and a libzmq peer; torn down in order, bounded. */
interface Scene {
  ctx: Context;
  peer: ZmqPeer;
  kind: PeerKind;
  /** Registers an Authenticator of `ctx`, closed after the case's sockets. */
  track(auth: Authenticator): Authenticator;
  /** An endpoint to bind: tcp on a free port, or ipc in a fresh directory. */
  endpoint(t: Transport): string;
}

async function withScene(kind: PeerKind, fn: (s: Scene) => Promise<void>) {
  const ctx = new Context();
  const peer = startPeer(kind);
  const auths: Authenticator[] = [];
  const dirs: string[] = [];
  try {
    await fn({
      ctx,
      peer,
      kind,
      track: (a) => (auths.push(a), a),
      endpoint: (t) => {
        if (t === "tcp") return "tcp://127.0.0.1:*";
        const dir = tempDir();
        dirs.push(dir);
        return `ipc://${dir}/security.sock`;
      },
    });
  } finally {
    // fn's sockets are closed already (`using`); the handlers go before the context.
    for (const a of auths) await a.close();
    await peer.close();
    await ctx.term();
    for (const d of dirs) removeDir(d);
  }
}

/** Records every event of `s` from now on (read `s.events` before bind/connect). */
function recordEvents(s: Socket): SocketEvent[] {
  const log: SocketEvent[] = [];
  const events = s.events;
  (async () => {
    for await (const ev of events) log.push(ev);
  })().catch(() => {}); // ends with the socket's `end`
  return log;
}

/** Waits (bounded) until `log` has an event whose type starts with `prefix`. */
async function eventSeen(log: SocketEvent[], prefix: string, what: string) {
  await waitFor(() => log.some((e) => e.type.startsWith(prefix)), RECV_MS, what);
}

/** The mechanism of the first successful handshake in `log`, or null. */
function handshakeMechanism(log: SocketEvent[]): string | null {
  for (const e of log) if (e.type === "handshake") return e.mechanism;
  return null;
}

/** Asserts that `p` (a bounded receive or send) ends in EAGAIN: nothing passed. */
async function assertEAGAIN(p: Promise<unknown>, what: string) {
  try {
    await p;
  } catch (e) {
    if (e instanceof XsError && e.code === "EAGAIN") return;
    throw e;
  }
  assert.fail(`${what}: a message passed`);
}

/** Sends, bounded by `ms`; a send that times out (no usable connection) is not an error. */
async function sendIfPossible(s: Socket<"PUSH" | "REQ">, text: string, ms = QUIET_MS) {
  try {
    await s.send(text, { timeout: ms });
  } catch (e) {
    if (!(e instanceof XsError && e.code === "EAGAIN")) throw e;
  }
}

/** Asserts that the peer's socket `id` receives nothing within QUIET_MS. */
async function assertPeerGetsNothing(peer: ZmqPeer, id: string, what: string) {
  const r = await peer.raw({ op: "recv", id, timeout: QUIET_MS });
  assert.equal(r.ok ? `got ${JSON.stringify(peerTexts(r))}` : r.error, "EAGAIN", what);
}

/** The requests the peer's ZAP handler answered so far. */
async function zapRequests(peer: ZmqPeer): Promise<ZapRecord[]> {
  return (await peer.cmd({ op: "zapRequests" })).requests;
}

/** The events the peer recorded on its socket `id` (after its `monitor` command). */
async function peerEvents(peer: ZmqPeer, id: string): Promise<{ type: string }[]> {
  return (await peer.cmd({ op: "events", id })).events;
}

/** The `User-Id` property of a message received through a secured connection. */
const userIdOf = (msg: Uint8Array[] & { properties?: Record<string, string> }) =>
  msg.properties?.["User-Id"];

/** A key pair in Z85 made by the libzmq peer. */
async function peerKeyPair(peer: ZmqPeer): Promise<{ publicKey: string; secretKey: string }> {
  const { publicKey, secretKey } = await peer.cmd({ op: "curveKeypair" });
  return { publicKey, secretKey };
}

/**
 * The credentials of one case, for one mechanism: the server options on both sides (ours:
 * `SocketOptions`, the peer's: zeromq.js names), a good and a bad client on both sides,
 * the allow lists (of our Authenticator and of the peer's handler) that admit exactly the
 * good clients, and what the peer's handler should record of our clients.
 */
interface Creds {
  mechanism: Mechanism;
  ourServer: SocketOptions;
  peerServer: Record<string, unknown>;
  ourClient: { good: SocketOptions; bad: SocketOptions };
  peerClient: { good: Record<string, unknown>; bad: Record<string, unknown> };
  /** Admits the peer's good client in our Authenticator. */
  allow(auth: Authenticator): void;
  /** The zapStart command that admits our good client in the peer's handler. */
  peerZap: Record<string, unknown>;
  /** The user id our server should report for the peer's good client. */
  peerUserId: string;
  /** The credentials the peer's handler should record for our clients. */
  ourCredentials: { good: string[]; bad: string[] };
}

async function makeCreds(mechanism: Mechanism, peer: ZmqPeer): Promise<Creds> {
  if (mechanism === "PLAIN") {
    const good = { plainUsername: "admin", plainPassword: "secret" };
    const bad = { plainUsername: "admin", plainPassword: "wrong" };
    return {
      mechanism,
      ourServer: { ...BASE, plainServer: true, zapDomain: DOMAIN },
      peerServer: { plainServer: true, zapDomain: DOMAIN },
      ourClient: { good: { ...BASE, ...good }, bad: { ...BASE, ...bad } },
      peerClient: { good, bad },
      allow: (auth) => auth.allowPlain({ admin: "secret" }),
      peerZap: { op: "zapStart", users: { admin: "secret" } },
      peerUserId: "admin",
      ourCredentials: { good: ["admin", "secret"], bad: ["admin", "wrong"] },
    };
  }
  // Our keys come from our generator, the peer's from libzmq's.
  const ourServer = curveKeyPair(), ourGood = curveKeyPair(), ourBad = curveKeyPair();
  const peerServer = await peerKeyPair(peer);
  const peerGood = await peerKeyPair(peer), peerBad = await peerKeyPair(peer);
  const client = (server: string, k: { publicKey: string; secretKey: string }) => ({
    curveServerKey: server,
    curvePublicKey: k.publicKey,
    curveSecretKey: k.secretKey,
  });
  return {
    mechanism,
    ourServer: {
      ...BASE,
      curveServer: true,
      curvePublicKey: ourServer.publicKey,
      curveSecretKey: ourServer.secretKey,
      zapDomain: DOMAIN,
    },
    peerServer: {
      curveServer: true,
      curvePublicKey: peerServer.publicKey,
      curveSecretKey: peerServer.secretKey,
      zapDomain: DOMAIN,
    },
    ourClient: {
      good: { ...BASE, ...client(peerServer.publicKey, ourGood) },
      bad: { ...BASE, ...client(peerServer.publicKey, ourBad) },
    },
    peerClient: {
      good: client(ourServer.publicKey, peerGood),
      bad: client(ourServer.publicKey, peerBad),
    },
    allow: (auth) => auth.allowCurve([peerGood.publicKey]),
    peerZap: { op: "zapStart", curveKeys: [ourGood.publicKey] },
    // As libzmq's own authenticators (pyzmq, CZMQ's zauth): the client's key in Z85.
    peerUserId: peerGood.publicKey,
    ourCredentials: { good: [ourGood.publicKey], bad: [ourBad.publicKey] },
  };
}

/** Accepted, our client: our REQ ↔ a libzmq REP server whose handler admits us. */
async function ourClientAccepted(s: Scene, mechanism: Mechanism, t: Transport) {
  const { peer } = s;
  const c = await makeCreds(mechanism, peer);
  await peer.cmd(c.peerZap);
  await peer.cmd({ op: "socket", id: "rep", type: "REP", options: c.peerServer });
  const { endpoint } = await peer.cmd({ op: "bind", id: "rep", endpoint: s.endpoint(t) });
  using req = s.ctx.socket("REQ", c.ourClient.good);
  const log = recordEvents(req);
  await req.connect(endpoint);
  for (let i = 0; i < 3; i++) {
    await req.send(["question", `${i}`], { timeout: RECV_MS });
    const q = await peer.cmd({ op: "recv", id: "rep", timeout: RECV_MS });
    assert.deepEqual(peerTexts(q), ["question", `${i}`], `request ${i} at libzmq`);
    await peer.cmd({ op: "send", id: "rep", parts: [b64("answer"), b64(`${i}`)] });
    const a = await req.receive({ timeout: RECV_MS });
    assert.deepEqual(a.map((p) => dec.decode(p)), ["answer", `${i}`], `reply ${i} at ours`);
  }
  const reqs = await zapRequests(peer);
  assert.equal(reqs.length, 1, `one ZAP request: ${JSON.stringify(reqs)}`);
  const r = reqs[0]!;
  assert.deepEqual(
    [r.version, r.mechanism, r.domain, r.credentials, r.status],
    ["1.0", mechanism, DOMAIN, c.ourCredentials.good, "200"],
  );
  if (t === "tcp") assert.equal(r.address, "127.0.0.1");
  assert.equal(handshakeMechanism(log), mechanism, "our handshake event");
}

/** Refused, our client: our PUSH → a libzmq PULL server whose handler says 400. */
async function ourClientRefused(s: Scene, mechanism: Mechanism, t: Transport) {
  const { peer } = s;
  const c = await makeCreds(mechanism, peer);
  await peer.cmd(c.peerZap);
  await peer.cmd({ op: "socket", id: "pull", type: "PULL", options: c.peerServer });
  const { endpoint } = await peer.cmd({ op: "bind", id: "pull", endpoint: s.endpoint(t) });
  using push = s.ctx.socket("PUSH", c.ourClient.bad);
  const log = recordEvents(push);
  await push.connect(endpoint);
  await sendIfPossible(push, "must not pass");
  await waitFor(async () => (await zapRequests(peer)).length > 0, RECV_MS, "a ZAP request");
  await delay(STOP_MS); // a scenario delay: the window in which a retry would show
  const reqs = await zapRequests(peer);
  assert.equal(
    reqs.length,
    1,
    `our refused client tried again: ${reqs.length} ZAP requests (${
      reqs.map((r) => r.status).join(" ")
    }) in the ${STOP_MS} ms watched`,
  );
  assert.deepEqual(
    [reqs[0]!.mechanism, reqs[0]!.credentials, reqs[0]!.status],
    [mechanism, c.ourCredentials.bad, "400"],
  );
  await assertPeerGetsNothing(peer, "pull", "the refused client's message");
  assert.equal(handshakeMechanism(log), null, "no handshake succeeded");
}

/** Accepted, our server: a libzmq REQ client ↔ our REP, whose Authenticator admits it. */
async function ourServerAccepted(s: Scene, mechanism: Mechanism, t: Transport) {
  const { peer } = s;
  const c = await makeCreds(mechanism, peer);
  c.allow(s.track(new Authenticator(s.ctx)));
  using rep = s.ctx.socket("REP", c.ourServer);
  const log = recordEvents(rep);
  await rep.bind(s.endpoint(t));
  await peer.cmd({ op: "socket", id: "req", type: "REQ", options: c.peerClient.good });
  await peer.cmd({ op: "connect", id: "req", endpoint: rep.lastEndpoint });
  for (let i = 0; i < 3; i++) {
    await peer.cmd({ op: "send", id: "req", parts: [b64("question"), b64(`${i}`)] });
    const q = await rep.receive({ timeout: RECV_MS });
    assert.deepEqual(q.map((p) => dec.decode(p)), ["question", `${i}`], `request ${i} at ours`);
    assert.equal(userIdOf(q), c.peerUserId, "User-Id of the request");
    await rep.send(["answer", `${i}`]);
    const a = await peer.cmd({ op: "recv", id: "req", timeout: RECV_MS });
    assert.deepEqual(peerTexts(a), ["answer", `${i}`], `reply ${i} at libzmq`);
  }
  assert.equal(handshakeMechanism(log), mechanism, "our handshake event");
}

/** Refused, our server: a libzmq PUSH client with bad credentials → our PULL. */
async function ourServerRefused(s: Scene, mechanism: Mechanism, t: Transport) {
  const { peer } = s;
  const c = await makeCreds(mechanism, peer);
  c.allow(s.track(new Authenticator(s.ctx)));
  using pull = s.ctx.socket("PULL", c.ourServer);
  const log = recordEvents(pull);
  await pull.bind(s.endpoint(t));
  await peer.cmd({ op: "socket", id: "push", type: "PUSH", options: c.peerClient.bad });
  await peer.cmd({ op: "connect", id: "push", endpoint: pull.lastEndpoint });
  await peer.cmd({ op: "send", id: "push", parts: [b64("must not pass")] }); // queued by libzmq
  await eventSeen(log, "handshake:error:auth", "our handshake:error:auth");
  await assertEAGAIN(pull.receive({ timeout: QUIET_MS }), "the refused client's message");
  assert.equal(handshakeMechanism(log), null, "no handshake succeeded");
}

/**
 * Accepted, PUSH/PULL both ways: a libzmq PUSH → our PULL server (its Authenticator admits
 * it), then our PUSH → the libzmq PULL server (its handler admits us); 100 numbered
 * messages each way, one of them 100 KiB.
 */
async function pushPullAccepted(s: Scene, mechanism: Mechanism, t: Transport) {
  const { peer } = s;
  const c = await makeCreds(mechanism, peer);
  c.allow(s.track(new Authenticator(s.ctx)));
  await peer.cmd(c.peerZap);
  const big = "x".repeat(100 * 1024);
  const body = (i: number) => (i === 50 ? big : `m${i}`);
  using pull = s.ctx.socket("PULL", c.ourServer);
  await pull.bind(s.endpoint(t));
  await peer.cmd({ op: "socket", id: "push", type: "PUSH", options: c.peerClient.good });
  await peer.cmd({ op: "connect", id: "push", endpoint: pull.lastEndpoint });
  await peer.cmd({
    op: "sendMany",
    id: "push",
    messages: Array.from({ length: 100 }, (_, i) => [b64(body(i))]),
  });
  for (let i = 0; i < 100; i++) {
    const m = await pull.receive({ timeout: RECV_MS });
    assert.equal(dec.decode(m[0]!), body(i), `message ${i} at ours`);
    assert.equal(userIdOf(m), c.peerUserId, "User-Id");
  }
  await peer.cmd({ op: "socket", id: "pull", type: "PULL", options: c.peerServer });
  const { endpoint } = await peer.cmd({ op: "bind", id: "pull", endpoint: s.endpoint(t) });
  using push = s.ctx.socket("PUSH", c.ourClient.good);
  await push.connect(endpoint);
  for (let i = 0; i < 100; i++) await push.send(body(i), { timeout: RECV_MS });
  for (let i = 0; i < 100; i++) {
    const m = await peer.cmd({ op: "recv", id: "pull", timeout: RECV_MS });
    assert.equal(peerTexts(m)[0], body(i), `message ${i} at libzmq`);
  }
}

// The matrix: mechanism × peer × transport × our role × accepted or refused by ZAP.
for (const mechanism of MECHANISMS) {
  for (const kind of PEERS) {
    for (const t of ["tcp", "ipc"] as const) {
      const opts = { skip: SKIP[kind] };
      test(
        `${mechanism} (${kind}): our client is accepted by a libzmq server's ZAP, REQ/REP over ${t}`,
        () => withScene(kind, (s) => ourClientAccepted(s, mechanism, t)),
        opts,
      );
      test(
        `${mechanism} (${kind}): our client refused by a libzmq server's ZAP stops, PUSH/PULL over ${t}`,
        () => withScene(kind, (s) => ourClientRefused(s, mechanism, t)),
        opts,
      );
      test(
        `${mechanism} (${kind}): our server's Authenticator accepts a libzmq client, REQ/REP over ${t}`,
        () => withScene(kind, (s) => ourServerAccepted(s, mechanism, t)),
        opts,
      );
      test(
        `${mechanism} (${kind}): our server's Authenticator refuses a libzmq client, PUSH/PULL over ${t}`,
        () => withScene(kind, (s) => ourServerRefused(s, mechanism, t)),
        opts,
      );
    }
    test(
      `${mechanism} (${kind}): PUSH/PULL both ways, accepted, 100 messages each way over tcp`,
      () => withScene(kind, (s) => pushPullAccepted(s, mechanism, "tcp")),
      { skip: SKIP[kind] },
    );
  }
}

for (const [kind, mechanism] of PEERS.flatMap((k) => MECHANISMS.map((m) => [k, m] as const))) {
  const opts = { skip: SKIP[kind] };

  test(
    `${mechanism} (${kind}): our SUB subscribes to "a" through a libzmq PUB, ${
      mechanism === "CURVE" ? "encrypted" : "logged in"
    }`,
    () =>
      withScene(kind, async (s) => {
        const { peer } = s;
        const c = await makeCreds(mechanism, peer);
        await peer.cmd(c.peerZap);
        await peer.cmd({ op: "socket", id: "pub", type: "PUB", options: c.peerServer });
        const { endpoint } = await peer.cmd({ op: "bind", id: "pub", endpoint: s.endpoint("tcp") });
        using sub = s.ctx.socket("SUB", c.ourClient.good);
        sub.subscribe("a");
        await sub.connect(endpoint);
        // The subscription travels in a CURVE MESSAGE: publish probes until one arrives.
        const end = Date.now() + RECV_MS;
        for (;;) {
          await peer.cmd({ op: "send", id: "pub", parts: [b64("a-sync")] });
          const m = await sub.receive({ timeout: 100 }).catch((e) => {
            if (e instanceof XsError && e.code === "EAGAIN" && Date.now() < end) return null;
            throw e;
          });
          if (m) break;
        }
        await peer.cmd({
          op: "sendMany",
          id: "pub",
          messages: [["b1"], ["a1", "tail"], ["ba"], ["a2"]].map((m) => m.map(b64)),
        });
        const got: string[] = [];
        while (got.length < 2) {
          const m = (await sub.receive({ timeout: RECV_MS })).map((p) => dec.decode(p)).join("|");
          if (m !== "a-sync") got.push(m);
        }
        assert.deepEqual(got, ["a1|tail", "a2"]);
        await assertEAGAIN(sub.receive({ timeout: QUIET_MS }), "a message without the prefix");
        const reqs = await zapRequests(peer);
        assert.deepEqual(reqs.map((r) => r.credentials), [c.ourCredentials.good]);
      }),
    opts,
  );

  test(
    `${mechanism} (${kind}): our PUB sends a libzmq SUB only its prefix "a", ${
      mechanism === "CURVE" ? "encrypted" : "logged in"
    }`,
    () =>
      withScene(kind, async (s) => {
        const { peer } = s;
        const c = await makeCreds(mechanism, peer);
        c.allow(s.track(new Authenticator(s.ctx)));
        using pub = s.ctx.socket("PUB", c.ourServer);
        await pub.bind(s.endpoint("tcp"));
        await peer.cmd({ op: "socket", id: "sub", type: "SUB", options: c.peerClient.good });
        await peer.cmd({ op: "subscribe", id: "sub", prefix: b64("a") });
        await peer.cmd({ op: "connect", id: "sub", endpoint: pub.lastEndpoint });
        const end = Date.now() + RECV_MS;
        for (;;) {
          await pub.send("a-sync");
          if ((await peer.raw({ op: "recv", id: "sub", timeout: 100 })).ok) break;
          assert.ok(Date.now() < end, "the libzmq SUB's subscription never reached our PUB");
        }
        await pub.send("b1");
        await pub.send(["a1", "tail"]);
        await pub.send("ba");
        await pub.send("a2");
        const got: string[] = [];
        while (got.length < 2) {
          const m = peerTexts(await peer.cmd({ op: "recv", id: "sub", timeout: RECV_MS })).join(
            "|",
          );
          if (m !== "a-sync") got.push(m);
        }
        assert.deepEqual(got, ["a1|tail", "a2"]);
        await assertPeerGetsNothing(peer, "sub", "a message without the prefix");
      }),
    opts,
  );
}

for (const kind of PEERS) {
  const opts = { skip: SKIP[kind] };

  test(
    `CURVE (${kind}): our client with a wrong server key gets nothing through`,
    () =>
      withScene(kind, async (s) => {
        const { peer } = s;
        const c = await makeCreds("CURVE", peer);
        await peer.cmd({ op: "zapStart", curveKeys: "*" });
        await peer.cmd({ op: "socket", id: "pull", type: "PULL", options: c.peerServer });
        await peer.cmd({ op: "monitor", id: "pull" });
        const { endpoint } = await peer.cmd({
          op: "bind",
          id: "pull",
          endpoint: s.endpoint("tcp"),
        });
        using push = s.ctx.socket("PUSH", {
          ...c.ourClient.good,
          curveServerKey: curveKeyPair().publicKey, // not the server's
        });
        const log = recordEvents(push);
        await push.connect(endpoint);
        await sendIfPossible(push, "must not pass");
        // libzmq cannot open our HELLO's box: a handshake error on its side, before ZAP.
        await waitFor(
          async () => (await peerEvents(peer, "pull")).some((e) => e.type.startsWith("handshake:")),
          RECV_MS,
          "libzmq's handshake error",
        );
        await assertPeerGetsNothing(peer, "pull", "the message of our client");
        const theirs = await peerEvents(peer, "pull");
        assert.ok(!theirs.some((e) => e.type === "handshake"), JSON.stringify(theirs));
        assert.deepEqual(await zapRequests(peer), [], "the handshake never got to ZAP");
        assert.equal(handshakeMechanism(log), null, "no handshake succeeded");
      }),
    opts,
  );

  test(
    `CURVE (${kind}): a libzmq client with a wrong server key fails while our server serves a good one`,
    () =>
      withScene(kind, async (s) => {
        const { peer } = s;
        const c = await makeCreds("CURVE", peer);
        s.track(new Authenticator(s.ctx)).allowCurve("*");
        using rep = s.ctx.socket("REP", c.ourServer);
        const log = recordEvents(rep);
        await rep.bind(s.endpoint("tcp"));
        const wrong = { ...c.peerClient.good, curveServerKey: (await peerKeyPair(peer)).publicKey };
        await peer.cmd({ op: "socket", id: "bad", type: "REQ", options: wrong });
        await peer.cmd({ op: "monitor", id: "bad" });
        await peer.cmd({ op: "connect", id: "bad", endpoint: rep.lastEndpoint });
        await peer.cmd({ op: "send", id: "bad", parts: [b64("bad")] }); // queued by libzmq
        await eventSeen(log, "handshake:error", "our handshake error for the wrong key");
        // libzmq keeps reconnecting the bad one meanwhile (docs/wire.md §8.3).
        await peer.cmd({ op: "socket", id: "good", type: "REQ", options: c.peerClient.good });
        await peer.cmd({ op: "connect", id: "good", endpoint: rep.lastEndpoint });
        await peer.cmd({ op: "send", id: "good", parts: [b64("good")] });
        const q = await rep.receive({ timeout: RECV_MS });
        assert.deepEqual(q.map((p) => dec.decode(p)), ["good"]);
        await rep.send("served");
        const a = await peer.cmd({ op: "recv", id: "good", timeout: RECV_MS });
        assert.deepEqual(peerTexts(a), ["served"]);
        await assertEAGAIN(rep.receive({ timeout: QUIET_MS }), "the wrong-key client's request");
        const theirs = await peerEvents(peer, "bad");
        assert.ok(theirs.some((e) => e.type === "connect"), "the bad client did connect");
        assert.ok(!theirs.some((e) => e.type === "handshake"), JSON.stringify(theirs));
      }),
    opts,
  );

  test(
    `CURVE (${kind}): our PLAIN client gets nothing from a libzmq CURVE server, which serves a good client`,
    () =>
      withScene(kind, async (s) => {
        const { peer } = s;
        const c = await makeCreds("CURVE", peer);
        await peer.cmd(c.peerZap);
        await peer.cmd({ op: "socket", id: "rep", type: "REP", options: c.peerServer });
        const { endpoint } = await peer.cmd({ op: "bind", id: "rep", endpoint: s.endpoint("tcp") });
        using plain = s.ctx.socket("REQ", { ...BASE, plainUsername: "admin", plainPassword: "x" });
        const plainLog = recordEvents(plain);
        await plain.connect(endpoint);
        await sendIfPossible(plain, "plain");
        using good = s.ctx.socket("REQ", c.ourClient.good);
        await good.connect(endpoint);
        await good.send("curve", { timeout: RECV_MS });
        const q = await peer.cmd({ op: "recv", id: "rep", timeout: RECV_MS });
        assert.deepEqual(peerTexts(q), ["curve"], "the CURVE client's request comes first");
        await peer.cmd({ op: "send", id: "rep", parts: [b64("served")] });
        assert.equal(dec.decode((await good.receive({ timeout: RECV_MS }))[0]), "served");
        await assertPeerGetsNothing(peer, "rep", "the PLAIN client's request");
        const reqs = await zapRequests(peer);
        assert.ok(
          reqs.length >= 1 && reqs.every((r) => r.mechanism === "CURVE"),
          "ZAP saw CURVE only",
        );
        assert.equal(handshakeMechanism(plainLog), null, "the PLAIN client never got through");
      }),
    opts,
  );

  test(
    `CURVE (${kind}): our key helpers agree with libzmq's keys`,
    () =>
      withScene(kind, async (s) => {
        const theirs = await peerKeyPair(s.peer);
        assert.equal(curvePublicKey(theirs.secretKey), theirs.publicKey, "libzmq's pair");
        const ours = curveKeyPair();
        assert.equal(ours.publicKey.length, 40);
        assert.equal(ours.secretKey.length, 40);
        assert.equal(curvePublicKey(ours.secretKey), ours.publicKey, "our pair");
        assert.notEqual(curveKeyPair().secretKey, ours.secretKey, "fresh pairs differ");
        // The pair of libzmq's zmq_curve(7) manual (docs/security.md §1).
        assert.equal(
          curvePublicKey("JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"),
          "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
        );
      }),
    opts,
  );
}

test(
  "PLAIN (zeromq.js): our Authenticator's callback admits admin and refuses eve, at once",
  () =>
    withScene("zeromq.js", async (s) => {
      const { peer } = s;
      s.track(
        new Authenticator(s.ctx, {
          handler: (req) =>
            req.mechanism === "PLAIN" && req.username === "admin" ? { userId: "admin" } : false,
        }),
      );
      using rep = s.ctx.socket("REP", { ...BASE, plainServer: true, zapDomain: DOMAIN });
      const log = recordEvents(rep);
      await rep.bind(s.endpoint("tcp"));
      const eve = { plainUsername: "eve", plainPassword: "secret" };
      await peer.cmd({ op: "socket", id: "eve", type: "REQ", options: eve });
      await peer.cmd({ op: "connect", id: "eve", endpoint: rep.lastEndpoint });
      await peer.cmd({ op: "send", id: "eve", parts: [b64("from eve")] });
      const admin = { plainUsername: "admin", plainPassword: "secret" };
      await peer.cmd({ op: "socket", id: "admin", type: "REQ", options: admin });
      await peer.cmd({ op: "connect", id: "admin", endpoint: rep.lastEndpoint });
      await peer.cmd({ op: "send", id: "admin", parts: [b64("from admin")] });
      const q = await rep.receive({ timeout: RECV_MS });
      assert.deepEqual(q.map((p) => dec.decode(p)), ["from admin"]);
      assert.equal(userIdOf(q), "admin");
      await rep.send("ok");
      assert.deepEqual(peerTexts(await peer.cmd({ op: "recv", id: "admin" })), ["ok"]);
      await eventSeen(log, "handshake:error:auth", "eve refused");
      await assertEAGAIN(rep.receive({ timeout: QUIET_MS }), "eve's request");
    }),
  { skip: SKIP["zeromq.js"] },
);

for (const listed of ["allow", "deny"] as const) {
  test(
    `PLAIN (pyzmq): our Authenticator with 127.0.0.1 in its ${listed} list ${
      listed === "allow" ? "admits" : "refuses"
    } a good client`,
    () =>
      withScene("pyzmq", async (s) => {
        const { peer } = s;
        const auth = s.track(new Authenticator(s.ctx));
        auth.allowPlain({ admin: "secret" });
        if (listed === "allow") auth.allow(["127.0.0.1"]);
        else auth.deny(["127.0.0.1"]);
        using pull = s.ctx.socket("PULL", { ...BASE, plainServer: true, zapDomain: DOMAIN });
        const log = recordEvents(pull);
        await pull.bind(s.endpoint("tcp"));
        const good = { plainUsername: "admin", plainPassword: "secret" };
        await peer.cmd({ op: "socket", id: "push", type: "PUSH", options: good });
        await peer.cmd({ op: "connect", id: "push", endpoint: pull.lastEndpoint });
        await peer.cmd({ op: "send", id: "push", parts: [b64("hello")] });
        if (listed === "allow") {
          assert.equal(dec.decode((await pull.receive({ timeout: RECV_MS }))[0]), "hello");
        } else {
          await eventSeen(log, "handshake:error:auth", "the denied address refused");
          await assertEAGAIN(pull.receive({ timeout: QUIET_MS }), "the denied client's message");
        }
      }),
    { skip: SKIP.pyzmq },
  );
}

test(
  "libzmq peers among themselves: PLAIN and CURVE through their ZAP handlers, pyzmq ⇄ zeromq.js",
  async () => {
    // When this fails, the peer scripts are at fault, not our engine.
    const js = startPeer("zeromq.js"), py = startPeer("pyzmq");
    try {
      // PLAIN: a pyzmq REQ client, a zeromq.js REP server.
      await js.cmd({ op: "zapStart", users: { admin: "secret" } });
      await js.cmd({ op: "socket", id: "rep", type: "REP", options: { plainServer: true } });
      const ep1 = (await js.cmd({ op: "bind", id: "rep", endpoint: "tcp://127.0.0.1:*" })).endpoint;
      const admin = { plainUsername: "admin", plainPassword: "secret" };
      await py.cmd({ op: "socket", id: "req", type: "REQ", options: admin });
      await py.cmd({ op: "connect", id: "req", endpoint: ep1 });
      await py.cmd({ op: "send", id: "req", parts: [b64("ping")] });
      assert.deepEqual(peerTexts(await js.cmd({ op: "recv", id: "rep" })), ["ping"]);
      await js.cmd({ op: "send", id: "rep", parts: [b64("pong")] });
      assert.deepEqual(peerTexts(await py.cmd({ op: "recv", id: "req" })), ["pong"]);
      const r1 = await zapRequests(js);
      assert.deepEqual(r1.map((r) => [r.mechanism, r.credentials, r.status, r.userId]), [
        ["PLAIN", ["admin", "secret"], "200", "admin"],
      ]);
      // CURVE: a zeromq.js PUSH client, a pyzmq PULL server; then an unlisted client.
      const server = await peerKeyPair(py), client = await peerKeyPair(js);
      const other = await peerKeyPair(js);
      await py.cmd({ op: "zapStart", curveKeys: [client.publicKey] });
      await py.cmd({
        op: "socket",
        id: "pull",
        type: "PULL",
        options: { curveServer: true, ...curveOf(server) },
      });
      const ep2 = (await py.cmd({ op: "bind", id: "pull", endpoint: "tcp://127.0.0.1:*" }))
        .endpoint;
      const push = { curveServerKey: server.publicKey, ...curveOf(client) };
      await js.cmd({ op: "socket", id: "push", type: "PUSH", options: push });
      await js.cmd({ op: "connect", id: "push", endpoint: ep2 });
      await js.cmd({ op: "send", id: "push", parts: [b64("sealed")] });
      assert.deepEqual(peerTexts(await py.cmd({ op: "recv", id: "pull" })), ["sealed"]);
      const unlisted = { curveServerKey: server.publicKey, ...curveOf(other) };
      await js.cmd({ op: "socket", id: "bad", type: "PUSH", options: unlisted });
      await js.cmd({ op: "monitor", id: "bad" });
      await js.cmd({ op: "connect", id: "bad", endpoint: ep2 });
      await js.cmd({ op: "send", id: "bad", parts: [b64("must not pass")] });
      await waitFor(
        async () => (await peerEvents(js, "bad")).some((e) => e.type === "handshake:error:auth"),
        RECV_MS,
        "the unlisted client's auth error",
      );
      await assertPeerGetsNothing(py, "pull", "the unlisted client's message");
      const r2 = await zapRequests(py);
      assert.deepEqual(r2.map((r) => [r.mechanism, r.credentials[0], r.status]), [
        ["CURVE", client.publicKey, "200"],
        ["CURVE", other.publicKey, "400"],
      ]);
    } finally {
      await js.close();
      await py.close();
    }
  },
  { skip: SKIP.pyzmq || SKIP["zeromq.js"] },
);

/** The zeromq.js options of a key pair. */
function curveOf(k: { publicKey: string; secretKey: string }) {
  return { curvePublicKey: k.publicKey, curveSecretKey: k.secretKey };
}

for (const kind of PEERS) {
  for (const pinger of ["ours", "libzmq"] as const) {
    test(
      `CURVE (${kind}): ${pinger === "ours" ? "our" : "libzmq's"} PINGs, boxed, are answered`,
      () =>
        withScene(kind, async (s) => {
          // Only one side pings, and neither sends anything else meanwhile: the connection
          // lives only if the PINGs it boxes (inner COMMAND flag, docs/security.md §6.5)
          // are read as PINGs and the PONGs come back boxed the same way; else the pinger's
          // heartbeat timeout (300 ms) closes it.
          const { peer } = s;
          const c = await makeCreds("CURVE", peer);
          c.allow(s.track(new Authenticator(s.ctx)));
          const ours = pinger === "ours" ? { heartbeatIvl: 100, heartbeatTimeout: 300 } : {};
          const theirs = pinger === "libzmq"
            ? { heartbeatInterval: 100, heartbeatTimeout: 300 }
            : {};
          using pull = s.ctx.socket("PULL", { ...c.ourServer, ...ours });
          const log = recordEvents(pull);
          await pull.bind(s.endpoint("tcp"));
          await peer.cmd({
            op: "socket",
            id: "push",
            type: "PUSH",
            options: { ...c.peerClient.good, ...theirs },
          });
          await peer.cmd({ op: "monitor", id: "push" });
          await peer.cmd({ op: "connect", id: "push", endpoint: pull.lastEndpoint });
          await peer.cmd({ op: "send", id: "push", parts: [b64("before")] });
          assert.equal(dec.decode((await pull.receive({ timeout: RECV_MS }))[0]!), "before");
          await delay(1_500); // a scenario delay: fifteen intervals, five timeouts
          await peer.cmd({ op: "send", id: "push", parts: [b64("after")] });
          assert.equal(dec.decode((await pull.receive({ timeout: RECV_MS }))[0]!), "after");
          const mine = log.map((e) => e.type);
          assert.equal(mine.filter((t) => t === "handshake").length, 1, mine.join(" "));
          assert.ok(!mine.includes("disconnect"), `our side dropped it: ${mine.join(" ")}`);
          const peers = (await peerEvents(peer, "push")).map((e) => e.type);
          assert.ok(!peers.includes("disconnect"), `libzmq dropped it: ${peers.join(" ")}`);
        }),
      { skip: SKIP[kind] },
    );
  }
}
