/**
 * Tests of lib/wire/encoder.ts: whole frames and messages against the examples of
 * docs/wire.md §2.1 and §3.2.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  encodedSize1,
  encodedSize3,
  encodeFrame1,
  encodeFrame3,
  encodeMessage1,
  encodeMessage3,
  FLAG_MORE,
  messageChunks,
} from "../../lib/wire/mod.ts";
import { ascii, cat, fill, hex } from "./_hex.ts";

test("encodeMessage1 matches the ZMTP/1.0 examples of docs/wire.md §2.1", () => {
  assert.deepEqual(encodeMessage1([ascii("hello")]), hex("06 00 68 65 6C 6C 6F"));
  assert.deepEqual(encodeMessage1([ascii("a"), ascii("bc")]), hex("02 01 61 03 00 62 63"));
  assert.deepEqual(encodeMessage1([ascii(""), ascii("hi")]), hex("01 01 03 00 68 69"));
  assert.deepEqual(
    encodeMessage1([fill(300, 0x78)]),
    cat(hex("FF 00 00 00 00 00 00 01 2D 00"), fill(300, 0x78)),
  );
  assert.deepEqual(encodeMessage1([ascii("")]), hex("01 00"));
  assert.deepEqual(encodeMessage1([ascii("XID")]), hex("04 00 58 49 44"));
});

test("encodeMessage3 matches the ZMTP/3.x examples of docs/wire.md §3.2", () => {
  assert.deepEqual(encodeMessage3([ascii("hello")]), hex("00 05 68 65 6C 6C 6F"));
  assert.deepEqual(
    encodeMessage3([ascii("hi"), fill(300, 0x78)]),
    cat(hex("01 02 68 69 02 00 00 00 00 00 00 01 2C"), fill(300, 0x78)),
  );
  assert.deepEqual(encodeMessage3([ascii(""), ascii("hi")]), hex("01 00 00 02 68 69"));
  assert.deepEqual(encodeMessage3([ascii("")]), hex("00 00"));
});

test("encodeFrame3 writes at an offset and returns the bytes written", () => {
  const b = new Uint8Array(3 + encodedSize3(2));
  assert.equal(encodeFrame3(b, 3, FLAG_MORE, ascii("hi")), 4);
  assert.deepEqual(b, hex("00 00 00 01 02 68 69"));
  assert.equal(encodedSize3(300), 309);
});

test("encodeFrame1 writes at an offset and returns the bytes written", () => {
  const b = new Uint8Array(1 + encodedSize1(254));
  assert.equal(encodeFrame1(b, 1, true, fill(254, 1)), 264);
  assert.deepEqual(b.subarray(0, 12), hex("00 FF 00 00 00 00 00 00 00 FF 01 01"));
  assert.equal(encodedSize1(253), 255);
});

test("messageChunks: headers and small parts gathered, large parts passed uncopied", () => {
  const big = fill(300, 0x42);
  const small = (n: number) => fill(n, 0x73);
  const chunks = messageChunks([[small(3), big, small(2), small(2)]], false, 16, 1000);
  // [hdr 3][3 bytes][LONG hdr of big] | big | [hdr][2][hdr][2]
  assert.deepEqual(chunks.map((c) => c.length), [2 + 3 + 9, 300, 4 + 4]);
  assert.equal(chunks[1], big, "the large part is the caller's own array");
  const all = cat(...chunks);
  assert.deepEqual(all, encodeMessage3([small(3), big, small(2), small(2)]));
  // A gathered chunk closes once it reaches `gather` bytes.
  const g = messageChunks([[small(10), small(10), small(10)]], false, 16, 20);
  assert.deepEqual(g.map((c) => c.length), [24, 12]);
  // ZMTP/1.0 framing with v1.
  const one = messageChunks([[small(3), big]], true, 16, 1000);
  assert.deepEqual(cat(...one), encodeMessage1([small(3), big]));
});

test("messageChunks: several messages, one after the other, MORE within each only", () => {
  const a = [ascii("a1"), ascii("a2")], b = [ascii("b")], c = [fill(300, 0x43)];
  const chunks = messageChunks([a, b, c], false, 16, 1000);
  assert.deepEqual(cat(...chunks), cat(encodeMessage3(a), encodeMessage3(b), encodeMessage3(c)));
  assert.deepEqual(
    cat(...messageChunks([a, b], true, 16, 1000)),
    cat(encodeMessage1(a), encodeMessage1(b)),
  );
});
