/**
 * Tests of lib/wire/websocket.ts (RFC 6455; docs/wire.md §6): the accept-key vector, the
 * opening handshake's heads built and parsed (lists, case, missing or wrong headers, the
 * 8 KiB limit, every split), and frames encoded and decoded in every length form, both
 * roles, every split, with each refusal (mask bit, text, RSV, opcodes, control frames,
 * oversized announcements before their body).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  acceptKey,
  applyMask,
  clientRequest,
  CLOSE_INVALID_DATA,
  CLOSE_PROTOCOL_ERROR,
  CLOSE_TOO_BIG,
  closeFrame,
  encodeFrame,
  encodeFrameInto,
  MAX_HEAD_BYTES,
  newKey,
  OP_BINARY,
  OP_CLOSE,
  OP_PING,
  OP_PONG,
  parseUpgradeRequest,
  parseUpgradeResponse,
  rejectResponse,
  serverResponse,
  writeWsFrameHeader,
  WS_GUID,
  WsDecoder,
  type WsEvent,
  wsFrameHeaderSize,
} from "../../lib/wire/websocket.ts";
import { ascii, cat, hex } from "./_hex.ts";
import { pattern, rng, split } from "./_stream.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
const MASK = hex("12 34 56 78");
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A request head from lines (CRLF added, empty line appended). */
function head(...lines: string[]): Uint8Array {
  return ascii(lines.map((l) => l + "\r\n").join("") + "\r\n");
}

/** A valid request's lines, with `extra` replacing or adding headers by name. */
function requestLines(extra: Record<string, string | null> = {}): string[] {
  const base: Record<string, string> = {
    Host: "127.0.0.1:5555",
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": KEY,
    "Sec-WebSocket-Protocol": "ZWS2.0/NULL, ZWS2.0",
    "Sec-WebSocket-Version": "13",
  };
  const lines = ["GET /path HTTP/1.1"];
  for (const [k, v] of Object.entries({ ...base, ...extra })) {
    if (v !== null) lines.push(`${k}: ${v}`);
  }
  return lines;
}

function requestError(buf: Uint8Array): { error: string; status: number } {
  const r = parseUpgradeRequest(buf);
  assert.ok(typeof r === "object" && "error" in r, `expected an error, got ${JSON.stringify(r)}`);
  return r;
}

/** Feeds chunks through a scratch buffer that is overwritten after each call. */
function feedAll(d: WsDecoder, chunks: Uint8Array[]): WsEvent[] | null {
  const events: WsEvent[] = [];
  let scratch = new Uint8Array(0);
  for (const c of chunks) {
    if (scratch.length < c.length) scratch = new Uint8Array(c.length);
    const view = scratch.subarray(0, c.length);
    view.set(c);
    const r = d.feed(view);
    if (r === null) return null;
    events.push(...r);
    view.fill(0xee);
  }
  return events;
}

/** A frame with explicit FIN/RSV/opcode byte, masked with `key` when given. */
function raw(b0: number, payload: Uint8Array, key: Uint8Array | null = null): Uint8Array {
  const out = new Uint8Array(wsFrameHeaderSize(payload.length, key !== null) + payload.length);
  const h = writeWsFrameHeader(out, 0, b0 & 0x0f, payload.length, key);
  out[0] = b0;
  out.set(payload, h);
  if (key !== null) applyMask(out, h, out.length, key);
  return out;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array, what: string): void {
  assert.ok(a !== undefined, `${what}: missing`);
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) assert.fail(`${what}: byte ${i} is ${a[i]}, expected ${b[i]}`);
  }
}

function message(e: WsEvent | undefined): Uint8Array {
  assert.ok(e !== undefined && e.kind === "message", `expected a message, got ${e?.kind}`);
  return e.data;
}

// ---- Opening handshake ----

test("acceptKey gives the RFC 6455 §1.3 vector", async () => {
  assert.equal(WS_GUID, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
  assert.equal(await acceptKey(KEY), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});

test("newKey is base64 of 16 random bytes", () => {
  const a = newKey(), b = newKey();
  assert.match(a, /^[A-Za-z0-9+/]{22}==$/);
  assert.equal(atob(a).length, 16);
  assert.notEqual(a, b);
});

test("clientRequest is the docs/wire.md §6.1 request, byte for byte", () => {
  const req = clientRequest({
    host: "127.0.0.1:5555",
    path: "/path",
    key: KEY,
    protocols: ["ZWS2.0/NULL", "ZWS2.0"],
  });
  assert.equal(
    text(req),
    "GET /path HTTP/1.1\r\nHost: 127.0.0.1:5555\r\nUpgrade: websocket\r\n" +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\n` +
      "Sec-WebSocket-Protocol: ZWS2.0/NULL, ZWS2.0\r\nSec-WebSocket-Version: 13\r\n\r\n",
  );
  const none = text(clientRequest({ host: "h", path: "/", key: KEY, protocols: [] }));
  assert.ok(!none.includes("Sec-WebSocket-Protocol"));
  assert.throws(() => clientRequest({ host: "h\r\nX: y", path: "/", key: KEY, protocols: [] }));
  assert.throws(() => clientRequest({ host: "h", path: "/a b", key: KEY, protocols: [] }));
  assert.throws(() => clientRequest({ host: "h", path: "/", key: KEY, protocols: ["a\nb"] }));
});

test("parseUpgradeRequest reads our own request back", () => {
  const req = clientRequest({
    host: "h:1",
    path: "/x?y=1",
    key: KEY,
    protocols: ["ZWS2.0/PLAIN", "ZWS2.0"],
  });
  const r = parseUpgradeRequest(req);
  assert.ok(typeof r === "object" && "req" in r);
  assert.equal(r.length, req.length);
  assert.equal(r.req.path, "/x?y=1");
  assert.equal(r.req.key, KEY);
  assert.deepEqual(r.req.protocols, ["ZWS2.0/PLAIN", "ZWS2.0"]);
  assert.equal(r.req.headers.get("host"), "h:1");
  assert.equal(r.req.headers.get("sec-websocket-version"), "13");
});

test("parseUpgradeRequest: lists, case, spacing and a missing protocol header", () => {
  const cases: [Record<string, string | null>, string[]][] = [
    [{ Connection: "keep-alive, Upgrade" }, ["ZWS2.0/NULL", "ZWS2.0"]],
    [{ Connection: "upgrade" }, ["ZWS2.0/NULL", "ZWS2.0"]],
    [{ Upgrade: "WebSocket" }, ["ZWS2.0/NULL", "ZWS2.0"]],
    [{ "Sec-WebSocket-Protocol": "ZWS2.0/NULL,ZWS2.0" }, ["ZWS2.0/NULL", "ZWS2.0"]],
    [{ "Sec-WebSocket-Protocol": "  a ,b,  , c  " }, ["a", "b", "c"]],
    [{ "Sec-WebSocket-Protocol": null }, []],
  ];
  for (const [extra, protocols] of cases) {
    const r = parseUpgradeRequest(head(...requestLines(extra)));
    assert.ok(typeof r === "object" && "req" in r, JSON.stringify(extra));
    assert.deepEqual(r.req.protocols, protocols, JSON.stringify(extra));
  }
  // Header names in any case; a repeated protocol header is one list.
  const lower = head(
    "GET / HTTP/1.1",
    "upgrade: websocket",
    "CONNECTION: Upgrade",
    `sec-websocket-key: ${KEY}`,
    "sec-websocket-version:13",
    "Sec-WebSocket-Protocol: ZWS2.0/NULL",
    "Sec-WebSocket-Protocol: ZWS2.0",
  );
  const r = parseUpgradeRequest(lower);
  assert.ok(typeof r === "object" && "req" in r);
  assert.deepEqual(r.req.protocols, ["ZWS2.0/NULL", "ZWS2.0"]);
});

test("parseUpgradeRequest refuses what RFC 6455 §4.2.1 refuses, with 400 or 426", () => {
  const cases: [Uint8Array, number, RegExp][] = [
    [head(...requestLines({ "Sec-WebSocket-Key": null })), 400, /Key header missing/],
    [head(...requestLines({ "Sec-WebSocket-Key": "c2hvcnQ=" })), 400, /16 bytes/],
    [head(...requestLines({ "Sec-WebSocket-Version": "8" })), 426, /not 13/],
    [head(...requestLines({ "Sec-WebSocket-Version": null })), 426, /not 13/],
    [head(...requestLines({ Upgrade: "h2c" })), 400, /Upgrade/],
    [head(...requestLines({ Upgrade: null })), 400, /Upgrade/],
    [head(...requestLines({ Connection: "keep-alive" })), 400, /Connection/],
    [head(...requestLines({ Connection: null })), 400, /Connection/],
    [head("GET /path HTTP/1.0", ...requestLines().slice(1)), 400, /request line/],
    [head("GET  HTTP/1.1", ...requestLines().slice(1)), 400, /request line/],
    [head("POST / HTTP/1.1", ...requestLines().slice(1)), 400, /not an HTTP GET/],
    [head(...requestLines(), "Bad header"), 400, /malformed header/],
    [head(...requestLines(), " folded"), 400, /folded/],
    [head(...requestLines({ Host: "a\x01b" })), 400, /control character/],
    [head(...requestLines({ Host: "a\nb" })), 400, /bare CR or LF/],
  ];
  // A repeated key joins into something that is not a key.
  cases.push([head(...requestLines(), `Sec-WebSocket-Key: ${KEY}`), 400, /16 bytes/]);
  for (const [buf, status, why] of cases) {
    const e = requestError(buf);
    assert.equal(e.status, status, e.error);
    assert.match(e.error, why);
  }
});

test("bytes that cannot start a GET fail at once (a ZMTP peer on a ws port)", () => {
  assert.equal(requestError(hex("FF 00 00 00 00 00 00 00 01 7F")).status, 400);
  assert.equal(requestError(ascii("GE\x00")).status, 400);
  assert.equal(parseUpgradeRequest(ascii("GE")), "incomplete");
  assert.equal(parseUpgradeRequest(new Uint8Array(0)), "incomplete");
});

test("a head must end within 8 KiB: 431 beyond, accepted up to exactly 8192 bytes", () => {
  const base = text(head(...requestLines()));
  const pad = (total: number) => {
    const filler = total - base.length - "X-Pad: \r\n".length;
    return ascii(base.slice(0, -2) + `X-Pad: ${"p".repeat(filler)}\r\n\r\n`);
  };
  const exact = pad(MAX_HEAD_BYTES);
  assert.equal(exact.length, MAX_HEAD_BYTES);
  const ok = parseUpgradeRequest(exact);
  assert.ok(typeof ok === "object" && "req" in ok);
  assert.equal(ok.length, MAX_HEAD_BYTES);
  const over = pad(MAX_HEAD_BYTES + 1);
  assert.equal(parseUpgradeRequest(over.subarray(0, MAX_HEAD_BYTES - 1)), "incomplete");
  assert.equal(requestError(over).status, 431);
  assert.equal(requestError(over.subarray(0, MAX_HEAD_BYTES)).status, 431);
  const resp = ascii("HTTP/1.1 101 Switching Protocols\r\nX: " + "y".repeat(MAX_HEAD_BYTES));
  const r = parseUpgradeResponse(resp);
  assert.ok(typeof r === "object" && "error" in r);
  assert.match(r.error, /8192/);
});

test("parseUpgradeRequest at every split: incomplete until the head ends; length excludes what follows", () => {
  const req = head(...requestLines());
  const stream = cat(req, hex("82 81 01 02 03 04 01"));
  for (let i = 0; i < stream.length; i++) {
    const r = parseUpgradeRequest(stream.subarray(0, i));
    if (i < req.length) assert.equal(r, "incomplete", `prefix ${i}`);
    else {
      assert.ok(typeof r === "object" && "req" in r, `prefix ${i}`);
      assert.equal(r.length, req.length);
    }
  }
});

test("serverResponse and parseUpgradeResponse: the 101 answer, at every split", async () => {
  const resp = serverResponse(await acceptKey(KEY), "ZWS2.0/NULL");
  assert.equal(
    text(resp),
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
      "Sec-WebSocket-Protocol: ZWS2.0/NULL\r\n\r\n",
  );
  const stream = cat(resp, hex("82 02 01 61"));
  for (let i = 0; i <= stream.length; i++) {
    const r = parseUpgradeResponse(stream.subarray(0, i));
    if (i < resp.length) {
      assert.equal(r, "incomplete", `prefix ${i}`);
      continue;
    }
    assert.ok(typeof r === "object" && "status" in r, `prefix ${i}`);
    assert.equal(r.status, 101);
    assert.equal(r.accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    assert.equal(r.protocol, "ZWS2.0/NULL");
    assert.equal(r.headers.get("upgrade"), "websocket");
    assert.equal(r.length, resp.length);
  }
  const bare = parseUpgradeResponse(serverResponse("abc=", ""));
  assert.ok(typeof bare === "object" && "status" in bare);
  assert.equal(bare.protocol, null);
  assert.equal(bare.accept, "abc=");
});

test("parseUpgradeResponse: other statuses returned, a 101 without Upgrade or Connection refused", () => {
  const r = parseUpgradeResponse(rejectResponse(400, "no"));
  assert.ok(typeof r === "object" && "status" in r);
  assert.equal(r.status, 400);
  assert.equal(r.accept, null);
  assert.equal(r.headers.get("connection"), "close");
  const errors: [string, RegExp][] = [
    ["HTTP/1.1 101 OK\r\nConnection: Upgrade\r\n\r\n", /Upgrade/],
    ["HTTP/1.1 101 OK\r\nUpgrade: websocket\r\n\r\n", /Connection/],
    ["HTTP/1.1 1O1 OK\r\n\r\n", /status line/],
    ["HTTP/2 101\r\n\r\n", /status line/],
    ["ICY 200 OK\r\n\r\n", /not an HTTP response/],
  ];
  for (const [s, why] of errors) {
    const e = parseUpgradeResponse(ascii(s));
    assert.ok(typeof e === "object" && "error" in e, s);
    assert.match(e.error, why);
  }
  const noReason = parseUpgradeResponse(
    ascii("HTTP/1.1 101\r\nupgrade: WebSocket\r\nconnection: keep-alive, upgrade\r\n\r\n"),
  );
  assert.ok(typeof noReason === "object" && "status" in noReason);
  assert.equal(noReason.status, 101);
});

test("rejectResponse: status line, Connection: close, a sized text body; 426 names version 13", () => {
  const r = text(rejectResponse(400, "Sec-WebSocket-Key header missing"));
  assert.ok(r.startsWith("HTTP/1.1 400 Bad Request\r\n"));
  assert.ok(r.includes("\r\nConnection: close\r\n"));
  const [h, body] = r.split("\r\n\r\n") as [string, string];
  assert.equal(body, "Sec-WebSocket-Key header missing\n");
  assert.ok(h.includes(`Content-Length: ${body.length}`));
  const v = text(rejectResponse(426, "Sec-WebSocket-Version is not 13"));
  assert.ok(v.startsWith("HTTP/1.1 426 Upgrade Required\r\n"));
  assert.ok(v.includes("\r\nSec-WebSocket-Version: 13\r\n"));
  assert.ok(text(rejectResponse(431, "x")).startsWith("HTTP/1.1 431 Request Header Fields"));
  assert.ok(text(rejectResponse(400, "a\r\nb")).endsWith("a  b\n"));
  assert.throws(() => rejectResponse(99, "x"), RangeError);
});

// ---- Frames ----

test("encodeFrame: the 7-, 16- and 64-bit length forms, masked and not", () => {
  const cases: [number, string][] = [
    [0, "82 00"],
    [125, "82 7D"],
    [126, "82 7E 00 7E"],
    [65535, "82 7E FF FF"],
    [65536, "82 7F 00 00 00 00 00 01 00 00"],
    [1 << 20, "82 7F 00 00 00 00 00 10 00 00"],
  ];
  for (const [n, hdr] of cases) {
    const payload = pattern(n, 1);
    const plain = encodeFrame(OP_BINARY, payload, false);
    sameBytes(plain.subarray(0, hex(hdr).length), hex(hdr), `header ${n}`);
    assert.equal(plain.length, wsFrameHeaderSize(n, false) + n);
    sameBytes(plain.subarray(plain.length - n), payload, `payload ${n}`);
    const masked = encodeFrame(OP_BINARY, payload, true, MASK);
    const h = hex(hdr);
    h[1] = h[1]! | 0x80;
    sameBytes(masked.subarray(0, h.length), h, `masked header ${n}`);
    sameBytes(masked.subarray(h.length, h.length + 4), MASK, `mask key ${n}`);
    assert.equal(masked.length, wsFrameHeaderSize(n, true) + n);
    const body = masked.slice(h.length + 4);
    applyMask(body, 0, n, MASK);
    sameBytes(body, payload, `unmasked ${n}`);
  }
  // The payload is not changed by masking, and a random key differs between frames.
  const p = pattern(64, 2);
  const a = encodeFrame(OP_BINARY, p, true), b = encodeFrame(OP_BINARY, p, true);
  sameBytes(p, pattern(64, 2), "payload untouched");
  assert.notDeepEqual(a.subarray(2, 6), b.subarray(2, 6));
  const into = new Uint8Array(20).fill(0xaa);
  assert.equal(encodeFrameInto(into, 3, OP_PING, ascii("hi"), false), 4);
  sameBytes(into.subarray(2, 8), hex('AA 89 02 "hi" AA'), "encodeFrameInto");
  assert.throws(() => encodeFrame(OP_PING, new Uint8Array(126), false), RangeError);
  assert.throws(() => encodeFrame(16, new Uint8Array(0), false), RangeError);
});

test("applyMask works from any payload offset", () => {
  const p = pattern(37, 9);
  const whole = p.slice();
  applyMask(whole, 0, 37, MASK);
  for (const cut of [1, 2, 3, 5, 36]) {
    const parts = p.slice();
    applyMask(parts, 0, cut, MASK, 0);
    applyMask(parts, cut, 37, MASK, cut);
    sameBytes(parts, whole, `cut ${cut}`);
  }
});

for (const role of ["server", "client"] as const) {
  const masked = role === "server";
  test(`WsDecoder (${role}) reads every length form whole and in every split`, () => {
    for (const n of [0, 1, 125, 126, 65535, 65536, 1 << 20]) {
      const payload = pattern(n, n & 0xff);
      const wire = encodeFrame(OP_BINARY, payload, masked, MASK);
      const steps: (number | (() => number))[] = n <= 65536
        ? [wire.length, 1, 3, 1000, rng(n)]
        : [wire.length, 4096, rng(n), rng(n + 1)];
      for (const step of steps) {
        const d = new WsDecoder(role, -1);
        const events = feedAll(d, split(wire, step, 70_000));
        assert.ok(events !== null, `${n}: ${d.error}`);
        assert.equal(events.length, 1, `${n} bytes`);
        sameBytes(message(events[0]), payload, `${n} bytes, step ${typeof step}`);
      }
    }
  });

  test(`WsDecoder (${role}) refuses a frame with the wrong mask bit`, () => {
    const d = new WsDecoder(role, -1);
    const wrong = encodeFrame(OP_BINARY, ascii("x"), !masked, MASK);
    assert.equal(d.feed(wrong), null);
    assert.match(d.error!, masked ? /unmasked frame from a client/ : /masked frame from a server/);
    assert.equal(d.errorCode, CLOSE_PROTOCOL_ERROR);
    assert.equal(d.feed(encodeFrame(OP_BINARY, ascii("x"), masked)), null, "stays failed");
    // Refused on the second byte, before the rest of the header arrives.
    const e = new WsDecoder(role, -1);
    assert.deepEqual(e.feed(wrong.subarray(0, 1)), []);
    assert.equal(e.feed(wrong.subarray(1, 2)), null);
  });

  test(`WsDecoder (${role}): a fragmented message with a ping between fragments`, () => {
    const key = masked ? MASK : null;
    const wire = cat(
      raw(0x02, ascii("ab"), key), // binary, no FIN
      raw(0x89, ascii("p"), key), // ping
      raw(0x00, ascii(""), key), // empty continuation
      raw(0x00, pattern(300, 1), key), // continuation, 16-bit length
      raw(0x8a, new Uint8Array(0), key), // pong
      raw(0x80, ascii("z"), key), // final continuation
      raw(0x82, ascii("next"), key), // an unfragmented message after it
    );
    for (const step of [wire.length, 1, 2, 7]) {
      const d = new WsDecoder(role, -1);
      const events = feedAll(d, split(wire, step));
      assert.ok(events !== null, d.error ?? "");
      assert.deepEqual(events.map((e) => e.kind), ["ping", "pong", "message", "message"]);
      const ping = events[0]!;
      assert.ok(ping.kind === "ping");
      sameBytes(ping.data, ascii("p"), "ping payload");
      sameBytes(message(events[2]), cat(ascii("ab"), pattern(300, 1), ascii("z")), "whole");
      sameBytes(message(events[3]), ascii("next"), "after");
    }
  });
}

test("WsDecoder refuses text, RSV bits, reserved opcodes and misplaced continuations", () => {
  const cases: [Uint8Array, RegExp][] = [
    [raw(0x81, ascii("hi")), /text frame: ZWS is binary/],
    [raw(0xc2, ascii("hi")), /RSV/],
    [raw(0xa2, ascii("hi")), /RSV/],
    [raw(0x92, ascii("hi")), /RSV/],
    [raw(0x83, ascii("hi")), /reserved opcode 3/],
    [raw(0x8b, ascii("hi")), /reserved opcode 11/],
    [raw(0x80, ascii("hi")), /continuation frame outside/],
    [cat(raw(0x02, ascii("a")), raw(0x82, ascii("b"))), /binary frame inside/],
    [cat(raw(0x02, ascii("a")), raw(0x01, ascii("b"))), /text frame/],
  ];
  for (const [wire, why] of cases) {
    for (const step of [wire.length, 1]) {
      const d = new WsDecoder("client", -1);
      assert.equal(feedAll(d, split(wire, step)), null, String(why));
      assert.match(d.error!, why);
    }
  }
});

test("WsDecoder refuses control frames over 125 bytes or without FIN, on their header", () => {
  const big = new Uint8Array(4);
  writeWsFrameHeader(big, 0, OP_PING, 126, null); // 89 7E 00 7E: the payload never comes
  const d = new WsDecoder("client", -1);
  assert.equal(d.feed(big), null);
  assert.match(d.error!, /control frame payload over 125 bytes/);
  const ok = new WsDecoder("client", -1);
  const p125 = ok.feed(encodeFrame(OP_PONG, pattern(125, 1), false));
  assert.equal(p125?.[0]?.kind, "pong");
  const frag = new WsDecoder("client", -1);
  assert.equal(frag.feed(raw(0x09, ascii("x"))), null);
  assert.match(frag.error!, /fragmented control frame/);
});

test("WsDecoder refuses an oversized announced length before any payload byte", () => {
  // Limit 1000: a header announcing 1001 fails on its own.
  const hdr = new Uint8Array(14);
  const hl = writeWsFrameHeader(hdr, 0, OP_BINARY, 1001, MASK);
  const d = new WsDecoder("server", 1000);
  assert.equal(d.feed(hdr.subarray(0, hl)), null);
  assert.match(d.error!, /1001 bytes or more exceeds the limit of 1000/);
  assert.equal(d.errorCode, CLOSE_TOO_BIG);
  const exact = new WsDecoder("server", 1000);
  assert.equal(exact.feed(encodeFrame(OP_BINARY, pattern(1000, 1), true))?.length, 1);
  // The limit counts every fragment of a message.
  const frag = new WsDecoder("client", 1000);
  assert.deepEqual(frag.feed(raw(0x02, pattern(600, 1))), []);
  assert.equal(frag.feed(raw(0x80, pattern(401, 1))), null);
  // 64-bit lengths beyond 2^53-1 fail, whatever the limit.
  for (
    const len of ["00 20 00 00 00 00 00 00", "80 00 00 00 00 00 00 00", "FF FF FF FF FF FF FF FF"]
  ) {
    const n = new WsDecoder("client", -1);
    assert.equal(n.feed(hex(`82 7F ${len}`)), null, len);
    assert.match(n.error!, /beyond 2\^53-1/);
  }
  // A huge announcement with no limit holds only what arrived (no 1 TiB allocation).
  const huge = new WsDecoder("client", -1);
  assert.deepEqual(huge.feed(cat(hex("82 7F 00 00 01 00 00 00 00 00"), pattern(10, 1))), []);
  assert.equal(huge.error, null);
  const at53 = new WsDecoder("client", -1);
  assert.deepEqual(at53.feed(hex("82 7F 00 1F FF FF FF FF FF FF 00")), []);
});

test("WsDecoder reads close frames: code and reason, none, and refuses bad ones", () => {
  const d = new WsDecoder("client", -1);
  const events = d.feed(cat(closeFrame(1001, "going away", false), hex("82 01 00")));
  assert.deepEqual(events, [{ kind: "close", code: 1001, reason: "going away" }]);
  assert.equal(d.closed, true);
  assert.deepEqual(d.feed(hex("81 01 00")), [], "input after the close is ignored");
  const none = new WsDecoder("server", -1);
  assert.deepEqual(none.feed(closeFrame(1005, "", true)), [
    { kind: "close", code: 1005, reason: "" },
  ]);
  const one = new WsDecoder("client", -1);
  assert.equal(one.feed(hex("88 01 03")), null);
  assert.match(one.error!, /1-byte payload/);
  const bad = new WsDecoder("client", -1);
  assert.equal(bad.feed(hex("88 04 03 E8 C3 28")), null);
  assert.match(bad.error!, /UTF-8/);
  assert.equal(bad.errorCode, CLOSE_INVALID_DATA);
});

test("closeFrame: code big-endian, reason cut to 123 bytes on a character boundary", () => {
  sameBytes(closeFrame(1000, "", false), hex("88 02 03 E8"), "1000");
  sameBytes(closeFrame(1002, "x", true, MASK), hex("88 83 12 34 56 78 11 DE 2E"), "masked");
  sameBytes(closeFrame(1005, "ignored", false), hex("88 00"), "no status");
  const long = closeFrame(1000, "é".repeat(100), false); // 200 bytes of UTF-8
  assert.equal(long[1], 2 + 122);
  const d = new WsDecoder("client", -1);
  const ev = d.feed(long)?.[0];
  assert.ok(ev?.kind === "close");
  assert.equal(ev.reason, "é".repeat(61));
  assert.throws(() => closeFrame(70000, "", false), RangeError);
  assert.equal(OP_CLOSE, 8);
});

test("WsDecoder: empty binary messages are delivered; data never aliases the input", () => {
  const d = new WsDecoder("client", -1);
  const input = cat(hex("82 00"), hex("82 03 61 62 63"));
  const events = d.feed(input);
  assert.ok(events !== null);
  assert.equal(message(events[0]).length, 0);
  const abc = message(events[1]);
  input.fill(0);
  sameBytes(abc, ascii("abc"), "copied out");
});

test("WsDecoder: many frames of mixed sizes in one stream, in random splits", () => {
  const sizes = [0, 1, 125, 126, 127, 255, 256, 65535, 65536, 70_000, 3];
  const payloads = sizes.map((n, i) => pattern(n, i));
  const wire = cat(...payloads.map((p) => encodeFrame(OP_BINARY, p, true)));
  for (const seed of [1, 2, 3, 4]) {
    const d = new WsDecoder("server", -1);
    const events = feedAll(d, split(wire, rng(seed), 5000));
    assert.ok(events !== null, d.error ?? "");
    assert.equal(events.length, sizes.length);
    events.forEach((e, i) => sameBytes(message(e), payloads[i]!, `seed ${seed} frame ${i}`));
  }
});
