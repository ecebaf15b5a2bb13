/**
 * Tests of lib/wire/decoder.ts: every split point, backpressure, zero-copy views, the
 * tolerances and the framing errors of docs/wire.md §8.1 (rows 19-24).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  commandLimit,
  Decoder1,
  Decoder3,
  FLAG_COMMAND,
  FLAG_MORE,
  type FrameSink,
  MAX_COMMAND_SIZE,
  MAX_FRAME_HARD_CAP,
  writeHeader3,
} from "../../lib/wire/mod.ts";
import { cat, fill, frames, hex, Recorder } from "./_hex.ts";

type Make = (sink: FrameSink, max: number) => Decoder1 | Decoder3;
const make3: Make = (s, m) => new Decoder3(s, m);
const make1: Make = (s, m) => new Decoder1(s, m);

/** Feeds `pieces` in order, keeping unconsumed tails like an engine does. */
function run(make: Make, pieces: Uint8Array[], max = -1): Recorder {
  const r = new Recorder();
  const d = make(r, max);
  let tail = new Uint8Array(0);
  for (const p of pieces) {
    const buf = cat(tail, p);
    const n = d.feed(buf);
    assert.notEqual(n, -1, d.error ?? "");
    tail = buf.slice(n);
  }
  assert.equal(tail.length, 0);
  return r;
}

/** Checks the decode of `wire` for one piece, every 2-way split and 1-byte pieces. */
function everySplit(make: Make, wire: Uint8Array, want: ReturnType<typeof frames>) {
  assert.deepEqual(run(make, [wire]).frames, want);
  for (let i = 0; i <= wire.length; i++) {
    assert.deepEqual(run(make, [wire.subarray(0, i), wire.subarray(i)]).frames, want, `split ${i}`);
  }
  const ones = [...wire].map((b) => new Uint8Array([b]));
  assert.deepEqual(run(make, ones).frames, want);
}

const big = fill(300, 0x78);

test("Decoder1 decodes the examples of docs/wire.md §2.1 at every split point", () => {
  everySplit(make1, hex("06 00 68 65 6C 6C 6F"), frames([0, "hello"]));
  everySplit(make1, hex("02 01 61 03 00 62 63"), frames([FLAG_MORE, "a"], [0, "bc"]));
  everySplit(make1, hex("01 01 03 00 68 69"), frames([FLAG_MORE, ""], [0, "hi"]));
  everySplit(make1, cat(hex("FF 00 00 00 00 00 00 01 2D 00"), big), frames([0, big]));
  everySplit(make1, hex("01 00"), frames([0, ""]));
  everySplit(make1, hex("04 00 58 49 44"), frames([0, "XID"]));
});

test("Decoder3 decodes the examples of docs/wire.md §3.2 at every split point", () => {
  everySplit(make3, hex("00 05 68 65 6C 6C 6F"), frames([0, "hello"]));
  everySplit(
    make3,
    cat(hex("01 02 68 69 02 00 00 00 00 00 00 01 2C"), big),
    frames([FLAG_MORE, "hi"], [0, big]),
  );
  everySplit(make3, hex("01 00 00 02 68 69"), frames([FLAG_MORE, ""], [0, "hi"]));
  everySplit(make3, hex("00 00"), frames([0, ""]));
  everySplit(
    make3,
    hex('04 07 04 "PING" 00 0F 00 01 61'),
    frames([FLAG_COMMAND, hex('04 "PING" 00 0F')], [0, "a"]),
  );
});

test("Decoder3 decodes a stream at every three-way split", () => {
  const wire = hex('01 02 68 69 03 00 00 00 00 00 00 00 01 7A 04 05 04 "PONG" 00 00');
  const want = frames([1, "hi"], [1, "z"], [4, hex('04 "PONG"')], [0, ""]);
  for (let i = 0; i <= wire.length; i++) {
    for (let j = i; j <= wire.length; j++) {
      const got = run(make3, [wire.subarray(0, i), wire.subarray(i, j), wire.subarray(j)]);
      assert.deepEqual(got.frames, want, `split ${i},${j}`);
    }
  }
});

test("Decoder3 hands out views of the fed chunk, not copies", () => {
  const wire = hex("00 05 68 65 6C 6C 6F");
  let seen: Uint8Array | null = null;
  const d = new Decoder3({ start: () => true, body: (b) => (seen = b, b.length) }, -1);
  assert.equal(d.feed(wire), 7);
  assert.ok(seen !== null);
  assert.equal((seen as Uint8Array).buffer, wire.buffer);
  assert.equal((seen as Uint8Array).byteOffset, 2);
});

test("Decoder3 accepts LONG with a small size and ignores reserved bits", () => {
  everySplit(make3, hex("02 00 00 00 00 00 00 00 03 61 62 63"), frames([0, "abc"]));
  everySplit(make3, hex("F8 03 61 62 63"), frames([0, "abc"]));
  everySplit(make3, hex("F9 01 61"), frames([FLAG_MORE, "a"]));
});

test("Decoder3 strips MORE from a command", () => {
  everySplit(make3, hex('05 05 04 "PONG"'), frames([FLAG_COMMAND, hex('04 "PONG"')]));
  everySplit(make3, hex('07 00 00 00 00 00 00 00 05 04 "PONG"'), frames([4, hex('04 "PONG"')]));
});

test("Decoder1 keeps only the MORE bit and accepts a long form with a small length", () => {
  everySplit(make1, hex("02 7F 61"), frames([FLAG_MORE, "a"]));
  everySplit(make1, hex("02 FE 61"), frames([0, "a"]));
  everySplit(make1, hex("FF 00 00 00 00 00 00 00 03 7F 58 59"), frames([FLAG_MORE, "XY"]));
});

test("Decoder1 rejects a frame of length 0 in either form", () => {
  for (const wire of [hex("00 00"), hex("FF 00 00 00 00 00 00 00 00 00")]) {
    const r = new Recorder();
    const d = new Decoder1(r, -1);
    assert.equal(d.feed(wire), -1);
    assert.match(d.error ?? "", /length 0/);
    assert.equal(r.frames.length, 0);
    assert.equal(d.feed(hex("01 00")), -1);
  }
});

test("Decoder1 rejects a length of 0 as soon as the length is in, before its flags byte", () => {
  // docs/wire.md §8.1 row 24: a peer that sends a zero length and stops must not keep the
  // connection open waiting for a flags byte that decides nothing.
  for (const wire of [hex("00"), hex("FF 00 00 00 00 00 00 00 00")]) {
    for (const pieces of [[wire], [...wire].map((b) => new Uint8Array([b]))]) {
      const d = new Decoder1(new Recorder(), -1);
      let n = 0;
      for (const p of pieces) n = d.feed(p);
      assert.equal(n, -1, `${pieces.length} pieces of ${wire.length} bytes`);
      assert.match(d.error ?? "", /length 0/);
    }
  }
  // After a whole frame in the same chunk: that frame is kept, then the error.
  const r = new Recorder();
  const d = new Decoder1(r, -1);
  assert.equal(d.feed(hex("02 00 61 00")), -1);
  assert.deepEqual(r.frames, frames([0, "a"]));
  // A long-form length over the limit is refused before its flags byte as well.
  const m = new Decoder1(new Recorder(), 100);
  assert.equal(m.feed(hex("FF 00 00 00 00 00 00 03 E8")), -1);
  assert.match(m.error ?? "", /exceeds maxMsgSize 100/);
});

test("Decoder3 rejects a frame longer than maxMsgSize before its body arrives", () => {
  const r = new Recorder();
  const d = new Decoder3(r, 10);
  assert.equal(d.feed(hex("00 0A 30 31 32 33 34 35 36 37 38 39")), 12);
  assert.equal(d.feed(hex("00")), 1);
  assert.equal(d.feed(hex("0B")), -1);
  assert.match(d.error ?? "", /maxMsgSize 10/);
  assert.equal(r.frames.length, 1);
  assert.equal(d.feed(hex("00 00")), -1);
});

test("Decoder3 holds commands to MAX_COMMAND_SIZE, not to a smaller maxMsgSize", () => {
  // docs/wire.md §8.4: maxMsgSize limits message parts; a PONG (5 bytes) passes a limit of 4,
  // and so does a command of exactly MAX_COMMAND_SIZE bytes (announced in a LONG header).
  const r = new Recorder();
  const d = new Decoder3(r, 4);
  assert.equal(d.feed(hex('04 05 04 "PONG"')), 7);
  assert.deepEqual(r.frames, frames([FLAG_COMMAND, hex('04 "PONG"')]));
  const long = new Uint8Array(9);
  writeHeader3(long, 0, FLAG_COMMAND, MAX_COMMAND_SIZE);
  assert.equal(d.feed(long), 9);
  assert.equal(d.error, null);
  // One byte more is refused on its header.
  const over = new Decoder3(new Recorder(), 4);
  writeHeader3(long, 0, FLAG_COMMAND, MAX_COMMAND_SIZE + 1);
  assert.equal(over.feed(long), -1);
  assert.match(over.error ?? "", /Command frame size 65537 exceeds the limit of 65536/);
  // Data frames keep the part limit: 4 bytes pass, 5 do not.
  const part = new Decoder3(new Recorder(), 4);
  assert.equal(part.feed(hex('00 04 "abcd"')), 6);
  assert.equal(part.feed(hex('00 05 "abcde"')), -1);
  assert.match(part.error ?? "", /exceeds maxMsgSize 4/);
  // A limit above MAX_COMMAND_SIZE lifts the command limit with it.
  assert.equal(commandLimit(100_000), 100_000);
  const big = new Decoder3(new Recorder(), 100_000);
  writeHeader3(long, 0, FLAG_COMMAND, 100_000);
  assert.equal(big.feed(long), 9);
  writeHeader3(long, 0, FLAG_COMMAND, 100_001);
  assert.equal(new Decoder3(new Recorder(), 100_000).feed(long), -1);
});

test("Decoder1 holds every frame to maxMsgSize (ZMTP/1.0 has no commands)", () => {
  const d = new Decoder1(new Recorder(), 4);
  assert.equal(d.feed(hex('05 00 "abcd"')), 6);
  assert.equal(d.feed(hex("06")), -1);
  assert.match(d.error ?? "", /exceeds maxMsgSize 4/);
});

test("Decoder1 rejects a frame longer than maxMsgSize before its body arrives", () => {
  const r = new Recorder();
  const d = new Decoder1(r, 253);
  assert.equal(d.feed(cat(hex("FE 00"), fill(253, 0x61))), 255);
  // The length field alone decides: the flags byte is not awaited (docs/wire.md §8.1 row 22).
  assert.equal(d.feed(hex("FF 00 00 00 00 00 00 00 FF")), -1);
  assert.match(d.error ?? "", /exceeds maxMsgSize 253/);
  assert.equal(r.bodyCalls, 1);
  assert.equal(r.frames.length, 1);
});

test("Decoder3 rejects a huge size without a limit at the hard cap", () => {
  const ok = new Decoder3(new Recorder(), -1);
  assert.equal(ok.feed(hex("02 00 00 00 00 7F FF FF FF")), 9);
  for (const max of [-1, 2 ** 64 - 1]) {
    const d = new Decoder3(new Recorder(), max);
    assert.equal(d.feed(hex("02 00 00 00 00 80 00 00 00")), -1);
    assert.match(d.error ?? "", /hard cap/);
  }
  assert.equal(MAX_FRAME_HARD_CAP, 0x7fffffff);
});

test("Decoder3 rejects a 64-bit size above Number.MAX_SAFE_INTEGER", () => {
  const d = new Decoder3(new Recorder(), -1);
  assert.equal(d.feed(hex("02 FF FF FF FF FF FF FF FF 00")), -1);
  assert.match(d.error ?? "", /MAX_SAFE_INTEGER/);
});

test("Decoder1 rejects a huge long-form length without a limit", () => {
  const d = new Decoder1(new Recorder(), -1);
  assert.equal(d.feed(hex("FF 00 00 00 00 80 00 00 01 00")), -1);
  const e = new Decoder1(new Recorder(), -1);
  assert.equal(e.feed(hex("FF FF FF FF FF FF FF FF FF 00")), -1);
});

test("Decoder3 keeps a refused header pending and offers it again", () => {
  let allow = false;
  const starts: number[] = [];
  const bodies: number[] = [];
  const sink: FrameSink = {
    start: (_f, size) => (starts.push(size), allow),
    body: (b) => (bodies.push(...b), b.length),
  };
  const d = new Decoder3(sink, -1);
  const wire = hex("00 02 68 69 00 00");
  assert.equal(d.feed(wire), 2);
  assert.deepEqual(starts, [2]);
  assert.equal(d.feed(wire.subarray(2)), 0);
  assert.deepEqual(starts, [2, 2]);
  allow = true;
  assert.equal(d.feed(wire.subarray(2)), 4);
  assert.deepEqual(starts, [2, 2, 2, 0]);
  assert.deepEqual(bodies, [0x68, 0x69]);
});

test("Decoder3 retries a refused frame on an empty feed", () => {
  let allow = false;
  let n = 0;
  const d = new Decoder3({ start: () => (n++, allow), body: (b) => b.length }, -1);
  assert.equal(d.feed(hex("00 00")), 2);
  allow = true;
  assert.equal(d.feed(new Uint8Array(0)), 0);
  assert.equal(n, 2);
});

test("Decoder3 stops where the sink accepted part of a body", () => {
  const got: number[] = [];
  const d = new Decoder3({
    start: () => true,
    body: (b) => (got.push(b[0]!), 1),
  }, -1);
  const wire = hex("01 03 61 62 63 00 01 64");
  let tail = wire;
  let rounds = 0;
  while (tail.length > 0) {
    const n = d.feed(tail);
    assert.ok(n >= 0);
    tail = tail.subarray(n);
    rounds++;
  }
  assert.deepEqual(got, [0x61, 0x62, 0x63, 0x64]);
  // Whole-chunk acceptance of the last byte lets the next frame through in the same feed.
  assert.equal(rounds, 3);
});

test("Decoder1 stops when the sink accepts nothing", () => {
  let take = 0;
  const got: number[] = [];
  const d = new Decoder1({
    start: () => true,
    body: (b) => {
      const n = Math.min(take, b.length);
      got.push(...b.subarray(0, n));
      return n;
    },
  }, -1);
  const wire = hex("04 00 58 49 44");
  assert.equal(d.feed(wire), 2);
  take = 2;
  assert.equal(d.feed(wire.subarray(2)), 2);
  take = 10;
  assert.equal(d.feed(wire.subarray(4)), 1);
  assert.deepEqual(got, [0x58, 0x49, 0x44]);
});

test("Decoder3 never calls body for an empty frame", () => {
  const r = new Recorder();
  const d = new Decoder3(r, -1);
  assert.equal(d.feed(hex("01 00 01 00 00 00")), 6);
  assert.equal(r.frames.length, 3);
  assert.equal(r.bodyCalls, 0);
});
