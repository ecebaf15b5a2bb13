/**
 * The security mechanisms over ws:// (ZWS2.0/PLAIN, ZWS2.0/CURVE; docs/wire.md §6,
 * docs/security.md): the subprotocol names the mechanism, its handshake and CURVE's boxes
 * travel as WebSocket messages, and an Authenticator decides as on tcp. A client whose
 * mechanism differs finds no subprotocol in common and is refused at the upgrade.
 *
 * Runs on: the test runner's main thread (the I/O worker serves both ends).
 */
import { Authenticator, Context, curveKeyPair, type SocketEvent } from "../../mod.ts";
import { assert, test, waitFor } from "../_harness.ts";

const RECV_MS = 5_000;
const dec = new TextDecoder();

function record(events: AsyncIterable<SocketEvent>): SocketEvent[] {
  const log: SocketEvent[] = [];
  (async () => {
    for await (const e of events) log.push(e);
  })().catch(() => {});
  return log;
}

test("ws: CURVE between our sockets, the Authenticator's User-Id on each message", async () => {
  await using ctx = new Context();
  const server = curveKeyPair(), client = curveKeyPair();
  await using auth = new Authenticator(ctx);
  auth.allowCurve([client.publicKey]);
  using rep = ctx.socket("REP", { curveServer: true, curveSecretKey: server.secretKey });
  await rep.bind("ws://127.0.0.1:*/secure");
  using req = ctx.socket("REQ", {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  await req.connect(rep.lastEndpoint);
  for (let i = 0; i < 5; i++) {
    await req.send(["q", "x".repeat(i * 30_000)]);
    const q = await rep.receive({ timeout: RECV_MS });
    assert.equal(dec.decode(q[0]!), "q");
    assert.equal(q[1]!.length, i * 30_000);
    assert.equal(q.properties?.["User-Id"], client.publicKey);
    await rep.send("a");
    assert.equal(dec.decode((await req.receive({ timeout: RECV_MS }))[0]!), "a");
  }
});

test("ws: a key the Authenticator does not know is refused; PLAIN against CURVE finds no subprotocol", async () => {
  await using ctx = new Context();
  const server = curveKeyPair(), stranger = curveKeyPair();
  await using auth = new Authenticator(ctx);
  auth.allowCurve([curveKeyPair().publicKey]);
  using pull = ctx.socket("PULL", { curveServer: true, curveSecretKey: server.secretKey });
  const log = record(pull.events);
  await pull.bind("ws://127.0.0.1:*/secure");
  using bad = ctx.socket("PUSH", {
    curveServerKey: server.publicKey,
    curvePublicKey: stranger.publicKey,
    curveSecretKey: stranger.secretKey,
    linger: 0,
  });
  await bad.connect(pull.lastEndpoint);
  await waitFor(() => log.some((e) => e.type === "handshake:error:auth"), RECV_MS, "refused");
  using plain = ctx.socket("PUSH", { plainUsername: "u", plainPassword: "p", linger: 0 });
  const plainLog = record(plain.events);
  await plain.connect(pull.lastEndpoint);
  await waitFor(
    () => plainLog.some((e) => e.type.startsWith("handshake:error")),
    RECV_MS,
    "the PLAIN client's upgrade refused",
  );
  await assert.rejects(pull.receive({ timeout: 200 }), { code: "EAGAIN" });
});
