/**
 * Tests of lib/wire/metadata.ts: the property layout of docs/wire.md §3.4.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { encodeMetadata, parseMetadata } from "../../lib/wire/mod.ts";
import { ascii, fill, hex } from "./_hex.ts";

const DEALER_META = hex(
  '0B "Socket-Type" 00 00 00 06 "DEALER" 08 "Identity" 00 00 00 02 "AB"',
);

test("encodeMetadata writes name_len, name, 4-byte value_len, value in order", () => {
  assert.deepEqual(
    encodeMetadata([["Socket-Type", ascii("DEALER")], ["Identity", ascii("AB")]]),
    DEALER_META,
  );
  assert.deepEqual(encodeMetadata([]), new Uint8Array(0));
  const long = encodeMetadata([["X-Big", fill(70_000, 1)]]);
  assert.deepEqual(long.subarray(6, 10), hex("00 01 11 70"));
});

test("encodeMetadata refuses an empty, oversized or non-ASCII name", () => {
  assert.throws(() => encodeMetadata([["", new Uint8Array(0)]]), RangeError);
  assert.throws(() => encodeMetadata([["n".repeat(256), new Uint8Array(0)]]), RangeError);
  assert.throws(() => encodeMetadata([["Ünit", new Uint8Array(0)]]), RangeError);
});

test("parseMetadata looks names up case-insensitively", () => {
  const m = parseMetadata(DEALER_META);
  assert.ok(m);
  assert.deepEqual(m.get("socket-type"), ascii("DEALER"));
  assert.deepEqual(m.get("identity"), ascii("AB"));
  const lower = parseMetadata(hex('0B "socket-type" 00 00 00 04 "PULL"'));
  assert.deepEqual(lower?.get("socket-type"), ascii("PULL"));
});

test("parseMetadata accepts an empty body and empty values", () => {
  assert.equal(parseMetadata(new Uint8Array(0))?.size, 0);
  assert.deepEqual(parseMetadata(hex('08 "Identity" 00 00 00 00'))?.get("identity"), hex(""));
});

test("parseMetadata rejects truncated metadata and one stray trailing byte", () => {
  for (let cut = 1; cut < DEALER_META.length; cut++) {
    if (cut === 22) continue; // exactly the first property: complete
    assert.equal(parseMetadata(DEALER_META.subarray(0, cut)), null, `cut ${cut}`);
  }
  assert.equal(parseMetadata(hex('0B "Socket-Type" 00 00 00 04 "PULL" 00')), null);
  assert.equal(parseMetadata(hex('01 "A" FF FF FF FF 00')), null);
});

test("parseMetadata keeps unknown properties", () => {
  const m = parseMetadata(hex('07 "X-Color" 00 00 00 03 "red"'));
  assert.deepEqual(m?.get("x-color"), ascii("red"));
});
