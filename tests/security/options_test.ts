/**
 * The security options on both faces (docs/api.md §6, docs/security.md): keys taken as Z85
 * or 32 bytes and read back (Z85 on the idiomatic face, 32 bytes on the C face), invalid
 * keys refused with an error that says what is wrong and never quotes the key, the
 * mechanism a socket's options make (`XS_MECHANISM`), and the key sets a CURVE endpoint
 * cannot be made with, refused at bind/connect before any connection.
 *
 * Runs on: the test runner's main thread.
 */
import { Context, curveKeyPair, curvePublicKey, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { assert, test } from "../_harness.ts";

// The pair of libzmq's zmq_curve(7) (docs/security.md §6).
const SECRET = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
const PUBLIC = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";

test("security options: keys are set as Z85 or bytes and read back as Z85", async () => {
  await using ctx = new Context();
  using s = ctx.socket("REQ");
  assert.equal(s.curveServerKey, "");
  s.curveServerKey = PUBLIC;
  assert.equal(s.curveServerKey, PUBLIC);
  const raw = xs.xs_z85_decode(SECRET)!;
  s.curveSecretKey = raw;
  assert.equal(s.curveSecretKey, SECRET);
  s.plainUsername = "admin";
  assert.equal(s.plainUsername, "admin");
  s.zapDomain = "global";
  assert.equal(s.zapDomain, "global");
  assert.equal(s.mechanism, "CURVE");
  using p = ctx.socket("REQ", { plainUsername: "admin" });
  assert.equal(p.mechanism, "PLAIN");
  using n = ctx.socket("REQ");
  assert.equal(n.mechanism, "NULL");
  using t = ctx.socket("REP", { curveServer: true, curveSecretKey: SECRET });
  assert.equal(t.curveServer, true);
  assert.equal(curvePublicKey(SECRET), PUBLIC);
});

test("security options: a bad key is refused with words that do not quote it", async () => {
  await using ctx = new Context();
  using s = ctx.socket("REQ");
  const bad = SECRET.slice(0, 39);
  assert.throws(() => (s.curveSecretKey = bad), (e: Error) => {
    assert.ok(e instanceof RangeError, String(e));
    assert.match(e.message, /curveSecretKey: .*40 characters/);
    assert.ok(!e.message.includes(bad), "the message does not contain the key");
    return true;
  });
  const notZ85 = "~" + SECRET.slice(1);
  assert.throws(() => (s.curveServerKey = notZ85), (e: Error) => {
    assert.match(e.message, /not valid Z85/);
    assert.ok(!e.message.includes(notZ85.slice(1)));
    return true;
  });
  assert.throws(() => (s.curvePublicKey = new Uint8Array(31)), /32 bytes/);
  assert.throws(
    () => (s as unknown as { curvePublicKey: unknown }).curvePublicKey = 5,
    TypeError,
  );
  assert.throws(() => ctx.socket("REQ", { plainUsername: "x".repeat(256) }), RangeError);
});

test("security options: the C face takes 32 bytes, 40 or 41 Z85 characters, and reads 32 bytes", () => {
  const c = xs.xs_init()!;
  const s = xs.xs_socket(c, xs.XS_REQ)!;
  const enc = new TextEncoder();
  const z85 = enc.encode(SECRET);
  assert.equal(xs.xs_setsockopt(s, xs.XS_CURVE_SECRETKEY, z85, 40), 0);
  const withNul = new Uint8Array(41);
  withNul.set(z85);
  assert.equal(xs.xs_setsockopt(s, xs.XS_CURVE_PUBLICKEY, withNul, 41), 0);
  const out = new Uint8Array(64), len = { value: 64 };
  assert.equal(xs.xs_getsockopt(s, xs.XS_CURVE_SECRETKEY, out, len), 0);
  assert.equal(len.value, 32);
  assert.deepEqual(out.subarray(0, 32), xs.xs_z85_decode(SECRET));
  assert.equal(xs.xs_setsockopt(s, xs.XS_CURVE_SERVERKEY, new Uint8Array(31), 31), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  assert.equal(xs.xs_setsockopt(s, xs.XS_CURVE_SERVERKEY, enc.encode("#".repeat(40)), 40), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  const m = new Int32Array(1), ml = { value: 4 };
  assert.equal(xs.xs_getsockopt(s, xs.XS_MECHANISM, m, ml), 0);
  assert.equal(m[0], xs.XS_NULL);
  assert.equal(xs.xs_setsockopt(s, xs.XS_PLAIN_USERNAME, enc.encode("admin"), 5), 0);
  xs.xs_getsockopt(s, xs.XS_MECHANISM, m, ml);
  assert.equal(m[0], xs.XS_PLAIN);
  assert.equal(xs.xs_setsockopt(s, xs.XS_CURVE_SERVERKEY, enc.encode(PUBLIC), 40), 0);
  xs.xs_getsockopt(s, xs.XS_MECHANISM, m, ml);
  assert.equal(m[0], xs.XS_CURVE);
  assert.equal(xs.xs_setsockopt(s, xs.XS_MECHANISM, m, 4), -1, "read only");
  assert.equal(xs.xs_errno(), xs.EINVAL);
  xs.xs_close(s);
  xs.xs_term(c);
});

test("security options: a CURVE endpoint that cannot work is refused at bind and connect", async () => {
  await using ctx = new Context();
  using server = ctx.socket("REP", { curveServer: true });
  await assert.rejects(server.bind("tcp://127.0.0.1:*"), (e: Error) => {
    assert.ok(e instanceof XsError);
    assert.equal(e.code, "EINVAL");
    assert.match(e.message, /needs its secret key/);
    return true;
  });
  const other = curveKeyPair();
  using mismatched = ctx.socket("REQ", {
    curveServerKey: PUBLIC,
    curveSecretKey: SECRET,
    curvePublicKey: other.publicKey,
  });
  await assert.rejects(mismatched.connect("tcp://127.0.0.1:5999"), /not the public key/);
  using half = ctx.socket("REQ", { curveServerKey: PUBLIC, curvePublicKey: other.publicKey });
  await assert.rejects(half.connect("tcp://127.0.0.1:5999"), /without curveSecretKey/);
  // The legacy wires have no security: a secured socket is refused there, never sent in clear.
  using legacy = ctx.socket("PULL", { curveServer: true, curveSecretKey: SECRET, wire: "xs1" });
  await assert.rejects(legacy.bind("tcp://127.0.0.1:*"), /needs ZMTP\/3\.x/);
  using legacyPlain = ctx.socket("PUSH", { plainUsername: "u", wire: "zmtp1" });
  await assert.rejects(legacyPlain.connect("tcp://127.0.0.1:5999"), /needs ZMTP\/3\.x/);
  // inproc has no security: the options do not matter there.
  await server.bind("inproc://security-options");
  const c = xs.xs_init()!;
  const s = xs.xs_socket(c, xs.XS_REP)!;
  xs.xs_setsockopt(s, xs.XS_CURVE_SERVER, new Int32Array([1]), 4);
  assert.equal(xs.xs_bind(s, "tcp://127.0.0.1:*"), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  xs.xs_close(s);
  xs.xs_term(c);
});

test("security options: curveKeyPair makes distinct pairs whose public key derives from the secret", () => {
  const a = curveKeyPair(), b = curveKeyPair();
  assert.notEqual(a.secretKey, b.secretKey);
  assert.equal(curvePublicKey(a.secretKey), a.publicKey);
  const pub = { value: "" }, sec = { value: "" };
  assert.equal(xs.xs_curve_keypair(pub, sec), 0);
  const derived = { value: "" };
  assert.equal(xs.xs_curve_public(derived, sec.value), 0);
  assert.equal(derived.value, pub.value);
  assert.equal(xs.xs_curve_public(derived, "short"), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
});
