/**
 * Tests of lib/wire/commands.ts: byte-exact command frames from docs/wire.md §3.3, §3.4, §3.7 and
 * 3.8, and the command parsers.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  encodeCommand,
  errorFrame,
  parseCommand,
  parseError,
  parsePing,
  pingFrame,
  pongFrame,
  readyFrame,
} from "../../lib/wire/mod.ts";
import { ascii, cat, fill, hex } from "./_hex.ts";

test("encodeCommand writes the name constants of docs/wire.md §3.3", () => {
  const names: [string, string][] = [
    ["READY", "05 52 45 41 44 59"],
    ["ERROR", "05 45 52 52 4F 52"],
    ["HELLO", "05 48 45 4C 4C 4F"],
    ["WELCOME", "07 57 45 4C 43 4F 4D 45"],
    ["INITIATE", "08 49 4E 49 54 49 41 54 45"],
    ["MESSAGE", "07 4D 45 53 53 41 47 45"],
    ["SUBSCRIBE", "09 53 55 42 53 43 52 49 42 45"],
    ["CANCEL", "06 43 41 4E 43 45 4C"],
    ["PING", "04 50 49 4E 47"],
    ["PONG", "04 50 4F 4E 47"],
  ];
  for (const [name, bytes] of names) {
    const body = hex(bytes);
    assert.deepEqual(
      encodeCommand(name, new Uint8Array(0)),
      cat(hex("04"), new Uint8Array([body.length]), body),
    );
  }
});

test("encodeCommand uses the long form for a body over 255 bytes", () => {
  const f = encodeCommand("MESSAGE", fill(300, 1));
  assert.deepEqual(f.subarray(0, 9), hex("06 00 00 00 00 00 00 01 34"));
  assert.equal(f.length, 9 + 308);
});

test("encodeCommand refuses an empty or non-ASCII name", () => {
  assert.throws(() => encodeCommand("", new Uint8Array(0)), RangeError);
  assert.throws(() => encodeCommand("x".repeat(256), new Uint8Array(0)), RangeError);
  assert.throws(() => encodeCommand("PÏNG", new Uint8Array(0)), RangeError);
});

test("parseCommand splits name and data", () => {
  const c = parseCommand(hex('04 "PING" 00 0F 63'));
  assert.equal(c?.name, "PING");
  assert.deepEqual(c?.data, hex("00 0F 63"));
  assert.deepEqual(parseCommand(hex('05 "READY"'))?.data, new Uint8Array(0));
});

test("parseCommand returns null for an empty body or a name longer than the body", () => {
  assert.equal(parseCommand(new Uint8Array(0)), null);
  assert.equal(parseCommand(hex('05 "READ"')), null);
});

test("readyFrame matches libzmq's READY for every socket type of docs/wire.md §3.4", () => {
  const pre = "05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65";
  const id0 = "08 49 64 65 6E 74 69 74 79 00 00 00 00";
  const table: [string, boolean, string][] = [
    ["DEALER", true, `04 29 ${pre} 00 00 00 06 44 45 41 4C 45 52 ${id0}`],
    ["ROUTER", true, `04 29 ${pre} 00 00 00 06 52 4F 55 54 45 52 ${id0}`],
    ["REQ", true, `04 26 ${pre} 00 00 00 03 52 45 51 ${id0}`],
    ["REP", false, `04 19 ${pre} 00 00 00 03 52 45 50`],
    ["PUB", false, `04 19 ${pre} 00 00 00 03 50 55 42`],
    ["SUB", false, `04 19 ${pre} 00 00 00 03 53 55 42`],
    ["XPUB", false, `04 1A ${pre} 00 00 00 04 58 50 55 42`],
    ["XSUB", false, `04 1A ${pre} 00 00 00 04 58 53 55 42`],
    ["PUSH", false, `04 1A ${pre} 00 00 00 04 50 55 53 48`],
    ["PULL", false, `04 1A ${pre} 00 00 00 04 50 55 4C 4C`],
    ["PAIR", false, `04 1A ${pre} 00 00 00 04 50 41 49 52`],
  ];
  for (const [type, withId, bytes] of table) {
    assert.deepEqual(readyFrame(type, withId ? new Uint8Array(0) : null), hex(bytes), type);
  }
  assert.deepEqual(
    readyFrame("DEALER", ascii("AB")),
    hex(
      `04 2B ${pre} 00 00 00 06 44 45 41 4C 45 52 08 49 64 65 6E 74 69 74 79 00 00 00 02 41 42`,
    ),
  );
});

test("pingFrame and pongFrame match docs/wire.md §3.8", () => {
  assert.deepEqual(pingFrame(15, new Uint8Array(0)), hex("04 07 04 50 49 4E 47 00 0F"));
  assert.deepEqual(pingFrame(0, ascii("ctx")), hex("04 0A 04 50 49 4E 47 00 00 63 74 78"));
  assert.deepEqual(pongFrame(ascii("ctx")), hex("04 08 04 50 4F 4E 47 63 74 78"));
  assert.deepEqual(pongFrame(new Uint8Array(0)), hex("04 05 04 50 4F 4E 47"));
});

test("pingFrame clamps the ttl to 16 bits", () => {
  assert.deepEqual(pingFrame(70_000, new Uint8Array(0)).subarray(7), hex("FF FF"));
  assert.deepEqual(pingFrame(-3, new Uint8Array(0)).subarray(7), hex("00 00"));
});

test("pongFrame echoes only the first 16 bytes of a longer context", () => {
  const ctx = ascii("0123456789abcdefXYZW");
  assert.deepEqual(pongFrame(ctx), cat(hex('04 15 04 "PONG"'), ascii("0123456789abcdef")));
  assert.equal(pingFrame(0, ctx).length, 2 + 5 + 2 + 16);
});

test("parsePing reads ttl and context, and treats a short PING as ttl 0", () => {
  const p = parsePing(hex("00 0F 63 74 78"));
  assert.equal(p.ttl, 15);
  assert.deepEqual(p.context, ascii("ctx"));
  for (const short of [new Uint8Array(0), hex("05")]) {
    const q = parsePing(short);
    assert.equal(q.ttl, 0);
    assert.equal(q.context.length, 0);
  }
  assert.equal(parsePing(hex("01 00")).ttl, 256);
});

test("errorFrame and parseError round-trip a reason", () => {
  const f = errorFrame("400");
  assert.deepEqual(f, hex('04 0A 05 "ERROR" 03 "400"'));
  const c = parseCommand(f.subarray(2));
  assert.equal(c?.name, "ERROR");
  assert.equal(parseError(c!.data), "400");
  assert.equal(errorFrame("x".repeat(300)).length, 2 + 6 + 1 + 255 + 7);
});

test("parseError returns null when reason_len exceeds the body", () => {
  assert.equal(parseError(hex('05 "40"')), null);
  assert.equal(parseError(new Uint8Array(0)), null);
});
