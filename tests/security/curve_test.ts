/**
 * Tests of the CURVE mechanism (lib/security/curve*.ts) alone and through
 * lib/wire/handshake.ts: the command layouts and test vectors of docs/security.md §6 (HELLO
 * box and K from injected keys, the client's first MESSAGE box), two handshakes with every
 * ZAP answer, traffic through the resulting codecs, and attacks: a wrong server key, an
 * impostor's WELCOME, tampered HELLO and INITIATE, a cookie replayed to another connection,
 * a replayed INITIATE counter, a vouch with the wrong S or C′, wrong sizes, a mechanism
 * mismatch.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { Handshake } from "../../lib/wire/handshake.ts";
import { encodeCommand } from "../../lib/wire/commands.ts";
import { encodeMetadata } from "../../lib/wire/metadata.ts";
import { CurveMechanism, type Mechanism, type SecurityConfig } from "../../lib/security/mod.ts";
import {
  boxKey,
  newKeyPair,
  open,
  publicKeyOf,
  randomBytes,
  seal,
} from "../../lib/security/crypto.ts";
import { ascii, cat, fill, hex } from "../wire/_hex.ts";
import { answer, deliver, drive, hsOpts, mechConfig, shake, SPLITS } from "./_drive.ts";

const SIG0 = hex("FF 00 00 00 00 00 00 00 01 7F");
const ERROR_400 = hex('04 0A 05 "ERROR" 03 "400"');

/** `n` bytes counting up from `first`. */
function seq(first: number, n = 32): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => first + i);
}

function unhex(s: string): Uint8Array {
  return Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!, (b) => parseInt(b, 16));
}

/** An rng handing out `queue` first, then fresh random bytes. */
function rngOf(...queue: Uint8Array[]): (n: number) => Uint8Array {
  return (n) => {
    const next = queue.shift();
    if (next === undefined) return randomBytes(n);
    assert.equal(next.length, n);
    return next;
  };
}

// docs/security.md §6 test vectors.
const s = seq(0x01);
const S = unhex("07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c");
const cn = seq(0x21);
const CN = unhex("5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b");
const HELLO_BOX = unhex(
  "12826ef9316cbf19f1a011a58edbb7c54e6456cf81cd28fbf49365cd4055ca16" +
    "71d321df4325689aab38109005535e57943f90769e3c4733514a0644f0bee582" +
    "7091af0142c6cbc296cf9c187eebfd8e",
);
const sn = seq(0x41);
const SN = unhex("64b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d9846d48466");
const K = unhex("333eb29d53c51accd045b6f4a9cfe9db6c3b2424a5136c760dd93ffd3982a83f");
const MESSAGE_BOX = unhex("45159c3f469cbabe59f9bee9dc9124ef56c3bead8cc4");

const c = seq(0x61);
const C = publicKeyOf(c);

function clientSec(serverKey = S, pair = { publicKey: C, secretKey: c }): SecurityConfig {
  return {
    mechanism: "CURVE",
    server: false,
    zapDomain: "",
    curvePublicKey: pair.publicKey,
    curveSecretKey: pair.secretKey,
    curveServerKey: serverKey,
  };
}

function serverSec(pub = S, sec = s): SecurityConfig {
  return {
    mechanism: "CURVE",
    server: true,
    zapDomain: "",
    curvePublicKey: pub,
    curveSecretKey: sec,
  };
}

/** A client and a server mechanism with the vector keys (server rng: s′, then random). */
function pair(type = "PUSH", peer = "PULL") {
  const cli = new CurveMechanism(mechConfig(type, clientSec()), -1, rngOf(cn.slice()));
  const srv = new CurveMechanism(mechConfig(peer, serverSec()), -1, rngOf(sn.slice()));
  return { cli, srv };
}

/** Runs a pair of mechanisms up to the server's ZAP request; returns the frames. */
function toZap(cli: Mechanism, srv: Mechanism) {
  srv.start();
  const hello = cat(...cli.start());
  const welcome = deliver(srv, hello);
  const initiate = deliver(cli, welcome);
  assert.deepEqual(deliver(srv, initiate), new Uint8Array(0));
  return { hello, welcome, initiate };
}

/** An INITIATE built by hand from a WELCOME, with fields that can be forged. */
function forgeInitiate(welcome: Uint8Array, o: {
  vouchCn?: Uint8Array;
  vouchS?: Uint8Array;
  counter?: number;
  meta?: Uint8Array;
} = {}): Uint8Array {
  const body = welcome.subarray(2);
  const nonce = cat(ascii("WELCOME-"), body.subarray(8, 24));
  const plain = open(boxKey(S, cn), nonce, body.subarray(24))!;
  const sPrime = plain.subarray(0, 32), cookie = plain.subarray(32, 128);
  const tail = fill(16, 7);
  const vouch = seal(
    boxKey(sPrime, c),
    cat(ascii("VOUCH---"), tail),
    cat(o.vouchCn ?? CN, o.vouchS ?? S),
  );
  const counter = cat(fill(7, 0), new Uint8Array([o.counter ?? 2]));
  const meta = o.meta ?? encodeMetadata([["Socket-Type", ascii("PUSH")]]);
  const box = seal(
    boxKey(sPrime, cn),
    cat(ascii("CurveZMQINITIATE"), counter),
    cat(C, tail, vouch, meta),
  );
  return encodeCommand("INITIATE", cat(cookie, counter, box));
}

test("CURVE test vectors: S, C′, S′ and K (docs/security.md §6)", () => {
  assert.deepEqual(publicKeyOf(s), S);
  assert.deepEqual(publicKeyOf(cn), CN);
  assert.deepEqual(publicKeyOf(sn), SN);
  assert.deepEqual(boxKey(SN, cn), K);
  assert.deepEqual(boxKey(CN, sn), K);
});

test("CURVE client's HELLO is byte for byte the vector", () => {
  const { cli } = pair();
  const [hello] = cli.start();
  const want = cat(
    hex('04 C8 05 "HELLO" 01 00'),
    fill(72, 0),
    CN,
    hex("00 00 00 00 00 00 00 01"),
    HELLO_BOX,
  );
  assert.deepEqual(hello, want);
});

test("CURVE layouts: WELCOME 168, INITIATE long 277 for PUSH, READY 65 for ROUTER", () => {
  const cli = new CurveMechanism(mechConfig("PUSH", clientSec()), -1, rngOf(cn.slice()));
  const cfg = { ...mechConfig("ROUTER", serverSec()), acceptPeer: () => true };
  const srv = new CurveMechanism(cfg, -1, rngOf(sn.slice()));
  const { welcome, initiate } = toZap(cli, srv);
  assert.deepEqual(welcome.subarray(0, 10), hex('04 A8 07 "WELCOME"'));
  assert.equal(welcome.length, 2 + 168);
  assert.deepEqual(initiate.subarray(0, 18), hex('06 00 00 00 00 00 00 01 15 08 "INITIATE"'));
  assert.deepEqual(initiate.subarray(9 + 9 + 96, 9 + 9 + 96 + 8), hex("00 00 00 00 00 00 00 02"));
  assert.deepEqual(srv.zap, { mechanism: "CURVE", credentials: [C] });
  const [ready] = srv.zapAnswer(answer("200"));
  assert.deepEqual(ready!.subarray(0, 16), hex('04 41 05 "READY" 00 00 00 00 00 00 00 01'));
  // The READY box holds the ROUTER's metadata under K.
  const meta = open(K, cat(ascii("CurveZMQREADY---"), ready!.subarray(8, 16)), ready!.subarray(16));
  assert.deepEqual(
    meta,
    encodeMetadata([["Socket-Type", ascii("ROUTER")], ["Identity", fill(0, 0)]]),
  );
});

test("CURVE client's first MESSAGE is the vector (counter 3 under K)", () => {
  const { cli, srv } = pair();
  toZap(cli, srv);
  const [ready] = srv.zapAnswer(answer("200"));
  deliver(cli, ready!);
  assert.equal(cli.state, "ready");
  assert.equal(srv.state, "ready");
  const wire = cli.codec!.encode(hex('00 05 "hello"'));
  assert.deepEqual(wire, cat(hex('00 26 07 "MESSAGE" 00 00 00 00 00 00 00 03'), MESSAGE_BOX));
  assert.deepEqual(srv.codec!.decode(wire), hex('00 05 "hello"'));
  // And back: the server's first MESSAGE has counter 2.
  const back = srv.codec!.encode(hex('01 01 "a" 00 00'));
  assert.deepEqual(back.subarray(2, 18), hex('07 "MESSAGE" 00 00 00 00 00 00 00 02'));
  assert.deepEqual(cli.codec!.decode(back), hex('01 01 "a" 00 00'));
});

test("CURVE greeting names CURVE with as-server 01 on the server", () => {
  const g = new Handshake(hsOpts("PULL", serverSec(), { mode: "zmtp3" })).start();
  assert.deepEqual(g.subarray(12, 32), cat(ascii("CURVE"), fill(15, 0)));
  assert.equal(g[32], 1);
  const cg = new Handshake(hsOpts("PUSH", clientSec(), { mode: "zmtp3" })).start();
  assert.equal(cg[32], 0);
});

test("CURVE handshakes complete with ZAP 200 or no handler, and traffic flows", () => {
  for (const step of [...SPLITS, 13]) {
    for (const status of ["200", ""]) {
      const server = newKeyPair(), client = newKeyPair();
      const a = new Handshake(hsOpts("DEALER", clientSec(server.publicKey, client), {
        identity: ascii("dd"),
      }));
      const b = new Handshake(hsOpts("ROUTER", serverSec(server.publicKey, server.secretKey)));
      const d = shake(a, b, { step, zapB: () => answer(status, status ? "carol" : "") });
      assert.deepEqual(d.zapB, [{ mechanism: "CURVE", credentials: [client.publicKey] }]);
      const ra = a.done!, rb = b.done!;
      assert.equal(ra.mechanism, "CURVE");
      assert.equal(rb.mechanism, "CURVE");
      assert.equal(rb.peerType, "DEALER");
      assert.deepEqual(rb.peerIdentity, ascii("dd"));
      assert.equal(ra.peerType, "ROUTER");
      assert.equal(rb.userId, status ? "carol" : "");
      assert.equal(rb.properties.has("user-id"), status === "200");
      const plain = hex('01 00 00 03 "abc"');
      assert.deepEqual(rb.codec!.decode(ra.codec!.encode(plain)), plain);
      assert.deepEqual(ra.codec!.decode(rb.codec!.encode(plain)), plain);
    }
  }
});

test("CURVE refused by ZAP: ERROR in clear, the client fails with auth, no READY", () => {
  for (const step of SPLITS) {
    for (const code of ["400", "500"]) {
      const a = new Handshake(hsOpts("PUSH", clientSec()));
      const b = new Handshake(hsOpts("PULL", serverSec()));
      const d = drive(a, b, { step, zapB: () => answer(code) });
      assert.deepEqual(b.farewell, hex(`04 0A 05 "ERROR" 03 "${code}"`));
      assert.equal(b.errorKind, "auth");
      assert.deepEqual(d.wroteB.subarray(d.wroteB.length - 12), b.farewell);
      assert.equal(d.wroteB.length, 64 + 170 + 12); // greeting, WELCOME, ERROR
      assert.equal(a.errorKind, "auth");
      assert.match(a.error ?? "", new RegExp(`"${code}"`));
      assert.equal(a.done, null);
    }
  }
});

test("CURVE with ZAP answered 300 stalls", () => {
  const a = new Handshake(hsOpts("PUSH", clientSec()));
  const b = new Handshake(hsOpts("PULL", serverSec()));
  const d = drive(a, b, { zapB: () => answer("300") });
  assert.equal(d.zapB.length, 1);
  assert.equal(b.error ?? a.error, null);
  assert.equal(b.done ?? a.done, null);
  assert.equal(d.wroteB.length, 64 + 170);
});

test("CURVE client errors on ERROR: auth for a ZAP code, protocol otherwise", () => {
  for (
    const [frame, kind] of [[ERROR_400, "auth"], [hex('04 0A 05 "ERROR" 03 "bad"'), "protocol"]]
  ) {
    const { cli } = pair();
    cli.start();
    deliver(cli, frame as Uint8Array);
    assert.equal(cli.state, "error");
    assert.equal(cli.errorKind, kind);
  }
});

test("CURVE with a wrong server key: the server cannot open HELLO, the client gets no READY", () => {
  const a = new Handshake(hsOpts("PUSH", clientSec(newKeyPair().publicKey)));
  const b = new Handshake(hsOpts("PULL", serverSec()));
  const d = drive(a, b, { zapB: () => answer("200") });
  assert.match(b.error ?? "", /HELLO's box does not open/);
  assert.equal(b.farewell, null);
  assert.equal(d.wroteB.length, 64);
  assert.equal(a.done, null);
  assert.equal(d.zapB.length, 0);
});

test("CURVE client refuses an impostor's WELCOME with kind auth", () => {
  // A server with another key answers a HELLO from the same transient key (C′).
  const other = newKeyPair();
  const fooled = new CurveMechanism(
    mechConfig("PUSH", clientSec(other.publicKey)),
    -1,
    rngOf(cn.slice()),
  );
  const impostor = new CurveMechanism(
    mechConfig("PULL", serverSec(other.publicKey, other.secretKey)),
    -1,
  );
  impostor.start();
  const welcome = deliver(impostor, cat(...fooled.start()));
  const { cli } = pair();
  cli.start();
  assert.deepEqual(deliver(cli, welcome), new Uint8Array(0));
  assert.equal(cli.state, "error");
  assert.equal(cli.errorKind, "auth");
  assert.match(cli.error ?? "", /does not hold the secret key of curveServerKey/);
  assert.doesNotMatch(cli.error ?? "", /[0-9a-f]{16}/);
});

test("CURVE server refuses a tampered HELLO or INITIATE box", () => {
  const { cli, srv } = pair();
  srv.start();
  const hello = cat(...cli.start());
  for (const at of [2 + 120, hello.length - 1, 2 + 80]) {
    const t = new CurveMechanism(mechConfig("PULL", serverSec()), -1);
    t.start();
    const bad = hello.slice();
    bad[at]! ^= 1;
    assert.deepEqual(deliver(t, bad), new Uint8Array(0));
    assert.equal(t.state, "error");
    assert.equal(t.errorKind, "protocol");
  }
  const welcome = deliver(srv, hello);
  const initiate = deliver(cli, welcome);
  for (const at of [initiate.length - 1, 9 + 9 + 96 + 8 + 20, 9 + 9 + 20]) {
    const p = pair();
    const w = deliver(p.srv, (p.srv.start(), cat(...p.cli.start())));
    const i = deliver(p.cli, w).slice();
    i[at]! ^= 1;
    deliver(p.srv, i);
    assert.equal(p.srv.state, "error", `byte ${at}`);
    assert.equal(p.srv.zap, null);
  }
});

test("CURVE cookie from another connection fails: replayed HELLO and INITIATE", () => {
  const { cli, srv } = pair();
  const { hello, initiate } = toZap(cli, srv);
  // A fresh server (same long-term keys) gets the recorded HELLO: it answers WELCOME...
  const fresh = new CurveMechanism(mechConfig("PULL", serverSec()), -1);
  fresh.start();
  assert.equal(deliver(fresh, hello).length, 170);
  // ...but the recorded INITIATE carries the first server's cookie.
  assert.deepEqual(deliver(fresh, initiate), new Uint8Array(0));
  assert.equal(fresh.state, "error");
  assert.match(fresh.error ?? "", /cookie does not open/);
  assert.equal(fresh.zap, null);
});

test("CURVE server checks the vouch: C′ and our own S", () => {
  const cases = [
    { o: { vouchS: newKeyPair().publicKey }, ok: false },
    { o: { vouchCn: newKeyPair().publicKey }, ok: false },
    { o: {}, ok: true },
  ];
  for (const { o, ok } of cases) {
    const { cli, srv } = pair();
    srv.start();
    const welcome = deliver(srv, cat(...cli.start()));
    deliver(srv, forgeInitiate(welcome, o));
    assert.equal(srv.state, ok ? "zap" : "error", JSON.stringify(o));
    if (!ok) assert.match(srv.error ?? "", /vouch is not for this connection/);
  }
});

test("CURVE server refuses an INITIATE counter that does not follow HELLO's", () => {
  for (const counter of [0, 1]) {
    const { cli, srv } = pair();
    srv.start();
    const welcome = deliver(srv, cat(...cli.start()));
    deliver(srv, forgeInitiate(welcome, { counter }));
    assert.equal(srv.state, "error");
    assert.match(srv.error ?? "", /nonce counter/);
  }
});

test("CURVE server refuses an INITIATE with an incompatible socket type", () => {
  const { cli, srv } = pair();
  srv.start();
  const welcome = deliver(srv, cat(...cli.start()));
  deliver(srv, forgeInitiate(welcome, { meta: encodeMetadata([["Socket-Type", ascii("PUB")]]) }));
  assert.match(srv.error ?? "", /PUB is not compatible with PULL/);
});

test("CURVE commands of the wrong size or version are refused", () => {
  const { cli, srv } = pair();
  srv.start();
  const hello = cat(...cli.start());
  const body = hello.subarray(2);
  const variants = [
    encodeCommand("HELLO", body.subarray(6, 199)), // 199 bytes
    encodeCommand("HELLO", cat(body.subarray(6), hex("00"))), // 201 bytes
    encodeCommand("HELLO", cat(hex("02 00"), body.subarray(8))), // version 2.0
  ];
  for (const v of variants) {
    const t = new CurveMechanism(mechConfig("PULL", serverSec()), -1);
    t.start();
    deliver(t, v);
    assert.equal(t.state, "error");
    assert.match(t.error ?? "", /HELLO (is \d+ bytes|announces version)/);
  }
  const welcome = deliver(srv, hello);
  // WELCOME with one extra byte.
  const longer = new CurveMechanism(mechConfig("PUSH", clientSec()), -1, rngOf(cn.slice()));
  longer.start();
  deliver(longer, encodeCommand("WELCOME", cat(welcome.subarray(10), hex("00"))));
  assert.match(longer.error ?? "", /WELCOME is 169 bytes, not 168/);
  assert.equal(longer.errorKind, "protocol");
  // INITIATE of 256 bytes.
  const initiate = deliver(cli, welcome);
  deliver(srv, encodeCommand("INITIATE", initiate.subarray(18, 18 + 247)));
  assert.match(srv.error ?? "", /INITIATE is 256 bytes/);
  // READY of 29 bytes.
  const p = pair();
  toZap(p.cli, p.srv);
  deliver(p.cli, encodeCommand("READY", fill(23, 0)));
  assert.match(p.cli.error ?? "", /READY is 29 bytes/);
});

test("CURVE handshake frames are checked against MAX_COMMAND_SIZE, not maxMsgSize", () => {
  // A HELLO (200 bytes) passes a maxMsgSize of 150: the limit is for message parts.
  const ok = new Handshake(hsOpts("PULL", serverSec(), { maxMsgSize: 150 }));
  ok.start();
  ok.feed(cat(SIG0, hex("03 01"), ascii("CURVE"), fill(15, 0), fill(32, 0)));
  ok.feed(hex("04 C8"));
  assert.equal(ok.error, null);
  const h = new Handshake(hsOpts("PULL", serverSec(), { maxMsgSize: 150 }));
  h.start();
  h.feed(cat(SIG0, hex("03 01"), ascii("CURVE"), fill(15, 0), fill(32, 0)));
  h.feed(hex("06 00 00 00 00 00 01 00 01"));
  assert.match(h.error ?? "", /exceeds the limit of 65536/);
});

test("CURVE against PLAIN is a mechanism mismatch; 2.0 peers are refused", () => {
  const plain: SecurityConfig = {
    mechanism: "PLAIN",
    server: false,
    zapDomain: "",
    plainUsername: ascii("a"),
    plainPassword: ascii("b"),
  };
  const a = new Handshake(hsOpts("PUSH", plain));
  const b = new Handshake(hsOpts("PULL", serverSec()));
  drive(a, b);
  assert.match(a.error ?? "", /"CURVE" does not match "PLAIN"/);
  assert.match(b.error ?? "", /"PLAIN" does not match "CURVE"/);
  const v2 = new Handshake(hsOpts("PULL", serverSec()));
  v2.start();
  v2.feed(cat(SIG0, hex("01")));
  assert.match(v2.error ?? "", /CURVE mechanism requires ZMTP\/3\.x/);
});

test("CURVE without its keys fails at start with kind auth", () => {
  const noServerKey: SecurityConfig = { ...clientSec(), curveServerKey: fill(31, 1) };
  const cli = new CurveMechanism(mechConfig("PUSH", noServerKey), -1);
  assert.deepEqual(cli.start(), []);
  assert.equal(cli.errorKind, "auth");
  assert.match(cli.error ?? "", /curveServerKey is 31 bytes/);
  const { curveSecretKey: _, ...rest } = serverSec();
  const srv = new CurveMechanism(mechConfig("PULL", rest), -1);
  srv.start();
  assert.match(srv.error ?? "", /curveSecretKey is not set/);
  const h = new Handshake(hsOpts("PUSH", noServerKey));
  h.start();
  h.feed(cat(SIG0, hex("03 01"), ascii("CURVE"), fill(15, 0), fill(32, 0)));
  assert.equal(h.errorKind, "auth");
  assert.equal(h.farewell, null);
});
