/**
 * CURVE and PLAIN between separate processes (ZeroMQ RFC 24/25/26 with ZAP, RFC 27): each
 * peer is `_peer.ts` in its own OS process on the runtime running the test, the server
 * with its own `Authenticator` (`auth` in the peer's config).
 *
 * (a) A CURVE REP (echo) that lets in one client key, and a CURVE REQ that makes 2,000
 *     requests shaped by a plan with 0-byte, 255- and 256-byte (the short/long frame
 *     boundary) and 100 KiB parts, each reply checked for order, parts and content.
 * (b) The same over PLAIN, the user and password checked by the server's handler.
 * (c) Clients SIGKILLed in the middle of their stream (one proven to be streaming: the
 *     server got its messages) and right after their connect (most often in the handshake),
 *     while another client process streams 2,000 messages to the same PULL server: every
 *     one of its messages arrives whole, some of them after the kills, and the server ends
 *     cleanly.
 * (d) A client whose key (or password) the server's handler does not allow gets no reply,
 *     while an allowed client in another process completes its 500 requests.
 *
 * Every wait on a peer is bounded; each case within 60 s.
 *
 * Runs on: the test runner's main thread; the peers in their own processes.
 */
import { curveKeyPair } from "../../mod.ts";
import { assert, test } from "../_harness.ts";
import { type Peer, RUNNER, startPeer } from "./_spawn.ts";

const KIB = 1024;
/** Part sizes of the requests, in turn (part 0 carries the sequence: at least 8 bytes). */
const PLAN = [
  [8],
  [8, 0],
  [255],
  [256],
  [8, 255, 256, 0],
  [100 * KIB],
  [8, 0, 0],
  [300, 100 * KIB, 255],
];
/** Bound of the wait for a whole stream, ms. */
const STREAM_MS = 50_000;

/** The options of a CURVE server and of a client that trusts it, and an allow list. */
function curveSetup() {
  const server = curveKeyPair(), client = curveKeyPair(), stranger = curveKeyPair();
  const serverOpts = {
    curveServer: true,
    curvePublicKey: server.publicKey,
    curveSecretKey: server.secretKey,
  };
  const clientOpts = (k = client) => ({
    curveServerKey: server.publicKey,
    curvePublicKey: k.publicKey,
    curveSecretKey: k.secretKey,
  });
  return {
    serverOpts,
    auth: { curve: [client.publicKey] },
    good: clientOpts(),
    refused: clientOpts(stranger),
  };
}

/** The options of a PLAIN server and its clients, and the handler's user list. */
function plainSetup() {
  return {
    serverOpts: { plainServer: true },
    auth: { plain: { alice: "correct horse" } },
    good: { plainUsername: "alice", plainPassword: "correct horse" },
    refused: { plainUsername: "alice", plainPassword: "battery staple" },
  };
}

const SETUPS = { CURVE: curveSetup, PLAIN: plainSetup };

/** Starts an echoing REP server process with `opts` and `auth`; returns it and its endpoint. */
async function startServer(
  opts: Record<string, unknown>,
  auth: unknown,
): Promise<{ rep: Peer; endpoint: string }> {
  const rep = startPeer(RUNNER, {
    role: "rep",
    echo: true,
    endpoint: "tcp://127.0.0.1:*",
    bind: true,
    opts,
    auth,
  });
  const ready = await rep.until((l) => l.ready, 20_000);
  return { rep, endpoint: ready.endpoint };
}

/** Stops an echoing REP server (its `stop` line) and checks that it ended cleanly. */
async function stopServer(rep: Peer) {
  rep.send("stop");
  await rep.until((l) => l.stopped, 10_000);
  assert.equal(await rep.exited, 0, "the server process's exit code");
}

for (const mechanism of ["CURVE", "PLAIN"] as const) {
  test(
    `process (${RUNNER}): ${mechanism} REQ → REP, 2,000 requests of 0 B to 100 KiB parts`,
    async () => {
      const setup = SETUPS[mechanism]();
      const { rep, endpoint } = await startServer(setup.serverOpts, setup.auth);
      const req = startPeer(RUNNER, {
        role: "reqstream",
        endpoint,
        plan: PLAN,
        count: 2000,
        linger: 0,
        timeout: 10_000,
        opts: setup.good,
      });
      try {
        const t0 = Date.now();
        const done = await req.until((l) => l.done, STREAM_MS);
        assert.deepEqual(done.bad, [], done.bad.join("; "));
        assert.equal(done.received, 2000, `${done.received} of 2000 replies`);
        assert.equal(await req.exited, 0, "the client process's exit code");
        console.log(`${mechanism}: 2,000 round trips in ${Date.now() - t0} ms (${RUNNER})`);
        await stopServer(rep);
      } finally {
        await req.stop();
        await rep.stop();
      }
    },
    { timeout: 60_000 },
  );
}

test(
  `process (${RUNNER}): CURVE clients killed mid-stream and mid-handshake, another one is served`,
  async () => {
    const server = curveKeyPair();
    const keys = { streamer: curveKeyPair(), early: curveKeyPair(), survivor: curveKeyPair() };
    const clientOpts = (k: { publicKey: string; secretKey: string }) => ({
      curveServerKey: server.publicKey,
      curvePublicKey: k.publicKey,
      curveSecretKey: k.secretKey,
    });
    // The PULL counts the survivor's 2,000 numbered messages; the victims send warm-up
    // messages (4 × FF, not counted) until killed, and it reports the first one it gets.
    const pull = startPeer(RUNNER, {
      role: "recv",
      type: "PULL",
      endpoint: "tcp://127.0.0.1:*",
      bind: true,
      count: 2000,
      order: false,
      progress: true,
      timeout: 15_000,
      opts: {
        curveServer: true,
        curvePublicKey: server.publicKey,
        curveSecretKey: server.secretKey,
      },
      auth: { curve: Object.values(keys).map((k) => k.publicKey) },
    });
    const peers: Peer[] = [pull];
    /** A client that sends warm-up messages until it is killed. */
    const victim = (endpoint: string, k: { publicKey: string; secretKey: string }) => {
      const p = startPeer(RUNNER, {
        role: "send",
        type: "PUSH",
        endpoint,
        warm: true,
        plan: [[64]],
        count: 0,
        opts: clientOpts(k),
      });
      peers.push(p);
      return p;
    };
    try {
      const { endpoint } = await pull.until((l) => l.ready, 20_000);
      // 1. A client proven to be in its stream: the server received its messages.
      const streamer = victim(endpoint, keys.streamer);
      await pull.until((l) => l.warm, 20_000);
      // 2. The survivor starts its paced stream (2,000 messages, 1 ms apart at least).
      const survivor = startPeer(RUNNER, {
        role: "send",
        type: "PUSH",
        endpoint,
        plan: PLAN,
        count: 2000,
        pace: 1,
        opts: clientOpts(keys.survivor),
      });
      peers.push(survivor);
      await pull.until((l) => l.seq !== undefined, 20_000);
      // 3. SIGKILL the streamer in the middle of its stream.
      await streamer.kill("SIGKILL");
      // 4. Another victim killed as soon as its connect returned: before or in its handshake.
      const early = victim(endpoint, keys.early);
      await early.until((l) => l.ready, 20_000);
      await early.kill("SIGKILL");
      // 5. The survivor's stream goes on and completes. A `stat` line asked now marks the
      //    kills in the server's output: the messages reported after it came after them.
      pull.send("stat");
      let marked = false, afterKills = 0;
      const done = await pull.until((l) => {
        if (l.stat) marked = true;
        else if (marked && l.seq !== undefined) afterKills++;
        return l.done === true;
      }, STREAM_MS);
      assert.ok(marked, "the server never answered stat");
      assert.deepEqual(done.bad, [], done.bad.join("; "));
      assert.equal(done.received, 2000, `${done.received} of 2000 messages`);
      assert.ok(afterKills > 0, "no message of the survivor arrived after the kills");
      await survivor.until((l) => l.termMs !== undefined, 15_000);
      assert.equal(await survivor.exited, 0, "the survivor's exit code");
      assert.equal(await pull.exited, 0, "the server's exit code");
      console.log(`killed clients: ${afterKills} of 2,000 messages arrived after the kills`);
    } finally {
      for (const p of peers) await p.stop();
    }
  },
  { timeout: 60_000 },
);

for (const mechanism of ["CURVE", "PLAIN"] as const) {
  test(
    `process (${RUNNER}): ${mechanism} client not allowed is refused, an allowed one completes`,
    async () => {
      const setup = SETUPS[mechanism]();
      const { rep, endpoint } = await startServer(setup.serverOpts, setup.auth);
      const common = { role: "reqstream", endpoint, plan: PLAN, linger: 0 };
      const refused = startPeer(RUNNER, {
        ...common,
        count: 3,
        timeout: 3_000,
        maxMs: 20_000,
        opts: setup.refused,
      });
      const allowed = startPeer(RUNNER, {
        ...common,
        count: 500,
        timeout: 10_000,
        opts: setup.good,
      });
      try {
        const done = await allowed.until((l) => l.done, STREAM_MS);
        assert.deepEqual(done.bad, [], done.bad.join("; "));
        assert.equal(done.received, 500, `${done.received} of 500 replies`);
        // The refused client's first request waits for a reply that never comes.
        const out = await refused.until((l) => l.done, 20_000);
        assert.equal(out.received, 0, "the refused client got replies");
        assert.match(out.bad[0] ?? "", /^reply 0: /);
        await stopServer(rep);
      } finally {
        await refused.stop();
        await allowed.stop();
        await rep.stop();
      }
    },
    { timeout: 60_000 },
  );
}
