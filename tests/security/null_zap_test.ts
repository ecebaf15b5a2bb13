/**
 * Tests of the NULL mechanism (lib/security/null.ts) through lib/wire/handshake.ts: the
 * security part of the result, ZAP with a domain set (asked after the greeting, READY
 * withheld until the answer, docs/wire.md §3.6 and §5.4), every answer ("200", "", "300",
 * "400", "500"), frames held while ZAP is asked, and the refusal of ZMTP/1.0 and 2.0 peers
 * when ZAP is configured.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { Handshake } from "../../lib/wire/handshake.ts";
import { readyFrame } from "../../lib/wire/commands.ts";
import { NullMechanism } from "../../lib/security/mod.ts";
import { ascii, cat, fill, hex } from "../wire/_hex.ts";
import {
  answer,
  deliver,
  drive,
  hsOpts,
  mechConfig,
  nullSecurity,
  shake,
  SPLITS,
} from "./_drive.ts";

const SIG0 = hex("FF 00 00 00 00 00 00 00 01 7F");
const NULL_GREETING = cat(SIG0, hex('03 01 "NULL"'), fill(16, 0), fill(32, 0));

test("NULL without ZAP reports its security in the result", () => {
  for (const step of SPLITS) {
    const a = new Handshake(hsOpts("DEALER", nullSecurity(), { identity: ascii("d1") }));
    const b = new Handshake(hsOpts("ROUTER", nullSecurity()));
    const d = shake(a, b, { step });
    assert.deepEqual(d.zapA.length + d.zapB.length, 0);
    const r = b.done!;
    assert.equal(r.mechanism, "NULL");
    assert.equal(r.codec, null);
    assert.equal(r.userId, "");
    assert.deepEqual(r.properties.get("socket-type"), ascii("DEALER"));
    assert.deepEqual(r.properties.get("identity"), ascii("d1"));
    assert.deepEqual(r.peerIdentity, ascii("d1"));
    assert.equal(a.errorKind, "protocol");
    assert.equal(a.farewell, null);
  }
});

test("NULL with a ZAP domain asks ZAP after the greeting and withholds READY", () => {
  const h = new Handshake(hsOpts("PULL", nullSecurity("global")));
  h.start();
  const sent = h.feed(NULL_GREETING);
  // Major and the greeting's tail, but no READY before ZAP answered (docs/security.md §7).
  assert.deepEqual(sent, cat(hex('03 01 "NULL"'), fill(16, 0), fill(32, 0)));
  assert.deepEqual(h.zap, { mechanism: "NULL", credentials: [] });
  // The peer's READY and a first message arrive meanwhile: held, not read.
  const msg = hex('00 02 "hi"');
  assert.deepEqual(h.feed(cat(readyFrame("PUSH", null), msg)), new Uint8Array(0));
  assert.equal(h.done, null);
  assert.notEqual(h.zap, null);
  const meta = new Map([["X-Role", ascii("admin")], ["Socket-Type", ascii("SUB")]]);
  assert.deepEqual(h.zapAnswer(answer("200", "alice", meta)), readyFrame("PULL", null));
  assert.equal(h.zap, null);
  const r = h.done!;
  assert.equal(r.peerType, "PUSH");
  assert.deepEqual(r.rest, msg);
  assert.equal(r.userId, "alice");
  assert.deepEqual(r.properties.get("user-id"), ascii("alice"));
  assert.deepEqual(r.properties.get("x-role"), ascii("admin"));
  // ZAP's metadata never replaces the connection's own Socket-Type.
  assert.deepEqual(r.properties.get("socket-type"), ascii("PUSH"));
});

test("NULL with ZAP on one or both sides completes on 200 and on no handler", () => {
  for (const step of SPLITS) {
    for (const status of ["200", ""]) {
      for (const both of [false, true]) {
        const a = new Handshake(hsOpts("PUSH", nullSecurity(both ? "a" : "")));
        const b = new Handshake(hsOpts("PULL", nullSecurity("b")));
        const zap = () => answer(status, status === "200" ? "bob" : "");
        const d = shake(a, b, { step, zapA: zap, zapB: zap });
        assert.equal(d.zapB.length, 1);
        assert.equal(d.zapA.length, both ? 1 : 0);
        assert.equal(b.done?.userId, status === "200" ? "bob" : "");
        assert.equal(b.done?.peerType, "PUSH");
        assert.equal(b.done?.properties.has("user-id"), status === "200");
      }
    }
  }
});

test("NULL drops a user-id property sent by the peer", () => {
  const h = new Handshake(hsOpts("PULL", nullSecurity()));
  h.start();
  h.feed(NULL_GREETING);
  h.feed(hex('04 20 05 "READY" 07 "User-Id" 00 00 00 05 "admin" 04 "X-Ab" 00 00 00 00'));
  assert.equal(h.error, null);
  assert.equal(h.done?.properties.has("user-id"), false);
  assert.equal(h.done?.properties.has("x-ab"), true);
});

test("NULL refused by ZAP sends ERROR with the code instead of READY", () => {
  for (const step of SPLITS) {
    for (const code of ["400", "500"]) {
      const a = new Handshake(hsOpts("PUSH", nullSecurity()));
      const b = new Handshake(hsOpts("PULL", nullSecurity("global")));
      const d = drive(a, b, { step, zapB: () => answer(code) });
      assert.match(b.error ?? "", new RegExp(`ZAP refused the peer: ${code}`));
      assert.equal(b.errorKind, "auth");
      assert.deepEqual(b.farewell, hex(`04 0A 05 "ERROR" 03 "${code}"`));
      // What b wrote after its greeting is the ERROR alone.
      assert.deepEqual(d.wroteB.subarray(64), b.farewell);
      // The peer hears the ERROR and fails with kind "auth".
      assert.match(a.error ?? "", new RegExp(`ERROR during the handshake: "${code}"`));
      assert.equal(a.errorKind, "auth");
      assert.equal(a.done, null);
    }
  }
});

test("NULL refusal with an unknown ZAP status is sent as 500", () => {
  const h = new Handshake(hsOpts("PULL", nullSecurity("global")));
  h.start();
  h.feed(NULL_GREETING);
  assert.deepEqual(h.zapAnswer(answer("403")), new Uint8Array(0));
  assert.deepEqual(h.farewell, hex('04 0A 05 "ERROR" 03 "500"'));
  assert.equal(h.errorKind, "auth");
});

test("NULL with ZAP answered 300 stalls: nothing sent, never done", () => {
  const a = new Handshake(hsOpts("PUSH", nullSecurity()));
  const b = new Handshake(hsOpts("PULL", nullSecurity("global")));
  const d = drive(a, b, { zapB: () => answer("300") });
  assert.equal(d.zapB.length, 1);
  assert.equal(b.zap, null);
  assert.equal(b.error, null);
  assert.equal(b.done, null);
  assert.equal(a.done, null);
  assert.equal(d.wroteB.length, 64);
  // Later bytes are still held (and checked), never answered.
  assert.deepEqual(b.feed(hex('00 02 "hi"')), new Uint8Array(0));
  assert.equal(b.done, null);
  assert.throws(() => b.zapAnswer(answer("200")), /No ZAP request is pending/);
});

test("NULL holds frames while ZAP is asked but checks their size limit", () => {
  // Frames held before the handshake is done are handshake frames: MAX_COMMAND_SIZE, not
  // maxMsgSize (docs/wire.md §8.4).
  const h = new Handshake(hsOpts("PULL", nullSecurity("global"), { maxMsgSize: 4 }));
  h.start();
  h.feed(NULL_GREETING);
  h.feed(readyFrame("PUSH", null));
  assert.equal(h.error, null);
  h.feed(hex('00 05 "abcde"'));
  assert.equal(h.error, null);
  for (const b of hex("02 00 00 00 00 00 01 00 01")) h.feed(new Uint8Array([b]));
  assert.match(h.error ?? "", /exceeds the limit of 65536/);
  assert.equal(h.errorKind, "protocol");
  assert.equal(h.farewell, null);
});

test("NULL held frames are read after the answer, whatever their split", () => {
  const wire = cat(readyFrame("PUSH", null), hex('00 02 "hi"'));
  for (const step of [1, 3, 5]) {
    const h = new Handshake(hsOpts("PULL", nullSecurity("global")));
    h.start();
    h.feed(NULL_GREETING);
    for (let i = 0; i < wire.length; i += step) h.feed(wire.subarray(i, i + step));
    h.zapAnswer(answer("200"));
    assert.equal(h.done?.peerType, "PUSH");
    assert.deepEqual(h.done?.rest, hex('00 02 "hi"'));
  }
});

test("NULL with a ZAP domain refuses ZMTP/1.0 and 2.0 peers", () => {
  for (const wire of [hex("01 00"), cat(SIG0, hex("01"))]) {
    const h = new Handshake(hsOpts("PULL", nullSecurity("global")));
    h.start();
    assert.deepEqual(h.feed(wire).length <= 1, true);
    assert.match(h.error ?? "", /ZAP.*requires ZMTP\/3\.x/);
  }
});

test("NullMechanism takes a READY data frame and refuses other frames", () => {
  const config = mechConfig("PULL", nullSecurity());
  const ready = readyFrame("PUSH", null);
  const m = new NullMechanism(config, -1);
  assert.deepEqual(m.start(), [readyFrame("PULL", null)]);
  assert.deepEqual(m.start(), []);
  const asData = ready.slice();
  asData[0] = 0;
  assert.deepEqual(deliver(m, asData), new Uint8Array(0));
  assert.equal(m.state, "ready");
  const bad = new NullMechanism(config, -1);
  bad.start();
  deliver(bad, hex('04 06 04 "PING" 00'));
  assert.equal(bad.state, "error");
  assert.match(bad.error ?? "", /Unexpected command PING/);
  const err = new NullMechanism(config, -1);
  err.start();
  deliver(err, hex('04 0B 05 "ERROR" 04 "oops"'));
  assert.equal(err.errorKind, "protocol");
  assert.throws(() => err.zapAnswer(answer("200")), /no ZAP request is pending/);
});
