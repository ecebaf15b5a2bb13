/**
 * Tests of the PLAIN mechanism (lib/security/plain.ts) alone and through
 * lib/wire/handshake.ts: the libzmq captures of docs/security.md §5 (HELLO for admin/secret,
 * WELCOME, a PUSH's INITIATE, a ROUTER's READY, both ERROR spellings), the greeting's
 * mechanism and as-server byte, every ZAP answer, and malformed or mismatched peers.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { Handshake } from "../../lib/wire/handshake.ts";
import { PLAIN_NEEDS_ZAP, PlainMechanism, type SecurityConfig } from "../../lib/security/mod.ts";
import { ascii, cat, fill, hex } from "../wire/_hex.ts";
import { answer, deliver, drive, hsOpts, mechConfig, shake, SPLITS } from "./_drive.ts";

const SIG0 = hex("FF 00 00 00 00 00 00 00 01 7F");
const HELLO = hex('04 13 05 "HELLO" 05 "admin" 06 "secret"');
const WELCOME = hex('04 08 07 "WELCOME"');
const PUSH_INITIATE = hex('04 1D 08 "INITIATE" 0B "Socket-Type" 00 00 00 04 "PUSH"');
// Its header is `04 2C`: the body is 44 bytes (docs/security.md §5).
const ROUTER_READY = hex(
  '04 2C 05 "READY" 0B "Socket-Type" 00 00 00 06 "ROUTER" 08 "Identity" 00 00 00 03 "SRV"',
);

function client(user = "admin", pass = "secret"): SecurityConfig {
  return {
    mechanism: "PLAIN",
    server: false,
    zapDomain: "",
    plainUsername: ascii(user),
    plainPassword: ascii(pass),
  };
}

const SERVER: SecurityConfig = { mechanism: "PLAIN", server: true, zapDomain: "global" };

/** A greeting (64 bytes) announcing `mechanism`. */
function greeting(mechanism: string): Uint8Array {
  return cat(SIG0, hex("03 01"), ascii(mechanism), fill(20 - mechanism.length, 0), fill(32, 0));
}

test("PLAIN greeting carries the name and as-server 01 on the server side only", () => {
  const srv = new Handshake(hsOpts("ROUTER", SERVER, { mode: "zmtp3" })).start();
  assert.deepEqual(srv.subarray(12, 17), ascii("PLAIN"));
  assert.equal(srv[32], 1);
  const cli = new Handshake(hsOpts("PUSH", client()));
  cli.start();
  const tail = cli.feed(cat(SIG0, hex("03")));
  assert.deepEqual(tail, cat(hex("03 01"), ascii("PLAIN"), fill(15, 0), hex("00"), fill(31, 0)));
});

// The captures pair a PUSH client with a ROUTER server: the socket-type check is lifted.
const anyPeer = { acceptPeer: () => true };

test("PLAIN client sends libzmq's HELLO and INITIATE bytes (docs/security.md §5)", () => {
  const h = new Handshake(hsOpts("PUSH", client(), anyPeer));
  h.start();
  const sent = h.feed(greeting("PLAIN"));
  assert.deepEqual(sent.subarray(sent.length - HELLO.length), HELLO);
  assert.deepEqual(h.feed(WELCOME), PUSH_INITIATE);
  assert.deepEqual(h.feed(ROUTER_READY), new Uint8Array(0));
  const r = h.done!;
  assert.equal(r.mechanism, "PLAIN");
  assert.equal(r.peerType, "ROUTER");
  assert.deepEqual(r.peerIdentity, ascii("SRV"));
  assert.equal(r.codec, null);
});

test("PLAIN server asks ZAP with the credentials and answers libzmq's bytes", () => {
  const m = new PlainMechanism({ ...mechConfig("ROUTER", SERVER, ascii("SRV")), ...anyPeer }, -1);
  assert.deepEqual(m.start(), []);
  assert.equal(m.asServer, true);
  assert.deepEqual(deliver(m, HELLO), new Uint8Array(0));
  assert.equal(m.state, "zap");
  assert.deepEqual(m.zap, { mechanism: "PLAIN", credentials: [ascii("admin"), ascii("secret")] });
  assert.deepEqual(m.zapAnswer(answer("200", "admin")), [WELCOME]);
  assert.equal(m.zap, null);
  assert.deepEqual(deliver(m, PUSH_INITIATE), ROUTER_READY);
  assert.equal(m.state, "ready");
  assert.deepEqual(m.properties.get("socket-type"), ascii("PUSH"));
  assert.deepEqual(m.properties.get("user-id"), ascii("admin"));
  assert.equal(m.userId, "admin");
});

test("PLAIN client and server complete through two handshakes, any split", () => {
  for (const step of SPLITS) {
    const a = new Handshake(hsOpts("DEALER", client("u", ""), { identity: ascii("me") }));
    const b = new Handshake(hsOpts("ROUTER", SERVER));
    const d = shake(a, b, { step, zapB: () => answer("200", "user-u") });
    assert.equal(d.zapA.length, 0);
    assert.deepEqual(d.zapB, [{
      mechanism: "PLAIN",
      credentials: [ascii("u"), new Uint8Array(0)],
    }]);
    assert.equal(a.done?.mechanism, "PLAIN");
    assert.equal(b.done?.mechanism, "PLAIN");
    assert.equal(b.done?.userId, "user-u");
    assert.deepEqual(b.done?.peerIdentity, ascii("me"));
    assert.equal(b.done?.peerType, "DEALER");
    assert.equal(a.done?.peerType, "ROUTER");
    assert.equal(a.done?.userId, "");
  }
});

test("PLAIN refused by ZAP: the server sends a correct ERROR, the client fails with auth", () => {
  for (const step of SPLITS) {
    for (const code of ["400", "500"]) {
      const a = new Handshake(hsOpts("PUSH", client()));
      const b = new Handshake(hsOpts("PULL", SERVER));
      const d = drive(a, b, { step, zapB: () => answer(code) });
      assert.equal(b.errorKind, "auth");
      assert.deepEqual(b.farewell, hex(`04 0A 05 "ERROR" 03 "${code}"`));
      assert.deepEqual(d.wroteB.subarray(64), b.farewell); // no WELCOME went out
      assert.equal(a.errorKind, "auth");
      assert.match(a.error ?? "", new RegExp(`"${code}"`));
      assert.equal(a.done, null);
    }
  }
});

test("PLAIN client takes libzmq's malformed 5E RROR as ERROR", () => {
  const h = new Handshake(hsOpts("PUSH", client()));
  h.start();
  h.feed(greeting("PLAIN"));
  h.feed(hex('04 09 5E "RROR" 03 "400"'));
  assert.match(h.error ?? "", /ERROR during the handshake: "400"/);
  assert.equal(h.errorKind, "auth");
  assert.equal(h.farewell, null);
  const m = new PlainMechanism(mechConfig("PUSH", client()), -1);
  m.start();
  deliver(m, WELCOME);
  deliver(m, hex('04 0A 05 "ERROR" 03 "500"'));
  assert.equal(m.errorKind, "auth");
});

test("PLAIN server without a ZAP handler refuses, sending nothing", () => {
  const a = new Handshake(hsOpts("PUSH", client()));
  const b = new Handshake(hsOpts("PULL", SERVER));
  const d = drive(a, b, { zapB: () => answer("") });
  assert.equal(b.error, PLAIN_NEEDS_ZAP);
  assert.equal(b.errorKind, "auth");
  assert.equal(b.farewell, null);
  assert.equal(d.wroteB.length, 64);
  assert.equal(a.error, null);
  assert.equal(a.done, null);
});

test("PLAIN server with ZAP answered 300 stalls", () => {
  const a = new Handshake(hsOpts("PUSH", client()));
  const b = new Handshake(hsOpts("PULL", SERVER));
  const d = drive(a, b, { zapB: () => answer("300") });
  assert.equal(d.wroteB.length, 64);
  assert.equal(b.error, null);
  assert.equal(b.zap, null);
  assert.equal(a.done ?? b.done, null);
});

test("PLAIN client refuses a WELCOME with one extra byte", () => {
  const h = new Handshake(hsOpts("PUSH", client()));
  h.start();
  h.feed(greeting("PLAIN"));
  assert.deepEqual(h.feed(hex('04 09 07 "WELCOME" 00')), new Uint8Array(0));
  assert.match(h.error ?? "", /WELCOME has 1 bytes after its name/);
  assert.equal(h.errorKind, "protocol");
});

test("PLAIN server refuses a malformed HELLO without asking ZAP", () => {
  const bad = [
    hex('04 14 05 "HELLO" 05 "admin" 06 "secret" 00'), // trailing byte
    hex('04 12 05 "HELLO" 05 "admin" 06 "secre"'), // password cut
    hex('04 07 05 "HELLO" 09'), // username length beyond the body
    hex('04 06 05 "HELLO"'), // no lengths at all
    hex('04 13 07 "WELCOME" 05 "admin" 06 "secr"'), // libzmq 4.3.0-4.3.1's HELLO
    hex('04 03 05 "HE"'), // malformed command
  ];
  for (const frame of bad) {
    const h = new Handshake(hsOpts("PULL", SERVER));
    h.start();
    h.feed(greeting("PLAIN"));
    h.feed(frame);
    assert.ok(h.error, `accepted ${frame}`);
    assert.equal(h.errorKind, "protocol");
    assert.equal(h.zap, null);
  }
});

test("PLAIN server refuses an incompatible or truncated INITIATE", () => {
  for (
    const initiate of [
      hex('04 1C 08 "INITIATE" 0B "Socket-Type" 00 00 00 03 "PUB"'),
      hex('04 1C 08 "INITIATE" 0B "Socket-Type" 00 00 00 04 "PUS"'),
    ]
  ) {
    const m = new PlainMechanism(mechConfig("PULL", SERVER), -1);
    m.start();
    deliver(m, HELLO);
    m.zapAnswer(answer("200"));
    assert.deepEqual(deliver(m, initiate), new Uint8Array(0));
    assert.equal(m.state, "error");
    assert.match(m.error ?? "", /not compatible|Truncated metadata/);
  }
});

test("PLAIN handshake frames are checked against MAX_COMMAND_SIZE from their header", () => {
  // maxMsgSize limits message parts, not the HELLO (docs/wire.md §8.4).
  const ok = new Handshake(hsOpts("PULL", SERVER, { maxMsgSize: 4 }));
  ok.start();
  ok.feed(greeting("PLAIN"));
  ok.feed(HELLO);
  assert.equal(ok.error, null);
  const h = new Handshake(hsOpts("PULL", SERVER, { maxMsgSize: 4 }));
  h.start();
  h.feed(greeting("PLAIN"));
  h.feed(hex("06 00 00 00 00 00 01 00 01"));
  assert.match(h.error ?? "", /exceeds the limit of 65536/);
});

test("PLAIN against CURVE or NULL is a mechanism mismatch on both sides", () => {
  const curveServer: SecurityConfig = { mechanism: "CURVE", server: true, zapDomain: "" };
  for (const other of [curveServer, { mechanism: "NULL", server: false, zapDomain: "" } as const]) {
    const a = new Handshake(hsOpts("PUSH", client()));
    const b = new Handshake(hsOpts("PULL", other));
    const d = drive(a, b);
    assert.match(a.error ?? "", new RegExp(`"${other.mechanism}" does not match "PLAIN"`));
    assert.match(b.error ?? "", new RegExp(`"PLAIN" does not match "${other.mechanism}"`));
    assert.equal(d.wroteA.length, 64); // greeting only: no HELLO
  }
});

test("PLAIN refuses ZMTP/2.0 and 1.0 peers", () => {
  for (const wire of [cat(SIG0, hex("01")), hex("01 00")]) {
    const h = new Handshake(hsOpts("PUSH", client()));
    h.start();
    h.feed(wire);
    assert.match(h.error ?? "", /PLAIN mechanism requires ZMTP\/3\.x/);
  }
});

test("PLAIN client refuses a username longer than 255 bytes", () => {
  const m = new PlainMechanism(mechConfig("PUSH", client("x".repeat(256))), -1);
  assert.deepEqual(m.start(), []);
  assert.equal(m.state, "error");
  assert.equal(m.errorKind, "auth");
});
