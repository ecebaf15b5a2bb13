/**
 * Tests of lib/wire/zws.ts (ZWS 2.0, ZeroMQ RFC 45; docs/wire.md §6): subprotocol choice,
 * the synthetic greeting, the §6.2 examples byte for byte (with a pinned mask key), round
 * trips of multipart messages and commands in both directions under every split, and what
 * the stream does with empty messages, unknown flags, oversize, pings and closes.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  chooseProtocol,
  offeredProtocols,
  syntheticGreeting,
  ZWS_PROTOCOLS,
  ZwsStream,
} from "../../lib/wire/zws.ts";
import {
  applyMask,
  closeFrame,
  encodeFrame,
  OP_BINARY,
  OP_PING,
  OP_PONG,
  writeWsFrameHeader,
  wsFrameHeaderSize,
} from "../../lib/wire/websocket.ts";
import { FLAG_COMMAND, FLAG_MORE } from "../../lib/wire/frame.ts";
import { ascii, cat, hex } from "./_hex.ts";
import { frame, pattern, pump, rng, split } from "./_stream.ts";

const MASK = hex("12 34 56 78");
const pinned = () => MASK;

function sameBytes(a: Uint8Array | null, b: Uint8Array, what: string): void {
  assert.ok(a !== null, `${what}: null`);
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) assert.fail(`${what}: byte ${i} is ${a[i]}, expected ${b[i]}`);
  }
}

/** A WebSocket frame with an explicit first byte, masked with `key` when given. */
function raw(b0: number, payload: Uint8Array, key: Uint8Array | null = null): Uint8Array {
  const out = new Uint8Array(wsFrameHeaderSize(payload.length, key !== null) + payload.length);
  const h = writeWsFrameHeader(out, 0, b0 & 0x0f, payload.length, key);
  out[0] = b0;
  out.set(payload, h);
  if (key !== null) applyMask(out, h, out.length, key);
  return out;
}

const GREETING = syntheticGreeting("NULL", false);
const READY_PULL = hex('04 1A 05 "READY" 0B "Socket-Type" 00 00 00 04 "PULL"');
const READY_PUSH = hex('04 1A 05 "READY" 0B "Socket-Type" 00 00 00 04 "PUSH"');

test("subprotocols: the four names; the server chooses its own mechanism's, or bare ZWS2.0 for NULL", () => {
  assert.deepEqual([...ZWS_PROTOCOLS], ["ZWS2.0/NULL", "ZWS2.0/PLAIN", "ZWS2.0/CURVE", "ZWS2.0"]);
  assert.equal(chooseProtocol(["ZWS2.0/NULL", "ZWS2.0"], "NULL"), "ZWS2.0/NULL");
  assert.equal(chooseProtocol(["ZWS2.0", "ZWS2.0/NULL"], "NULL"), "ZWS2.0/NULL");
  assert.equal(chooseProtocol(["ZWS2.0"], "NULL"), "ZWS2.0");
  assert.equal(chooseProtocol(["ZWS2.0"], "CURVE"), null);
  assert.equal(chooseProtocol(["zws2.0/null"], "NULL"), null);
  assert.equal(chooseProtocol(["ZWS2.0/NULL"], "PLAIN"), null);
  assert.equal(chooseProtocol(["ZWS2.0/NULL", "ZWS2.0/CURVE"], "CURVE"), "ZWS2.0/CURVE");
  assert.equal(chooseProtocol([], "PLAIN"), null);
  assert.deepEqual(offeredProtocols("PLAIN"), ["ZWS2.0/PLAIN"]);
  assert.deepEqual(offeredProtocols("NULL"), ["ZWS2.0/NULL"]);
});

test("syntheticGreeting is a ZMTP/3.0 greeting with the mechanism and as-server byte", () => {
  // 3.0, so that the session sends subscriptions as 01/00 data frames (libzmq's ws engine
  // ignores SUBSCRIBE commands).
  const g = syntheticGreeting("PLAIN", true);
  assert.equal(g.length, 64);
  sameBytes(g.subarray(0, 12), hex("FF 00 00 00 00 00 00 00 00 7F 03 00"), "signature");
  sameBytes(g.subarray(12, 32), cat(ascii("PLAIN"), new Uint8Array(15)), "mechanism");
  assert.equal(g[32], 1);
  sameBytes(g.subarray(33), new Uint8Array(31), "filler");
  assert.equal(syntheticGreeting("NULL", false)[32], 0);
  sameBytes(syntheticGreeting("CURVE", false).subarray(12, 17), ascii("CURVE"), "CURVE");
});

test("§6.2: server→client READY (PULL), our greeting dropped", () => {
  const server = new ZwsStream("server", -1);
  const wire = server.encode(cat(GREETING, READY_PULL));
  const expected = hex(
    "82 1B 02 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 04 50 55 4C 4C",
  );
  sameBytes(wire, expected, "READY");
  const client = new ZwsStream("client", -1);
  sameBytes(client.decode(expected), READY_PULL, "decoded");
});

test("§6.2: client→server READY (PUSH), masked with 12 34 56 78", () => {
  const client = new ZwsStream("client", -1, pinned);
  const wire = client.encode(cat(GREETING, READY_PUSH));
  const expected = hex(
    "82 9B 12 34 56 78 10 31 04 3D 53 70 0F 73 41 5B 35 13 77 40 7B 2C 6B 44 33 78 12 34 52 28 47 67 1E",
  );
  sameBytes(wire, expected, "READY");
  const server = new ZwsStream("server", -1);
  sameBytes(server.decode(expected), READY_PUSH, "decoded");
});

test('§6.2: "hello", ["a","bc"], subscribe "topic", ping and pong', () => {
  const client = new ZwsStream("client", -1, pinned);
  const server = new ZwsStream("server", -1, pinned);
  client.encode(GREETING);
  server.encode(GREETING);
  const hello = frame(0, ascii("hello"));
  sameBytes(client.encode(hello), hex("82 86 12 34 56 78 12 5C 33 14 7E 5B"), "hello");
  const abc = cat(frame(FLAG_MORE, ascii("a")), frame(0, ascii("bc")));
  sameBytes(server.encode(abc), hex("82 02 01 61 82 03 00 62 63"), '["a","bc"]');
  const sub = frame(0, hex('01 "topic"'));
  const subWire = hex("82 87 12 34 56 78 12 35 22 17 62 5D 35");
  sameBytes(client.encode(sub), subWire, "subscribe");
  sameBytes(server.decode(subWire), sub, "subscribe decoded");
  sameBytes(client.decode(hex("82 02 01 61 82 03 00 62 63")), abc, '["a","bc"] decoded');
  // Server ping, masked client pong.
  sameBytes(server.ping(), hex("89 00"), "ping");
  sameBytes(client.decode(hex("89 00")), new Uint8Array(0), "a ping gives no ZMTP bytes");
  sameBytes(client.takeControl(), hex("8A 80 12 34 56 78"), "pong");
  assert.equal(client.takeControl(), null, "the queue is emptied");
  // A pong reaches the session as a PONG command (traffic for its heartbeat timeout).
  sameBytes(server.decode(hex("8A 80 12 34 56 78")), hex('04 05 04 "PONG"'), "pong as PONG");
  assert.equal(server.takeControl(), null);
  assert.equal(server.error, null);
});

test("the greeting is dropped however it is split, and the first frame follows it", () => {
  const input = cat(GREETING, frame(0, ascii("x")));
  for (const step of [1, 10, 63, 64, 65]) {
    const s = new ZwsStream("server", -1);
    sameBytes(pump((b) => s.encode(b), split(input, step)), hex('82 02 00 "x"'), `step ${step}`);
  }
  const s = new ZwsStream("server", -1);
  assert.equal(s.encode(GREETING.subarray(0, 30)).length, 0);
  assert.equal(s.encode(GREETING.subarray(30)).length, 0);
});

test("encode: a PING command leaves as a WebSocket ping (libzmq's ws heartbeats)", () => {
  const s = new ZwsStream("server", -1);
  s.encode(GREETING);
  sameBytes(s.encode(frame(FLAG_COMMAND, hex('04 "PING" 00 0A'))), hex("89 00"), "ping");
  const c = new ZwsStream("client", -1, () => hex("12 34 56 78"));
  c.encode(GREETING);
  sameBytes(
    c.encode(frame(FLAG_COMMAND, hex('04 "PING" 00 00'))),
    hex("89 80 12 34 56 78"),
    "masked",
  );
});

test("encode: flags 01 MORE and 02 COMMAND, never LONG or reserved bits", () => {
  const s = new ZwsStream("server", -1);
  s.encode(GREETING);
  const cases: [Uint8Array, number][] = [
    [frame(0, ascii("d")), 0x00],
    [frame(FLAG_MORE, ascii("d")), 0x01],
    [frame(FLAG_COMMAND, hex('07 "CONTEXT" 00 00')), 0x02],
    [frame(FLAG_MORE, pattern(300, 1)), 0x01], // LONG set in the ZMTP header
    [hex('F8 01 "d"'), 0x00], // reserved bits in the ZMTP header
  ];
  for (const [zmtp, flags] of cases) {
    const wire = s.encode(zmtp);
    assert.equal(wire[0], 0x82);
    const payloadAt = wire[1]! < 126 ? 2 : 4;
    assert.equal(wire[payloadAt], flags);
  }
});

/** Frames of a multipart message around the size boundaries, commands included. */
function message(): Uint8Array {
  return cat(
    frame(FLAG_COMMAND, READY_PUSH.subarray(2)),
    frame(FLAG_MORE, new Uint8Array(0)),
    frame(FLAG_MORE, ascii("hello")),
    frame(FLAG_MORE, pattern(255, 3)),
    frame(FLAG_MORE, pattern(256, 4)),
    frame(0, pattern(70_000, 5)),
    frame(FLAG_COMMAND, hex('09 "SUBSCRIBE" "topic"')),
    frame(FLAG_MORE, pattern(124, 6)), // WebSocket payload 125
    frame(FLAG_MORE, pattern(125, 7)), // 126: the 16-bit length form
    frame(FLAG_MORE, pattern(65_535, 8)), // 65 536: the 64-bit length form
    frame(0, new Uint8Array(0)),
  );
}

for (const dir of ["client→server", "server→client"] as const) {
  const [txRole, rxRole] = dir === "client→server"
    ? (["client", "server"] as const)
    : (["server", "client"] as const);

  test(`multipart messages and commands round-trip ${dir}, one byte at a time and in random splits`, () => {
    const zmtp = message();
    const steps: (number | (() => number))[] = [zmtp.length, 1, 7, 300, rng(1), rng(2)];
    const wires: Uint8Array[] = [];
    for (const step of steps) {
      const tx = new ZwsStream(txRole, -1);
      const wire = pump((b) => tx.encode(b), split(cat(GREETING, zmtp), step));
      assert.equal(tx.encode(new Uint8Array(0)).length, 0, "nothing left over");
      wires.push(wire);
      for (const rstep of [wire.length, 1, 13, rng(3)]) {
        const rx = new ZwsStream(rxRole, -1);
        sameBytes(pump((b) => rx.decode(b), split(wire, rstep)), zmtp, `split ${step}/${rstep}`);
        assert.equal(rx.error, null);
        assert.equal(rx.takeControl(), null);
      }
    }
    // A server's frames are the same however the input was split (no random mask there).
    if (txRole === "server") { for (const w of wires) sameBytes(w, wires[0]!, "same bytes"); }
    // Eleven frames, eleven WebSocket messages.
    const tx = new ZwsStream(txRole, -1, pinned);
    const wire = tx.encode(cat(GREETING, zmtp));
    let count = 0;
    for (let o = 0; o < wire.length; count++) {
      const l7 = wire[o + 1]! & 0x7f;
      const len = l7 < 126
        ? l7
        : l7 === 126
        ? (wire[o + 2]! << 8) | wire[o + 3]!
        : wire[o + 7]! * 2 ** 16 + (wire[o + 8]! << 8) + wire[o + 9]!;
      o += wsFrameHeaderSize(len, txRole === "client") + len;
    }
    assert.equal(count, 11);
  });
}

test("encode holds an incomplete frame back whole: output ends on a WebSocket frame boundary", () => {
  const s = new ZwsStream("server", -1);
  s.encode(GREETING);
  const big = frame(0, pattern(1000, 1));
  assert.equal(s.encode(big.subarray(0, 1)).length, 0, "half a header");
  assert.equal(s.encode(big.subarray(1, 500)).length, 0, "half a body");
  // A pong may go out now, between two encode outputs.
  const rest = s.encode(cat(big.subarray(500), frame(0, ascii("z"))));
  sameBytes(rest, cat(hex("82 7E 03 E9 00"), pattern(1000, 1), hex('82 02 00 "z"')), "frames");
});

test("decode: an empty message and unknown flag bits fail the stream", () => {
  const cases: [Uint8Array, RegExp][] = [
    [hex("82 00"), /empty ZWS message/],
    [hex('82 02 04 "x"'), /unknown ZWS flag bits 0x04/],
    [hex('82 02 80 "x"'), /unknown ZWS flag bits 0x80/],
    [hex('81 02 00 "x"'), /text frame/],
    [raw(0x82, hex('00 "x"'), MASK), /masked frame from a server/],
  ];
  for (const [wire, why] of cases) {
    const c = new ZwsStream("client", -1);
    assert.equal(c.decode(cat(hex('82 02 00 "a"'), wire)), null);
    assert.match(c.error!, why);
    assert.equal(c.decode(hex('82 02 00 "a"')), null, "stays failed");
  }
});

test("decode: a part over maxMsgSize closes (1009); commands have MAX_COMMAND_SIZE", () => {
  const ok = new ZwsStream("server", 10);
  sameBytes(
    ok.decode(raw(0x82, cat(hex("00"), pattern(10, 1)), MASK)),
    frame(0, pattern(10, 1)),
    "10",
  );
  // A message part of 11 bytes: refused once whole (a part is told from a command by its
  // flags byte), with 1009.
  const big = new ZwsStream("server", 10);
  assert.equal(big.decode(raw(0x82, cat(hex("00"), pattern(11, 1)), MASK)), null);
  assert.match(big.error!, /message part of 11 bytes exceeds maxmsgsize 10/);
  assert.equal(big.errorCode, 1009);
  assert.equal(new ZwsStream("server", 10).errorCode, 1002);
  // A READY (or any command) longer than maxMsgSize passes (docs/wire.md §8.4).
  const cmd = new ZwsStream("server", 0);
  const ready = cat(
    hex("02 05"),
    ascii("READY"),
    hex("0B"),
    ascii("Socket-Type"),
    hex("00 00 00 04"),
    ascii("PUSH"),
  );
  const z = cmd.decode(raw(0x82, ready, MASK));
  assert.equal(cmd.error, null);
  assert.equal(z?.[0], FLAG_COMMAND);
  // Beyond MAX_COMMAND_SIZE + 1 (flags byte) the payload is refused on its header, 1009.
  const huge = new ZwsStream("server", 10);
  const header = hex("82 FF 00 00 00 00 00 01 00 02"); // masked, 65538-byte payload
  assert.equal(huge.decode(cat(header, MASK)), null, "refused before the payload");
  assert.match(huge.error!, /exceeds the limit of 65537 bytes/);
  assert.equal(huge.errorCode, 1009);
});

test("decode: fragmented ZWS messages (browsers, proxies) are reassembled", () => {
  const s = new ZwsStream("server", -1);
  const wire = cat(
    raw(0x02, hex("01"), MASK),
    raw(0x89, ascii("hb"), MASK),
    raw(0x00, ascii("ab"), MASK),
    raw(0x80, ascii("c"), MASK),
    raw(0x82, hex('00 "d"'), MASK),
  );
  sameBytes(s.decode(wire), cat(frame(FLAG_MORE, ascii("abc")), frame(0, ascii("d"))), "frames");
  sameBytes(s.takeControl(), hex('8A 02 "hb"'), "pong echoes the ping's payload");
});

test("decode: a close is answered once and marks the stream closed", () => {
  const c = new ZwsStream("client", -1, pinned);
  const out = c.decode(
    cat(hex('82 02 00 "a"'), closeFrame(1001, "bye", false), hex('82 02 00 "b"')),
  );
  sameBytes(out, frame(0, ascii("a")), "frames before the close are delivered");
  assert.equal(c.closed, true);
  assert.equal(c.error, null);
  sameBytes(c.takeControl(), closeFrame(1001, "", true, MASK), "close reply echoes the code");
  sameBytes(c.decode(hex('82 02 00 "c"')), new Uint8Array(0), "input after the close is ignored");
  assert.equal(c.close().length, 0, "no second close");
  // A close without a status code, or with one that may not be sent, is answered with none.
  for (const close of [hex("88 00"), hex("88 02 03 ED")]) {
    const s = new ZwsStream("client", -1, pinned);
    s.decode(close);
    sameBytes(s.takeControl(), hex("88 80 12 34 56 78"), "empty close reply");
  }
  // Our own close first: the peer's reply closes the stream, no second close is queued.
  const server = new ZwsStream("server", -1);
  sameBytes(server.close(1000, "done"), hex('88 06 03 E8 "done"'), "our close");
  assert.equal(server.close().length, 0);
  server.decode(closeFrame(1000, "", true));
  assert.equal(server.closed, true);
  assert.equal(server.takeControl(), null);
});

test("pings: answered with pongs of the same payload; ping() masks for a client", () => {
  const s = new ZwsStream("server", -1);
  s.decode(cat(encodeFrame(OP_PING, ascii("1"), true), encodeFrame(OP_PING, ascii("22"), true)));
  sameBytes(s.takeControl(), hex('8A 01 "1" 8A 02 "22"'), "two pongs");
  const c = new ZwsStream("client", -1, pinned);
  sameBytes(c.ping(), hex("89 80 12 34 56 78"), "client ping");
  sameBytes(c.ping(ascii("x")), hex("89 81 12 34 56 78 6A"), "client ping with data");
  assert.throws(() => c.ping(new Uint8Array(126)), RangeError);
  assert.equal(OP_PONG, 10);
  assert.equal(OP_BINARY, 2);
});

test("random mask keys by default: a client's identical frames differ on the wire", () => {
  const c = new ZwsStream("client", -1);
  c.encode(GREETING);
  const a = c.encode(frame(0, ascii("same"))), b = c.encode(frame(0, ascii("same")));
  assert.equal(a.length, b.length);
  assert.notDeepEqual(a, b);
  const s = new ZwsStream("server", -1);
  sameBytes(s.decode(cat(a, b)), cat(frame(0, ascii("same")), frame(0, ascii("same"))), "both");
});

test("bare ZWS2.0: our READY leaves as our routing id; the peer's routing id arrives as a READY", () => {
  const server = new ZwsStream("server", -1);
  server.setBare();
  // Our READY (a ROUTER with identity "srv") becomes the message 00 "srv".
  const ready = hex(
    '04 2C 05 "READY" 0B "Socket-Type" 00 00 00 06 "ROUTER" 08 "Identity" 00 00 00 03 "srv"',
  );
  sameBytes(server.encode(cat(GREETING, ready)), hex('82 04 00 "srv"'), "routing id out");
  // The peer's first message 00 "pg" becomes a READY with Identity "pg" and no Socket-Type.
  const got = server.decode(hex('82 83 00 00 00 00 00 "pg"'))!;
  sameBytes(got, hex('04 15 05 "READY" 08 "Identity" 00 00 00 02 "pg"'), "READY in");
  // Then traffic as usual.
  sameBytes(server.decode(hex('82 86 00 00 00 00 00 "hello"'))!, hex('00 05 "hello"'), "data");
  const bad = new ZwsStream("server", -1);
  bad.setBare();
  assert.equal(bad.decode(hex('82 82 00 00 00 00 02 "x"')), null, "a command first");
  assert.match(bad.error!, /routing id/);
});
