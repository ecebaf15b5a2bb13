/**
 * Tests of lib/security/curve_stream.ts: CURVE MESSAGE boxing of ZMTP/3 frames
 * (docs/security.md §6.2, §6.5, §8.1 rows 22, 23, 30-33): the libzmq test
 * vector byte for byte, round trips in both directions under every split of the input,
 * and every way a received stream fails (replay, reorder, tampering, oversize, ERROR, MORE).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { CurveStream } from "../../lib/security/curve_stream.ts";
import { open } from "../../lib/security/crypto.ts";
import { FLAG_COMMAND, FLAG_MORE, MAX_FRAME_HARD_CAP, writeHeader3 } from "../../lib/wire/frame.ts";
import { ascii, cat, hex } from "../wire/_hex.ts";
import { frame, pattern, pump, rng, split } from "../wire/_stream.ts";

/** K = beforenm(S′, c′) of the docs/security.md §6 test vectors. */
const K = hex("333eb29d53c51accd045b6f4a9cfe9db6c3b2424a5136c760dd93ffd3982a83f");

/** A connected pair: client (next send 3, last seen 1) and server (next send 2, last seen 2). */
function pair(maxMsgSize = -1): { client: CurveStream; server: CurveStream } {
  return {
    client: new CurveStream(K, "client", 3, 1, maxMsgSize),
    server: new CurveStream(K, "server", 2, 2, maxMsgSize),
  };
}

/** A client's MESSAGE frames for plain `frames`, the stream restarted each time. */
function clientWire(plain: Uint8Array, sendCounter = 3): Uint8Array {
  return new CurveStream(K, "client", sendCounter, 1, -1).encode(plain);
}

function sameBytes(a: Uint8Array | null, b: Uint8Array, what: string): void {
  assert.ok(a !== null, `${what}: null`);
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) assert.fail(`${what}: byte ${i} is ${a[i]}, expected ${b[i]}`);
  }
}

test("a client MESSAGE is byte for byte libzmq's (docs/security.md §6 vector)", () => {
  const { client } = pair();
  const wire = client.encode(frame(0, ascii("hello")));
  // Outer flags 00, size 38 = 33 + 5; counter 3; the box of the test vector.
  const expected = hex(
    '00 26 07 "MESSAGE" 00 00 00 00 00 00 00 03 45159c3f469cbabe59f9bee9dc9124ef56c3bead8cc4',
  );
  sameBytes(wire, expected, "MESSAGE frame");
  assert.equal(client.sendCounter, 4);
});

test("encode puts MORE and COMMAND in the inner flags, never on the outer frame", () => {
  const nonce = cat(ascii("CurveZMQMESSAGEC"), hex("00 00 00 00 00 00 00 03"));
  const cases: [Uint8Array, string][] = [
    [frame(FLAG_COMMAND, hex('04 "PING" 00 00')), '02 04 "PING" 00 00'],
    [frame(FLAG_COMMAND, hex('04 "PONG" "xy"')), '02 04 "PONG" "xy"'],
    [frame(FLAG_MORE, ascii("hi")), '01 "hi"'],
    [frame(FLAG_MORE | FLAG_COMMAND, ascii("x")), '03 "x"'],
    [frame(0, new Uint8Array(0)), "00"],
  ];
  for (const [plain, inner] of cases) {
    const wire = clientWire(plain);
    assert.equal(wire[0], 0x00, "outer flags");
    assert.equal(wire[1], wire.length - 2, "outer size");
    assert.deepEqual(open(K, nonce, wire.subarray(18)), hex(inner));
  }
});

test("the outer frame is long exactly when the MESSAGE body is over 255 bytes", () => {
  const short = clientWire(frame(0, pattern(222, 1))); // body 33 + 222 = 255
  assert.deepEqual(short.subarray(0, 2), hex("00 FF"));
  assert.equal(short.length, 2 + 255);
  const long = clientWire(frame(0, pattern(223, 1))); // body 256
  assert.deepEqual(long.subarray(0, 9), hex("02 00 00 00 00 00 00 01 00"));
  assert.equal(long.length, 9 + 256);
  const big = clientWire(frame(FLAG_MORE, pattern(70_000, 2)));
  assert.deepEqual(big.subarray(0, 9), hex("02 00 00 00 00 00 01 11 91"));
  assert.deepEqual(big.subarray(9, 17), hex('07 "MESSAGE"'));
});

test("encode numbers MESSAGEs +1 each and returns them concatenated", () => {
  const { client } = pair();
  const plain = cat(
    frame(FLAG_MORE, ascii("a")),
    frame(FLAG_MORE, ascii("")),
    frame(0, ascii("b")),
  );
  const wire = client.encode(plain);
  assert.equal(wire.length, 3 * 2 + 33 * 3 + 2);
  assert.deepEqual(wire.subarray(10, 18), hex("00 00 00 00 00 00 00 03"));
  assert.deepEqual(wire.subarray(36 + 10, 36 + 18), hex("00 00 00 00 00 00 00 04"));
  assert.deepEqual(wire.subarray(71 + 10, 71 + 18), hex("00 00 00 00 00 00 00 05"));
  assert.equal(client.sendCounter, 6);
  assert.equal(client.encode(new Uint8Array(0)).length, 0);
});

test("counters above 2^32 are written as 8-byte big-endian", () => {
  const c = new CurveStream(K, "client", 2 ** 40 + 5, 1, -1);
  const s = new CurveStream(K, "server", 2, 2 ** 40 + 4, -1);
  const wire = c.encode(frame(0, ascii("z")));
  assert.deepEqual(wire.subarray(10, 18), hex("00 00 01 00 00 00 00 05"));
  sameBytes(s.decode(wire), frame(0, ascii("z")), "decoded");
  assert.equal(s.recvCounter, 2 ** 40 + 5);
});

/** Frames of a multipart message covering the size boundaries, commands included. */
function smallMessage(): Uint8Array {
  return cat(
    frame(FLAG_MORE, new Uint8Array(0)),
    frame(FLAG_MORE, ascii("hello")),
    frame(FLAG_MORE, pattern(255, 3)),
    frame(0, pattern(256, 4)),
    frame(FLAG_COMMAND, hex('04 "PING" 00 1E "ctx"')),
    frame(FLAG_COMMAND, hex('09 "SUBSCRIBE" "topic"')),
    frame(0, new Uint8Array(0)),
  );
}

for (const dir of ["client→server", "server→client"] as const) {
  test(`small frames round-trip ${dir} in every split, one byte at a time included`, () => {
    const plain = smallMessage();
    for (const step of [1, 2, 3, 7, 64, 1000, plain.length]) {
      const { client, server } = pair();
      const [tx, rx] = dir === "client→server" ? [client, server] : [server, client];
      const wire = pump((b) => tx.encode(b), split(plain, step, 200_000));
      sameBytes(tx.encode(new Uint8Array(0)), new Uint8Array(0), "nothing left over");
      for (const rstep of [1, 5, 33, wire.length]) {
        const r = new CurveStream(K, dir === "client→server" ? "server" : "client", 9, 1, -1);
        sameBytes(
          pump((b) => r.decode(b), split(wire, rstep, 200_000)),
          plain,
          `split ${step}/${rstep}`,
        );
        assert.equal(r.error, null);
      }
      sameBytes(rx.decode(wire), plain, `one read, split ${step}`);
    }
  });

  test(`70 000-byte and 3 MiB frames round-trip ${dir} in random splits`, () => {
    const plain = cat(
      frame(FLAG_MORE, pattern(70_000, 5)),
      frame(FLAG_MORE, ascii("mid")),
      frame(0, pattern(3 * 1024 * 1024, 6)),
    );
    for (const seed of [1, 2, 3]) {
      const next = rng(seed);
      const { client, server } = pair();
      const [tx, rx] = dir === "client→server" ? [client, server] : [server, client];
      const wire = pump((b) => tx.encode(b), split(plain, next, 200_000));
      assert.equal(wire.length, plain.length + 3 * 33); // same header sizes
      sameBytes(pump((b) => rx.decode(b), split(wire, next, 200_000)), plain, `seed ${seed}`);
    }
  }, { timeout: 120_000 });
}

test("every two-piece cut of a multipart message encodes and decodes the same", () => {
  const plain = smallMessage();
  const whole = clientWire(plain);
  for (let cut = 0; cut <= plain.length; cut++) {
    const c = new CurveStream(K, "client", 3, 1, -1);
    sameBytes(
      pump((b) => c.encode(b), [plain.subarray(0, cut), plain.subarray(cut)]),
      whole,
      `encode cut ${cut}`,
    );
  }
  for (let cut = 0; cut <= whole.length; cut++) {
    const s = new CurveStream(K, "server", 2, 2, -1);
    sameBytes(
      pump((b) => s.decode(b), [whole.subarray(0, cut), whole.subarray(cut)]),
      plain,
      `decode cut ${cut}`,
    );
  }
});

test("a frame's header cut after every byte decodes the same (long outer form)", () => {
  const plain = frame(0, pattern(300, 9));
  const wire = clientWire(plain);
  for (let cut = 1; cut < 20; cut++) {
    const { server } = pair();
    const a = server.decode(wire.subarray(0, cut));
    sameBytes(a, new Uint8Array(0), `first part, cut ${cut}`);
    sameBytes(server.decode(wire.subarray(cut)), plain, `cut ${cut}`);
  }
});

test("outer flags with COMMAND (04/06), LONG on a small size, reserved bits are accepted", () => {
  const plain = frame(0, ascii("hi"));
  const wire = clientWire(plain);
  const cmd = wire.slice();
  cmd[0] = 0x04;
  sameBytes(pair().server.decode(cmd), plain, "04");
  const reserved = wire.slice();
  reserved[0] = 0xf8;
  sameBytes(pair().server.decode(reserved), plain, "F8");
  const body = wire.subarray(2);
  const long = cat(hex("06 00 00 00 00 00 00 00"), new Uint8Array([body.length]), body);
  sameBytes(pair().server.decode(long), plain, "06 long with a small size");
});

test("a replayed MESSAGE fails the stream, and every later call returns null", () => {
  const { client, server } = pair();
  const wire = client.encode(frame(0, ascii("once")));
  sameBytes(server.decode(wire), frame(0, ascii("once")), "first");
  assert.equal(server.decode(wire), null);
  assert.equal(server.error, "replayed or reordered MESSAGE nonce");
  assert.equal(server.decode(client.encode(frame(0, ascii("good")))), null);
  assert.equal(server.decode(new Uint8Array(0)), null);
});

test("reordered counters, and a counter not above the handshake's, fail", () => {
  const { client, server } = pair();
  const w1 = client.encode(frame(0, ascii("1")));
  const w2 = client.encode(frame(0, ascii("2")));
  sameBytes(server.decode(w2), frame(0, ascii("2")), "second first");
  assert.equal(server.decode(w1), null);
  assert.equal(server.error, "replayed or reordered MESSAGE nonce");
  // The client's INITIATE used 2: a MESSAGE numbered 2 is a replay.
  const s = new CurveStream(K, "server", 2, 2, -1);
  assert.equal(s.decode(clientWire(frame(0, ascii("x")), 2)), null);
  assert.equal(s.error, "replayed or reordered MESSAGE nonce");
  // Gaps are allowed: strictly greater is enough (libzmq).
  const g = new CurveStream(K, "server", 2, 2, -1);
  sameBytes(g.decode(clientWire(frame(0, ascii("x")), 10)), frame(0, ascii("x")), "gap");
  sameBytes(g.decode(clientWire(frame(0, ascii("y")), 11)), frame(0, ascii("y")), "gap+1");
});

test("a tampered box, nonce or key fails to authenticate, in words without key bytes", () => {
  const wire = clientWire(frame(0, ascii("secret data")));
  for (const at of [18, 30, wire.length - 1, 12, 17]) {
    const bad = wire.slice();
    bad[at]! ^= 0x10; // in the counter: a greater one
    const s = pair().server;
    assert.equal(s.decode(bad), null, `byte ${at}`);
    assert.equal(s.error, "MESSAGE box failed to authenticate");
  }
  const other = new CurveStream(new Uint8Array(32).fill(1), "server", 2, 2, -1);
  assert.equal(other.decode(wire), null);
  assert.equal(other.error, "MESSAGE box failed to authenticate");
  // A client cannot read its own MESSAGEs: the nonce prefix says who sent them.
  const self = new CurveStream(K, "client", 3, 1, -1);
  assert.equal(self.decode(wire), null);
  assert.equal(self.error, "MESSAGE box failed to authenticate");
  const keyHex = [...K].map((b) => b.toString(16).padStart(2, "0")).join("");
  assert.ok(!other.error?.includes(keyHex.slice(0, 8)));
});

test("an oversized header fails before its body arrives", () => {
  // maxMsgSize 100: a box may hold a command of MAX_COMMAND_SIZE bytes (a part or a command
  // is known only once it is open), so the MESSAGE body may have 65536 + 33 bytes.
  const s = new CurveStream(K, "server", 2, 2, 100);
  sameBytes(s.decode(hex("02 00 00 00 00 00 01 00")), new Uint8Array(0), "7 header bytes");
  assert.equal(s.decode(hex("22")), null);
  assert.equal(s.error, "CURVE traffic frame of 65570 bytes exceeds the limit of 65569 bytes");
  const at = new CurveStream(K, "server", 2, 2, 100);
  sameBytes(at.decode(hex("02 00 00 00 00 00 01 00 21")), new Uint8Array(0), "at the limit");
  assert.equal(at.error, null);
  // The part limit is the decoder's business, after the codec: 101 bytes are unboxed.
  const ok = new CurveStream(K, "server", 2, 2, 100);
  sameBytes(ok.decode(clientWire(frame(0, pattern(101, 1)))), frame(0, pattern(101, 1)), "101");
  // A command larger than maxMsgSize passes too.
  const cmd = new CurveStream(K, "server", 2, 2, 0);
  const ping = frame(FLAG_COMMAND, hex('04 "PING" 00 00'));
  sameBytes(cmd.decode(clientWire(ping)), ping, "PING under maxMsgSize 0");
  // A limit above MAX_COMMAND_SIZE: the part limit + 33.
  const big = new CurveStream(K, "server", 2, 2, 100_000);
  assert.equal(big.decode(hex("02 00 00 00 00 00 01 86 C2")), null);
  assert.match(big.error ?? "", /of 100034 bytes exceeds the limit of 100033 bytes/);
});

test("without a limit the hard cap applies, and a huge announced size is not allocated", () => {
  const capped = new CurveStream(K, "server", 2, 2, -1);
  const over = new Uint8Array(9);
  writeHeader3(over, 0, 0, MAX_FRAME_HARD_CAP + 1);
  assert.equal(capped.decode(over), null);
  assert.match(capped.error ?? "", /exceeds the limit/);
  const unsafe = new CurveStream(K, "server", 2, 2, -1);
  assert.equal(unsafe.decode(hex("02 FF FF FF FF FF FF FF FF")), null);
  // A maxMsgSize near the cap does not lift it.
  const big = new CurveStream(K, "server", 2, 2, MAX_FRAME_HARD_CAP);
  assert.equal(big.decode(over), null);
  // 1 GB announced, 10 bytes sent: held without error (the buffer grows with arrivals).
  const gb = new CurveStream(K, "server", 2, 2, -1);
  sameBytes(
    gb.decode(cat(hex("02 00 00 00 00 40 00 00 00"), hex('07 "MESSAGE" 00 00'))),
    new Uint8Array(0),
    "partial",
  );
  assert.equal(gb.error, null);
});

test("an ERROR command from the peer fails the stream with its reason", () => {
  const s = pair().client;
  assert.equal(s.decode(hex('04 0A 05 "ERROR" 03 "400"')), null);
  assert.equal(s.error, 'peer sent ERROR: "400"');
  const plainFlags = pair().client;
  assert.equal(plainFlags.decode(hex('00 0D 05 "ERROR" 06 "no" 0A "\\" 00 FF')), null);
  assert.equal(plainFlags.error, 'peer sent ERROR: "no\\x0a\\x5c\\x00\\xff"');
  const bad = pair().client;
  assert.equal(bad.decode(hex('04 0A 05 "ERROR" 09 "400"')), null);
  assert.equal(bad.error, "peer sent a malformed ERROR command");
});

test("anything but MESSAGE, a short MESSAGE, or MORE on the outer frame fails", () => {
  const ping = pair().server;
  assert.equal(ping.decode(hex('04 07 04 "PING" 00 00')), null);
  assert.equal(ping.error, "expected a CURVE MESSAGE command, got a PING command");
  const data = pair().server;
  assert.equal(data.decode(hex('00 05 "hello"')), null);
  assert.match(data.error ?? "", /expected a CURVE MESSAGE command/);
  const empty = pair().server;
  assert.equal(empty.decode(hex("00 00")), null);
  assert.equal(empty.error, "expected a CURVE MESSAGE command, got an empty frame");
  const short = pair().server;
  const wire = clientWire(frame(0, new Uint8Array(0))); // body of exactly 33 bytes
  const cut = cat(hex("00 20"), wire.subarray(2, 34));
  assert.equal(short.decode(cut), null);
  assert.equal(short.error, "MESSAGE command of 32 bytes is shorter than 33");
  const more = pair().server;
  const m = clientWire(frame(0, ascii("x"))).slice();
  m[0] = 0x01;
  assert.equal(more.decode(m), null);
  assert.equal(more.error, "CURVE traffic frame has the MORE flag set");
});

test("good frames before a bad one in the same read are dropped with the read", () => {
  const { client, server } = pair();
  const good = client.encode(frame(0, ascii("a")));
  assert.equal(server.decode(cat(good, hex("01 00"))), null);
  assert.notEqual(server.error, null);
});

test("the constructor refuses a wrong key length or counter", () => {
  assert.throws(() => new CurveStream(new Uint8Array(31), "client", 3, 1, -1), RangeError);
  assert.throws(() => new CurveStream(K, "client", -1, 1, -1), RangeError);
  assert.throws(() => new CurveStream(K, "client", 3, 2 ** 53, -1), RangeError);
});
