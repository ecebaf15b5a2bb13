/**
 * Tests of lib/wire/frame.ts: flag values and header writers against docs/wire.md §2.1 and §3.2.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  header1Size,
  header3Size,
  MAX_FRAME_HARD_CAP,
  readU64,
  writeHeader1,
  writeHeader3,
  writeU64,
} from "../../lib/wire/mod.ts";
import { hex } from "./_hex.ts";

function h3(flags: number, size: number): Uint8Array {
  const b = new Uint8Array(9);
  return b.subarray(0, writeHeader3(b, 0, flags, size));
}

function h1(more: boolean, size: number): Uint8Array {
  const b = new Uint8Array(10);
  return b.subarray(0, writeHeader1(b, 0, more, size));
}

test("frame flags have the ZMTP/3.x bit values", () => {
  assert.equal(FLAG_MORE, 1);
  assert.equal(FLAG_LONG, 2);
  assert.equal(FLAG_COMMAND, 4);
  assert.equal(MAX_FRAME_HARD_CAP, 2 ** 31 - 1);
});

test("header3Size switches to the long form above 255 bytes", () => {
  assert.equal(header3Size(0), 2);
  assert.equal(header3Size(255), 2);
  assert.equal(header3Size(256), 9);
});

test("writeHeader3 writes the short and long forms of docs/wire.md §3.2", () => {
  assert.deepEqual(h3(0, 5), hex("00 05"));
  assert.deepEqual(h3(FLAG_MORE, 2), hex("01 02"));
  assert.deepEqual(h3(0, 0), hex("00 00"));
  assert.deepEqual(h3(0, 255), hex("00 FF"));
  assert.deepEqual(h3(0, 300), hex("02 00 00 00 00 00 00 01 2C"));
  assert.deepEqual(h3(FLAG_MORE, 256), hex("03 00 00 00 00 00 00 01 00"));
  assert.deepEqual(h3(FLAG_COMMAND, 0x29), hex("04 29"));
  assert.deepEqual(h3(FLAG_COMMAND, 1000), hex("06 00 00 00 00 00 00 03 E8"));
});

test("writeHeader3 never sends LONG on a small frame nor reserved bits", () => {
  assert.deepEqual(h3(FLAG_LONG | 0xf8 | FLAG_MORE, 3), hex("01 03"));
});

test("writeHeader3 writes sizes up to 2^53-1 as two 32-bit halves", () => {
  assert.deepEqual(h3(0, 2 ** 53 - 1), hex("02 00 1F FF FF FF FF FF FF"));
  assert.deepEqual(h3(0, 2 ** 32 + 5), hex("02 00 00 00 01 00 00 00 05"));
});

test("header1Size switches to the long form at a 254-byte body", () => {
  assert.equal(header1Size(0), 2);
  assert.equal(header1Size(253), 2);
  assert.equal(header1Size(254), 10);
});

test("writeHeader1 counts the flags byte in the length, as docs/wire.md §2.1", () => {
  assert.deepEqual(h1(false, 5), hex("06 00"));
  assert.deepEqual(h1(true, 1), hex("02 01"));
  assert.deepEqual(h1(false, 0), hex("01 00"));
  assert.deepEqual(h1(false, 253), hex("FE 00"));
  assert.deepEqual(h1(false, 254), hex("FF 00 00 00 00 00 00 00 FF 00"));
  assert.deepEqual(h1(false, 300), hex("FF 00 00 00 00 00 00 01 2D 00"));
  assert.deepEqual(h1(true, 300), hex("FF 00 00 00 00 00 00 01 2D 01"));
});

test("readU64 returns -1 above Number.MAX_SAFE_INTEGER", () => {
  const b = new Uint8Array(8);
  writeU64(b, 0, Number.MAX_SAFE_INTEGER);
  assert.equal(readU64(b, 0), Number.MAX_SAFE_INTEGER);
  assert.equal(readU64(hex("00 20 00 00 00 00 00 00"), 0), -1);
  assert.equal(readU64(hex("FF FF FF FF FF FF FF FF"), 0), -1);
  assert.equal(readU64(hex("00 00 00 00 00 00 01 2C"), 0), 300);
});
