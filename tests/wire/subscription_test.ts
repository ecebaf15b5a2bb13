/**
 * Tests of lib/wire/subscription.ts: the subscription frames of each dialect (docs/wire.md
 * §2.3, §3.7), byte for byte, and reading subscriptions back from a subscriber's data
 * frames and commands.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  cancelFrame3,
  subscribeFrame3,
  subscriptionDataFrame,
  subscriptionFrame,
  subscriptionFromCommand,
  subscriptionFromData,
} from "../../lib/wire/mod.ts";
import { ascii, cat, fill, hex } from "./_hex.ts";

/** The Crossroads 1.2 form `[u16 cmd][u16 filter][body]` (docs/behaviour.md §4.5). */
const form = (cmd: number, filter: number, body: string) =>
  cat(new Uint8Array([0, cmd, 0, filter]), ascii(body));

test("subscribeFrame3 and cancelFrame3 match libzmq's 3.1 commands of docs/wire.md §3.7", () => {
  assert.deepEqual(
    subscribeFrame3(ascii("topic")),
    hex("04 0F 09 53 55 42 53 43 52 49 42 45 74 6F 70 69 63"),
  );
  assert.deepEqual(cancelFrame3(ascii("topic")), hex("04 0C 06 43 41 4E 43 45 4C 74 6F 70 69 63"));
  assert.deepEqual(subscribeFrame3(new Uint8Array(0)), hex("04 0A 09 53 55 42 53 43 52 49 42 45"));
});

test("subscriptionDataFrame matches the 3.0/2.0 form and sets LONG for a 255-byte topic", () => {
  assert.deepEqual(subscriptionDataFrame(true, ascii("topic")), hex("00 06 01 74 6F 70 69 63"));
  assert.deepEqual(subscriptionDataFrame(false, ascii("topic")), hex("00 06 00 74 6F 70 69 63"));
  const f = subscriptionDataFrame(true, fill(255, 0x54));
  assert.deepEqual(f.subarray(0, 10), hex("02 00 00 00 00 00 00 01 00 01"));
  assert.equal(f.length, 9 + 256);
});

test("subscriptionFrame: one subscription, as each dialect writes it", () => {
  const sub = form(1, 1, "ab"), unsub = form(2, 1, "ab");
  assert.deepEqual(subscriptionFrame(sub, "3.1"), subscribeFrame3(ascii("ab")));
  assert.deepEqual(subscriptionFrame(unsub, "3.1"), cancelFrame3(ascii("ab")));
  for (const v of ["3.0", "2.0"]) {
    assert.deepEqual(subscriptionFrame(sub, v), hex('00 03 01 "ab"'), v);
    assert.deepEqual(subscriptionFrame(unsub, v), hex('00 03 00 "ab"'), v);
  }
  // 1.0 framing: u8 length counting the flags byte, then flags, then the body.
  assert.deepEqual(subscriptionFrame(sub, "1.0"), hex('04 00 01 "ab"'));
  // A Crossroads peer takes the 4-byte form itself.
  assert.deepEqual(subscriptionFrame(sub, "xs1"), hex('07 00 00 01 00 01 "ab"'));
  assert.equal(subscriptionFrame(sub, "zmtp1"), null, "0MQ 2.x publishers take no subscriptions");
});

test("subscriptionFrame: a topic pattern goes out as its literal prefix, to ZMTP peers only", () => {
  assert.deepEqual(subscriptionFrame(form(1, 2, "a.b.*.c"), "3.1"), subscribeFrame3(ascii("a.b.")));
  assert.deepEqual(subscriptionFrame(form(1, 2, "a*"), "3.0"), hex('00 02 01 "a"'));
  // The pattern ends at its first NUL.
  assert.deepEqual(subscriptionFrame(form(1, 2, "ab\0*"), "3.1"), subscribeFrame3(ascii("ab")));
  assert.deepEqual(subscriptionFrame(form(1, 2, "a.*"), "xs1"), hex('08 00 00 01 00 02 "a.*"'));
});

test("subscriptionFrame: what is not a subscription ZMTP can carry gives null", () => {
  assert.equal(subscriptionFrame(new Uint8Array([0, 1, 0]), "3.1"), null, "shorter than 4 bytes");
  assert.equal(subscriptionFrame(form(3, 1, "ab"), "3.1"), null, "unknown command");
  assert.equal(subscriptionFrame(form(1, 7, "ab"), "3.1"), null, "unknown filter");
  assert.equal(subscriptionFrame(form(1, 7, "ab"), "3.0"), null, "unknown filter");
  assert.ok(subscriptionFrame(form(1, 7, "ab"), "xs1"), "a Crossroads peer judges filters itself");
});

test("subscriptionFromData: 01/00 + topic from ZMTP and 0MQ peers, the 4-byte form from Crossroads", () => {
  for (const v of ["3.0", "2.0", "1.0", "zmtp1"]) {
    const s = subscriptionFromData(hex('01 "ab"'), v)!;
    assert.deepEqual([s.cmd, s.filter, [...s.body]], [1, 1, [...ascii("ab")]], v);
    assert.equal(subscriptionFromData(hex('00 "ab"'), v)!.cmd, 2, v);
    assert.equal(subscriptionFromData(hex('02 "ab"'), v), null, v);
    assert.equal(subscriptionFromData(new Uint8Array(0), v), null, v);
  }
  const x = subscriptionFromData(form(1, 2, "a.*"), "xs1")!;
  assert.deepEqual([x.cmd, x.filter, [...x.body]], [1, 2, [...ascii("a.*")]]);
  assert.equal(subscriptionFromData(form(5, 1, "a"), "xs1"), null, "malformed: skipped");
  assert.equal(subscriptionFromData(hex("00 01 00"), "xs1"), null, "short: skipped");
});

test("subscriptionFromCommand: SUBSCRIBE and CANCEL, nothing else", () => {
  assert.deepEqual(subscriptionFromCommand("SUBSCRIBE", ascii("t")), {
    cmd: 1,
    filter: 1,
    body: ascii("t"),
  });
  assert.equal(subscriptionFromCommand("CANCEL", ascii("t"))!.cmd, 2);
  assert.equal(subscriptionFromCommand("PING", ascii("t")), null);
});
