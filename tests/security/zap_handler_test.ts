/**
 * The application's own ZAP handler, as libzmq programs write it (ZeroMQ RFC 27): a REP
 * bound at `inproc://zeromq.zap.01`, answered with C-face calls on the thread that also
 * blocks in `xs_recv` on the PLAIN server (lib/core/zap.ts: replies are taken by every
 * service round, a blocking call's included). Also: the request's frames as a handler sees
 * them, a handler that closes with a request in flight (answered "500", never let in), and
 * the properties the ZAP reply's metadata gives the message.
 *
 * Runs on: the test runner's main thread.
 */
import * as xs from "../../xs.ts";
import { Context, curveKeyPair } from "../../mod.ts";
import { assert, test } from "../_harness.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Receives one whole message on a C-face socket (blocking, bounded by XS_RCVTIMEO). */
function recvAll(s: xs.XsSocket): Uint8Array[] | null {
  const parts: Uint8Array[] = [];
  for (;;) {
    const msg = new xs.xs_msg_t();
    xs.xs_msg_init(msg);
    if (xs.xs_recvmsg(s, msg, 0) < 0) return null;
    parts.push(xs.xs_msg_data(msg).slice());
    const more = new Int32Array(1);
    xs.xs_getmsgopt(msg, xs.XS_MORE, more, { value: 4 });
    xs.xs_msg_close(msg);
    if (!more[0]) return parts;
  }
}

function sendAll(s: xs.XsSocket, parts: Uint8Array[]): void {
  parts.forEach((p, i) => {
    const rc = xs.xs_send(s, p, p.length, i < parts.length - 1 ? xs.XS_SNDMORE : 0);
    assert.equal(rc, p.length);
  });
}

const setInt = (s: xs.XsSocket, opt: number, v: number) =>
  assert.equal(xs.xs_setsockopt(s, opt, new Int32Array([v]), 4), 0);
const setText = (s: xs.XsSocket, opt: number, v: string) =>
  assert.equal(xs.xs_setsockopt(s, opt, enc.encode(v), enc.encode(v).length), 0);

test("a C-face REP handler at inproc://zeromq.zap.01 admits a PLAIN client; the server blocks in xs_recv", () => {
  const ctx = xs.xs_init()!;
  const handler = xs.xs_socket(ctx, xs.XS_REP)!;
  assert.equal(xs.xs_bind(handler, "inproc://zeromq.zap.01"), 0);
  setInt(handler, xs.XS_RCVTIMEO, 5000);
  const server = xs.xs_socket(ctx, xs.XS_PULL)!;
  setInt(server, xs.XS_PLAIN_SERVER, 1);
  setText(server, xs.XS_ZAP_DOMAIN, "global");
  setInt(server, xs.XS_RCVTIMEO, 5000);
  assert.equal(xs.xs_bind(server, "tcp://127.0.0.1:*"), 1);
  const endpoint = xs.xs_last_endpoint(server)!;
  const client = xs.xs_socket(ctx, xs.XS_PUSH)!;
  setText(client, xs.XS_PLAIN_USERNAME, "admin");
  setText(client, xs.XS_PLAIN_PASSWORD, "secret");
  assert.ok(xs.xs_connect(client, endpoint) >= 0);
  assert.equal(xs.xs_send(client, enc.encode("hello"), 5, 0), 5);

  // The handler's request, as libzmq's handlers see it (docs/security.md §7.2).
  const req = recvAll(handler);
  assert.ok(req, `the handler got no request: ${xs.xs_strerror(xs.xs_errno())}`);
  const text = req.map((f) => dec.decode(f));
  assert.equal(text[0], "1.0");
  assert.equal(text[2], "global");
  assert.equal(text[3], "127.0.0.1");
  assert.deepEqual(text.slice(5), ["PLAIN", "admin", "secret"]);
  const meta = new Uint8Array([4, ...enc.encode("Team"), 0, 0, 0, 3, ...enc.encode("ops")]);
  sendAll(handler, [
    req[0]!,
    req[1]!,
    enc.encode("200"),
    enc.encode("OK"),
    enc.encode("admin"),
    meta,
  ]);

  // The reply is taken while the server blocks: the message arrives with its properties.
  const msg = new xs.xs_msg_t();
  xs.xs_msg_init(msg);
  assert.equal(xs.xs_recvmsg(server, msg, 0), 5, xs.xs_strerror(xs.xs_errno()));
  assert.equal(dec.decode(xs.xs_msg_data(msg)), "hello");
  assert.equal(xs.xs_msg_gets(msg, "User-Id"), "admin");
  assert.equal(xs.xs_msg_gets(msg, "user-id"), "admin", "names compare without case");
  assert.equal(xs.xs_msg_gets(msg, "Team"), "ops");
  assert.equal(xs.xs_msg_gets(msg, "Socket-Type"), "PUSH");
  assert.equal(xs.xs_msg_gets(msg, "Peer-Address"), "127.0.0.1");
  assert.equal(xs.xs_msg_gets(msg, "No-Such"), null);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  xs.xs_msg_close(msg);
  for (const s of [client, server, handler]) {
    setInt(s, xs.XS_LINGER, 0);
    xs.xs_close(s);
  }
  xs.xs_term(ctx);
});

test("a handler that closes with a request in flight: the client is refused, not let in", async () => {
  await using ctx = new Context();
  using handler = ctx.socket("REP");
  await handler.bind("inproc://zeromq.zap.01");
  const server = curveKeyPair(), client = curveKeyPair();
  using pull = ctx.socket("PULL", {
    curveServer: true,
    curveSecretKey: server.secretKey,
    handshakeIvl: 5000,
  });
  await pull.bind("tcp://127.0.0.1:*");
  using push = ctx.socket("PUSH", {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    linger: 0,
  });
  const events = pull.events[Symbol.asyncIterator]();
  await push.connect(pull.lastEndpoint);
  await push.send("should not pass");
  // The request reached the handler; it closes without answering.
  const req = await handler.receive({ timeout: 5000 });
  assert.equal(dec.decode(req[5]!), "CURVE");
  handler.close();
  // Bounded: the refusal comes long before the handshake timer (5 s).
  const deadline = Date.now() + 4000;
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ev = await Promise.race([
      events.next(),
      new Promise<null>((res) => timer = setTimeout(() => res(null), deadline - Date.now())),
    ]);
    clearTimeout(timer);
    assert.ok(ev !== null, "no handshake:error:auth event within 4 s");
    assert.ok(!ev.done);
    const t = ev.value.type;
    assert.notEqual(t, "handshake", "the client was let in");
    if (t === "handshake:error:auth") {
      assert.match((ev.value as { error: string }).error, /500/);
      break;
    }
  }
  await assert.rejects(pull.receive({ timeout: 300 }), { code: "EAGAIN" });
});
