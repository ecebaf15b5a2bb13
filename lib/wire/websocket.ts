/**
 * WebSocket (RFC 6455) for the `ws://` transport, pure: the opening handshake's HTTP heads
 * in both directions, and the framing after it. No I/O, no timers; the ZWS layer
 * (zws.ts, ZeroMQ RFC 45) and the connection wrapper sit on top (docs/wire.md §6).
 *
 * Opening handshake (RFC 6455 §4):
 * - The client sends `clientRequest`; the server reads it with `parseUpgradeRequest`, which
 *   wants `GET <path> HTTP/1.1`, `Upgrade: websocket`, `Connection` listing `upgrade`, a
 *   `Sec-WebSocket-Key` of 16 base64 bytes and `Sec-WebSocket-Version: 13` (else 426), and
 *   answers `serverResponse` (101, `Sec-WebSocket-Accept` = `acceptKey(key)`, the one chosen
 *   subprotocol) or `rejectResponse`. The client reads the answer with
 *   `parseUpgradeResponse` and checks status, accept value and subprotocol itself.
 * - A head (request line, headers, the empty line) must end within `MAX_HEAD_BYTES` (8 KiB),
 *   else the request fails with 431. Header names are case-insensitive (stored lower-case);
 *   a repeated header's values are joined with ", ", so a repeated key or version fails.
 *   Control characters, bare CR/LF and folded lines fail with 400.
 *
 * Framing (RFC 6455 §5): `FIN|RSV(3)|opcode(4)`, `MASK|len(7)`, then a 16-bit length when
 * len is 126, a 64-bit one when 127, the 4-byte masking key when MASK, and the payload
 * XORed with the key byte `i mod 4`.
 * - `WsDecoder` accepts its input split anywhere. A client's frames must be masked and a
 *   server's must not be; RSV bits, text frames, reserved opcodes, fragmented or over-125
 *   control frames, and continuations out of place are errors. Fragmented binary messages are
 *   reassembled, control frames between the fragments are delivered as they come.
 * - Lengths are checked on the header, before any payload byte is held: above 2^53-1, or
 *   a message above the decoder's limit, fails. A partial message is held in a buffer that
 *   grows with the bytes that arrived, never with the announced size.
 * - Lengths are not required to use the shortest form (a lenient reader, like libzmq).
 * - Encoders always set FIN (we never fragment) and use the shortest length form.
 *
 * Runs on: I/O worker.
 */
import { readU64, writeU64 } from "./frame.ts";

/** The GUID appended to the client's key before hashing (RFC 6455 §1.3). */
export const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Opcode of a continuation frame (RFC 6455 §5.2). */
export const OP_CONTINUATION = 0;
/** Opcode of a text frame; ZWS never uses it and `WsDecoder` refuses it. */
export const OP_TEXT = 1;
/** Opcode of a binary frame: every ZWS message. */
export const OP_BINARY = 2;
/** Opcode of a close frame. */
export const OP_CLOSE = 8;
/** Opcode of a ping frame. */
export const OP_PING = 9;
/** Opcode of a pong frame. */
export const OP_PONG = 10;

/** Largest HTTP head (request or status line, headers, empty line) read in a handshake. */
export const MAX_HEAD_BYTES = 8192;
/** Largest payload of a control frame (RFC 6455 §5.5). */
export const MAX_CONTROL_PAYLOAD = 125;

/** Close status codes (RFC 6455 §7.4.1) `WsDecoder.errorCode` reports. */
export const CLOSE_NORMAL = 1000;
/** The peer broke the protocol. */
export const CLOSE_PROTOCOL_ERROR = 1002;
/** A close frame without a status code (never sent in a close frame's payload). */
export const CLOSE_NO_STATUS = 1005;
/** Data not consistent with the message type (bad UTF-8 in a close reason). */
export const CLOSE_INVALID_DATA = 1007;
/** A message too big to process. */
export const CLOSE_TOO_BIG = 1009;

/** Smallest buffer allocated for a message split across reads (bounded by its length). */
const MIN_BODY_BUFFER = 16 * 1024;
const EMPTY = new Uint8Array(0);
const ascii = new TextEncoder();

/** Base64 of bytes (standard alphabet, padded). */
function toBase64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return btoa(s);
}

/**
 * The `Sec-WebSocket-Accept` value for a client's `Sec-WebSocket-Key`:
 * base64(SHA-1(key + `WS_GUID`)) (RFC 6455 §4.2.2).
 *
 * @param key The key exactly as the client sent it.
 * @returns The accept value.
 * @example The RFC 6455 §1.3 vector
 * ```ts
 * import { acceptKey } from "./websocket.ts";
 * await acceptKey("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 * ```
 */
export async function acceptKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", ascii.encode(key + WS_GUID));
  return toBase64(new Uint8Array(digest));
}

/**
 * A fresh `Sec-WebSocket-Key`: base64 of 16 random bytes (RFC 6455 §4.1).
 *
 * @returns 24 characters ending in `==`.
 */
export function newKey(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(16)));
}

/** Throws unless `s` is printable ASCII or tab (nothing that could end a header line). */
function headerSafe(what: string, s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c >= 0x7f) {
      throw new RangeError(`${what} holds a character that cannot go in an HTTP header`);
    }
  }
}

/**
 * The client's opening handshake (RFC 6455 §4.1; docs/wire.md §6.1), as bytes.
 * `Sec-WebSocket-Protocol` is left out when `protocols` is empty.
 *
 * @param o `host` (`host:port`, as the Host header), `path` (the request target, starting
 *   `/`), `key` (from `newKey`), `protocols` (the subprotocols offered, preferred first).
 * @returns `GET <path> HTTP/1.1` with Host, Upgrade, Connection, Sec-WebSocket-Key,
 *   Sec-WebSocket-Protocol and Sec-WebSocket-Version: 13, ending with the empty line.
 * @throws {RangeError} If a value holds a control character, or the path a space.
 * @example
 * ```ts
 * import { clientRequest } from "./websocket.ts";
 * const head = clientRequest({
 *   host: "127.0.0.1:5555",
 *   path: "/",
 *   key: "dGhlIHNhbXBsZSBub25jZQ==",
 *   protocols: ["ZWS2.0/NULL"],
 * });
 * new TextDecoder().decode(head).startsWith("GET / HTTP/1.1\r\n"); // true
 * ```
 */
export function clientRequest(
  o: { host: string; path: string; key: string; protocols: string[] },
): Uint8Array {
  headerSafe("The host", o.host);
  headerSafe("The path", o.path);
  headerSafe("The key", o.key);
  if (o.path === "" || o.path.includes(" ") || o.path.includes("\t")) {
    throw new RangeError(`A WebSocket request path is non-empty without spaces, not "${o.path}"`);
  }
  for (const p of o.protocols) headerSafe("A subprotocol", p);
  let s = `GET ${o.path} HTTP/1.1\r\n` +
    `Host: ${o.host}\r\n` +
    "Upgrade: websocket\r\n" +
    "Connection: Upgrade\r\n" +
    `Sec-WebSocket-Key: ${o.key}\r\n`;
  if (o.protocols.length > 0) s += `Sec-WebSocket-Protocol: ${o.protocols.join(", ")}\r\n`;
  s += "Sec-WebSocket-Version: 13\r\n\r\n";
  return ascii.encode(s);
}

/** A client's upgrade request, as `parseUpgradeRequest` read it. */
export interface UpgradeRequest {
  /** The request target as sent (path and query). */
  path: string;
  /** `Sec-WebSocket-Key` as sent (24 base64 characters). */
  key: string;
  /** `Sec-WebSocket-Protocol` as a list, spaces trimmed, in the client's order; [] if absent. */
  protocols: string[];
  /** Every header, names lower-case, repeated headers' values joined with ", ". */
  headers: Map<string, string>;
}

/** Offset just past the `\r\n\r\n` ending the head, looked for within the 8 KiB limit; -1. */
function headEnd(buf: Uint8Array): number {
  const n = Math.min(buf.length, MAX_HEAD_BYTES);
  for (let i = 3; i < n; i++) {
    if (buf[i] === 0x0a && buf[i - 1] === 0x0d && buf[i - 2] === 0x0a && buf[i - 3] === 0x0d) {
      return i + 1;
    }
  }
  return -1;
}

/** Whether the first bytes of `buf` (as many as arrived) agree with `prefix`. */
function startsLike(buf: Uint8Array, prefix: string): boolean {
  const n = Math.min(buf.length, prefix.length);
  for (let i = 0; i < n; i++) if (buf[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The start line and headers of a head that ends at `end`; a string says what is wrong. */
function parseHead(
  buf: Uint8Array,
  end: number,
): { start: string; headers: Map<string, string> } | string {
  let text = "";
  for (let i = 0; i < end - 4; i++) {
    const c = buf[i]!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) || c === 0x7f) {
      return "control character in the HTTP head";
    }
    text += String.fromCharCode(c);
  }
  const lines = text.split("\r\n");
  const headers = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.includes("\r") || line.includes("\n")) return "bare CR or LF in the HTTP head";
    if (i === 0) continue;
    if (line.startsWith(" ") || line.startsWith("\t")) return "folded header line";
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!TOKEN.test(name)) return `malformed header line "${line.slice(0, 64)}"`;
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, "");
    const lower = name.toLowerCase();
    const prev = headers.get(lower);
    headers.set(lower, prev === undefined ? value : `${prev}, ${value}`);
  }
  return { start: lines[0]!, headers };
}

/** Whether the comma list `value` holds `token` (case-insensitive, spaces trimmed). */
function listHas(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  return value.split(",").some((t) => t.trim().toLowerCase() === token);
}

/** A comma list's items, spaces trimmed, empty items dropped. */
function list(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(",").map((t) => t.trim()).filter((t) => t !== "");
}

/** Whether `key` is base64 of exactly 16 bytes (22 characters and `==`). */
function validKey(key: string): boolean {
  return /^[A-Za-z0-9+/]{22}==$/.test(key);
}

/**
 * Reads a client's opening handshake (RFC 6455 §4.2.1; docs/wire.md §6.1) from the start
 * of `buf`, which holds everything received so far.
 *
 * @param buf The bytes received since the connection opened.
 * @returns The request and the head's length in bytes (CRLFCRLF included; what follows
 *   belongs to the WebSocket stream); "incomplete" when the head has not ended yet (call
 *   again with more bytes); or an error with the HTTP status to reject it with (431 when
 *   the head does not end within 8 KiB, 426 for a version other than 13, else 400). Bytes
 *   that cannot start `GET ` fail at once.
 * @example
 * ```ts
 * import { clientRequest, parseUpgradeRequest } from "./websocket.ts";
 * const head = clientRequest({
 *   host: "h:1",
 *   path: "/x",
 *   key: "dGhlIHNhbXBsZSBub25jZQ==",
 *   protocols: ["ZWS2.0/NULL", "ZWS2.0"],
 * });
 * const r = parseUpgradeRequest(head); // { req: { path: "/x", protocols: [...], ... }, length }
 * ```
 */
export function parseUpgradeRequest(
  buf: Uint8Array,
): { req: UpgradeRequest; length: number } | "incomplete" | { error: string; status: number } {
  if (!startsLike(buf, "GET ")) return { error: "not an HTTP GET request", status: 400 };
  const end = headEnd(buf);
  if (end < 0) {
    if (buf.length < MAX_HEAD_BYTES) return "incomplete";
    return { error: `HTTP request head over ${MAX_HEAD_BYTES} bytes`, status: 431 };
  }
  const head = parseHead(buf, end);
  if (typeof head === "string") return { error: head, status: 400 };
  const m = /^GET ([^ ]+) HTTP\/1\.1$/.exec(head.start);
  if (m === null) {
    return { error: `request line is not "GET <path> HTTP/1.1": "${head.start}"`, status: 400 };
  }
  const h = head.headers;
  if (!listHas(h.get("upgrade"), "websocket")) {
    return { error: "Upgrade header is not websocket", status: 400 };
  }
  if (!listHas(h.get("connection"), "upgrade")) {
    return { error: "Connection header does not list upgrade", status: 400 };
  }
  const key = h.get("sec-websocket-key");
  if (key === undefined) return { error: "Sec-WebSocket-Key header missing", status: 400 };
  if (!validKey(key)) {
    return { error: "Sec-WebSocket-Key is not 16 bytes of base64", status: 400 };
  }
  if (h.get("sec-websocket-version") !== "13") {
    return { error: "Sec-WebSocket-Version is not 13", status: 426 };
  }
  const req: UpgradeRequest = {
    path: m[1]!,
    key,
    protocols: list(h.get("sec-websocket-protocol")),
    headers: h,
  };
  return { req, length: end };
}

/**
 * The server's 101 answer to an upgrade (RFC 6455 §4.2.2), as bytes.
 *
 * @param accept `await acceptKey(req.key)`.
 * @param protocol The one subprotocol chosen from the client's list; "" leaves the header
 *   out.
 * @returns `HTTP/1.1 101 Switching Protocols` with Upgrade, Connection, Sec-WebSocket-Accept
 *   and Sec-WebSocket-Protocol, ending with the empty line.
 * @throws {RangeError} If a value holds a control character.
 */
export function serverResponse(accept: string, protocol: string): Uint8Array {
  headerSafe("The accept value", accept);
  headerSafe("The subprotocol", protocol);
  let s = "HTTP/1.1 101 Switching Protocols\r\n" +
    "Upgrade: websocket\r\n" +
    "Connection: Upgrade\r\n" +
    `Sec-WebSocket-Accept: ${accept}\r\n`;
  if (protocol !== "") s += `Sec-WebSocket-Protocol: ${protocol}\r\n`;
  return ascii.encode(s + "\r\n");
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * A short HTTP error answer to a failed upgrade: `Connection: close`, a text/plain body of
 * `reason` and a line end; 426 adds `Sec-WebSocket-Version: 13` (RFC 6455 §4.4).
 *
 * @param status The HTTP status, 100..599 (as `parseUpgradeRequest` reported it).
 * @param reason The body text (UTF-8; control characters become spaces).
 * @returns The whole response.
 * @throws {RangeError} If `status` is not an integer 100..599.
 */
export function rejectResponse(status: number, reason: string): Uint8Array {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new RangeError(`An HTTP status is 100..599, not ${status}`);
  }
  // deno-lint-ignore no-control-regex
  const body = ascii.encode(reason.replace(/[\x00-\x1f\x7f]/g, " ") + "\n");
  let s = `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n` +
    "Connection: close\r\n" +
    "Content-Type: text/plain; charset=utf-8\r\n" +
    `Content-Length: ${body.length}\r\n`;
  if (status === 426) s += "Sec-WebSocket-Version: 13\r\n";
  const headBytes = ascii.encode(s + "\r\n");
  const out = new Uint8Array(headBytes.length + body.length);
  out.set(headBytes);
  out.set(body, headBytes.length);
  return out;
}

/**
 * Reads the server's answer to our upgrade request (RFC 6455 §4.1) from the start of
 * `buf`. A 101 answer must carry `Upgrade: websocket` and `Connection` listing `upgrade`,
 * else it is an error; anything else is returned for the caller to judge (the caller checks
 * status 101, `accept` against `await acceptKey(key)` and the subprotocol).
 *
 * @param buf The bytes received since the request was sent.
 * @returns The status code, the `Sec-WebSocket-Protocol` and `Sec-WebSocket-Accept` values
 *   (null when absent), every header (names lower-case), and the head's length (bytes after
 *   it are WebSocket frames); "incomplete" until the head has ended; or an error (a
 *   malformed head, one over 8 KiB, bytes that cannot start `HTTP/`).
 */
export function parseUpgradeResponse(
  buf: Uint8Array,
):
  | {
    status: number;
    protocol: string | null;
    accept: string | null;
    headers: Map<string, string>;
    length: number;
  }
  | "incomplete"
  | { error: string } {
  if (!startsLike(buf, "HTTP/")) return { error: "not an HTTP response" };
  const end = headEnd(buf);
  if (end < 0) {
    if (buf.length < MAX_HEAD_BYTES) return "incomplete";
    return { error: `HTTP response head over ${MAX_HEAD_BYTES} bytes` };
  }
  const head = parseHead(buf, end);
  if (typeof head === "string") return { error: head };
  const m = /^HTTP\/1\.[01] ([1-5][0-9][0-9])(?: .*)?$/.exec(head.start);
  if (m === null) return { error: `malformed status line "${head.start.slice(0, 64)}"` };
  const status = Number(m[1]);
  const h = head.headers;
  if (status === 101) {
    if (!listHas(h.get("upgrade"), "websocket")) {
      return { error: "Upgrade header is not websocket" };
    }
    if (!listHas(h.get("connection"), "upgrade")) {
      return { error: "Connection header does not list upgrade" };
    }
  }
  return {
    status,
    protocol: h.get("sec-websocket-protocol") ?? null,
    accept: h.get("sec-websocket-accept") ?? null,
    headers: h,
    length: end,
  };
}

/** One thing `WsDecoder.feed` read: a whole binary message or a control frame. */
export type WsEvent =
  | { kind: "message"; data: Uint8Array }
  | { kind: "ping"; data: Uint8Array }
  | { kind: "pong"; data: Uint8Array }
  | { kind: "close"; code: number; reason: string };

/**
 * XORs `buf[start..end)` with the masking key, `pos` being the payload offset of `start`
 * (RFC 6455 §5.3); masking and unmasking are the same operation.
 *
 * @param buf The bytes, changed in place.
 * @param start First byte to mask.
 * @param end One past the last byte.
 * @param key The 4-byte masking key.
 * @param pos Offset of `start` within the frame's payload (selects the key byte).
 */
export function applyMask(
  buf: Uint8Array,
  start: number,
  end: number,
  key: Uint8Array,
  pos = 0,
): void {
  const m0 = key[pos & 3]!, m1 = key[(pos + 1) & 3]!, m2 = key[(pos + 2) & 3]!;
  const m3 = key[(pos + 3) & 3]!;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    buf[i] = buf[i]! ^ m0;
    buf[i + 1] = buf[i + 1]! ^ m1;
    buf[i + 2] = buf[i + 2]! ^ m2;
    buf[i + 3] = buf[i + 3]! ^ m3;
  }
  const tail = [m0, m1, m2];
  for (let j = 0; i < end; i++, j++) buf[i] = buf[i]! ^ tail[j]!;
}

/**
 * Bytes of a frame header for a payload of `length` bytes: 2, 4 or 10, plus 4 when masked.
 *
 * @param length Payload length.
 * @param masked Whether a masking key follows.
 * @returns The header length.
 */
export function wsFrameHeaderSize(length: number, masked: boolean): number {
  return (length < 126 ? 2 : length < 65536 ? 4 : 10) + (masked ? 4 : 0);
}

/**
 * Writes a frame header with FIN set and the shortest length form (RFC 6455 §5.2).
 *
 * @param dst Destination with room for `wsFrameHeaderSize(length, maskKey !== null)` bytes.
 * @param off Offset of the first byte.
 * @param opcode The opcode, 0..15.
 * @param length Payload length, 0..2^53-1.
 * @param maskKey The 4-byte masking key to announce, or null for an unmasked frame.
 * @returns Bytes written.
 */
export function writeWsFrameHeader(
  dst: Uint8Array,
  off: number,
  opcode: number,
  length: number,
  maskKey: Uint8Array | null,
): number {
  const maskBit = maskKey !== null ? 0x80 : 0;
  dst[off] = 0x80 | opcode;
  let p = off + 2;
  if (length < 126) dst[off + 1] = maskBit | length;
  else if (length < 65536) {
    dst[off + 1] = maskBit | 126;
    dst[off + 2] = length >>> 8;
    dst[off + 3] = length & 0xff;
    p += 2;
  } else {
    dst[off + 1] = maskBit | 127;
    writeU64(dst, off + 2, length);
    p += 8;
  }
  if (maskKey !== null) {
    dst.set(maskKey.subarray(0, 4), p);
    p += 4;
  }
  return p - off;
}

let keyPool = EMPTY;
let keyPoolAt = 0;

/** A fresh random 4-byte masking key (RFC 6455 §5.3: unpredictable, from a strong source). */
export function randomMaskKey(): Uint8Array {
  if (keyPoolAt + 4 > keyPool.length) {
    keyPool = crypto.getRandomValues(new Uint8Array(1024));
    keyPoolAt = 0;
  }
  const k = keyPool.subarray(keyPoolAt, keyPoolAt + 4);
  keyPoolAt += 4;
  return k;
}

function checkOpcode(opcode: number, length: number): void {
  if (!Number.isInteger(opcode) || opcode < 0 || opcode > 15) {
    throw new RangeError(`A WebSocket opcode is 0..15, not ${opcode}`);
  }
  if (opcode >= 8 && length > MAX_CONTROL_PAYLOAD) {
    throw new RangeError(`A control frame's payload is at most 125 bytes, not ${length}`);
  }
}

/**
 * Writes one whole frame (FIN set) into `dst`: header, then the payload, masked when `mask`.
 *
 * @param dst Destination with room for `wsFrameHeaderSize(payload.length, mask)` +
 *   `payload.length` bytes at `off`.
 * @param off Offset of the first byte.
 * @param opcode The opcode.
 * @param payload The payload (not changed).
 * @param mask Whether to mask (a client's frames are masked, a server's are not).
 * @param maskKey The masking key when `mask`; a random one by default.
 * @returns Bytes written.
 * @throws {RangeError} On an opcode outside 0..15 or a control payload over 125 bytes.
 */
export function encodeFrameInto(
  dst: Uint8Array,
  off: number,
  opcode: number,
  payload: Uint8Array,
  mask: boolean,
  maskKey?: Uint8Array,
): number {
  checkOpcode(opcode, payload.length);
  const key = mask ? (maskKey ?? randomMaskKey()) : null;
  const h = writeWsFrameHeader(dst, off, opcode, payload.length, key);
  dst.set(payload, off + h);
  if (key !== null) applyMask(dst, off + h, off + h + payload.length, key);
  return h + payload.length;
}

/**
 * One whole frame (FIN set, shortest length form) as new bytes (RFC 6455 §5.2).
 *
 * @param opcode The opcode (`OP_BINARY`, `OP_CLOSE`, `OP_PING`, `OP_PONG`, ...).
 * @param payload The payload (not changed).
 * @param mask Whether to mask (a client's frames are masked, a server's are not).
 * @param maskKey The masking key when `mask`; a random one by default.
 * @returns The frame.
 * @throws {RangeError} On an opcode outside 0..15 or a control payload over 125 bytes.
 * @example A server's ping, a masked binary frame
 * ```ts
 * import { encodeFrame, OP_BINARY, OP_PING } from "./websocket.ts";
 * encodeFrame(OP_PING, new Uint8Array(0), false); // 89 00
 * encodeFrame(OP_BINARY, new Uint8Array([0]), true, new Uint8Array([1, 2, 3, 4]));
 * // 82 81 01 02 03 04 01
 * ```
 */
export function encodeFrame(
  opcode: number,
  payload: Uint8Array,
  mask: boolean,
  maskKey?: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(wsFrameHeaderSize(payload.length, mask) + payload.length);
  encodeFrameInto(out, 0, opcode, payload, mask, maskKey);
  return out;
}

/**
 * A close frame (RFC 6455 §5.5.1): the status code (2 bytes, big-endian) and the reason
 * in UTF-8, cut to 123 bytes on a character boundary. Code 1005 ("no status") gives an
 * empty payload.
 *
 * @param code The status code, 0..65535 (normally 1000, 1001, 1002, 1009, ...).
 * @param reason Why, for people.
 * @param mask Whether to mask (a client's frames are masked).
 * @param maskKey The masking key when `mask`; a random one by default.
 * @returns The frame.
 * @throws {RangeError} If `code` is not an integer 0..65535.
 */
export function closeFrame(
  code: number,
  reason: string,
  mask: boolean,
  maskKey?: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(code) || code < 0 || code > 65535) {
    throw new RangeError(`A close code is 0..65535, not ${code}`);
  }
  if (code === CLOSE_NO_STATUS) return encodeFrame(OP_CLOSE, EMPTY, mask, maskKey);
  let text = ascii.encode(reason);
  if (text.length > MAX_CONTROL_PAYLOAD - 2) {
    let cut = MAX_CONTROL_PAYLOAD - 2;
    while (cut > 0 && (text[cut]! & 0xc0) === 0x80) cut--;
    text = text.subarray(0, cut);
  }
  const payload = new Uint8Array(2 + text.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return encodeFrame(OP_CLOSE, payload, mask, maskKey);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A streaming reader of WebSocket frames (RFC 6455 §5; see the file comment for what it
 * refuses). Binary messages come out whole, control frames as they arrive; after a close
 * frame the rest of the input is ignored.
 *
 * @example A client reads a server's message and ping, fed in two pieces
 * ```ts
 * import { WsDecoder } from "./websocket.ts";
 * const d = new WsDecoder("client", -1);
 * d.feed(new Uint8Array([0x82, 0x03, 0x00])); // []
 * d.feed(new Uint8Array([0x68, 0x69, 0x89, 0x00]));
 * // [{ kind: "message", data: 00 68 69 }, { kind: "ping", data: (empty) }]
 * ```
 */
export class WsDecoder {
  readonly #expectMask: boolean;
  readonly #limit: number;
  #error: string | null = null;
  #errorCode = CLOSE_PROTOCOL_ERROR;
  #closed = false;

  // A header cut by the end of a read.
  readonly #hdr = new Uint8Array(14);
  #hdrLen = 0;

  // The frame whose payload is being read.
  #opcode = 0;
  #fin = false;
  #masked = false;
  readonly #key = new Uint8Array(4);
  /** Payload bytes of the current frame still to come; -1 while reading a header. */
  #need = -1;
  /** Payload bytes of the current frame read so far (the masking phase). */
  #pos = 0;

  // The binary message being assembled (a frame split across reads, or fragments).
  #msg: Uint8Array | null = null;
  #msgFill = 0;
  /** Message offset where the current data frame's payload ends. */
  #msgEnd = 0;
  /** A binary frame without FIN came: continuations follow. */
  #fragmented = false;

  // The control frame being read.
  readonly #ctrl = new Uint8Array(MAX_CONTROL_PAYLOAD);
  #ctrlFill = 0;

  /**
   * A reader for one connection.
   *
   * @param role Our side: "server" reads a client's frames, which must be masked;
   *   "client" reads a server's, which must not be.
   * @param maxMessage Largest message payload accepted (all fragments together), or -1 for
   *   no limit.
   */
  constructor(role: "server" | "client", maxMessage: number) {
    this.#expectMask = role === "server";
    this.#limit = maxMessage;
  }

  /** Why `feed` failed; null while the stream is sound. */
  get error(): string | null {
    return this.#error;
  }

  /**
   * The close status code that fits the failure (1002 protocol error, 1007 invalid data,
   * 1009 too big), for the close frame sent before closing; 1002 before any failure.
   */
  get errorCode(): number {
    return this.#errorCode;
  }

  /** Whether a close frame was read (what follows it is ignored). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Reads frames from the next piece of the stream. `chunk` is not kept: what is incomplete
   * is copied. A message's `data` is its own buffer (never a view into `chunk`).
   *
   * @param chunk Received bytes, split anywhere.
   * @returns What was completed, in order (empty when nothing was); null once the stream
   *   has failed (`error` says why), on this call and every later one.
   */
  feed(chunk: Uint8Array): WsEvent[] | null {
    if (this.#error !== null) return null;
    const events: WsEvent[] = [];
    const n = chunk.length;
    let o = 0;
    while (o < n && !this.#closed) {
      if (this.#need > 0) {
        // Payload of a frame cut by the end of an earlier read (or of a fragment).
        const take = Math.min(n - o, this.#need);
        let dst: Uint8Array, at: number;
        if (this.#opcode >= 8) {
          dst = this.#ctrl;
          at = this.#ctrlFill;
          this.#ctrlFill += take;
        } else {
          dst = this.#room(this.#msgFill + take);
          at = this.#msgFill;
          this.#msgFill += take;
        }
        dst.set(chunk.subarray(o, o + take), at);
        if (this.#masked) applyMask(dst, at, at + take, this.#key, this.#pos);
        this.#pos += take;
        this.#need -= take;
        o += take;
        if (this.#need === 0 && !this.#endFrame(events)) return null;
        continue;
      }
      let src: Uint8Array, at: number;
      if (this.#hdrLen === 0 && n - o >= 2 && n - o >= headerLength(chunk[o + 1]!)) {
        // Fast path: the whole header in this read.
        src = chunk;
        at = o;
        o += headerLength(chunk[o + 1]!);
      } else {
        this.#hdr[this.#hdrLen++] = chunk[o++]!;
        if (this.#hdrLen < 2) continue;
        if (this.#hdrLen === 2 && !this.#checkStart(this.#hdr[0]!, this.#hdr[1]!)) return null;
        if (this.#hdrLen < headerLength(this.#hdr[1]!)) continue;
        src = this.#hdr;
        at = 0;
        this.#hdrLen = 0;
      }
      if (!this.#startFrame(src, at, events)) return null;
      const len = this.#need;
      if (src === chunk && len > 0 && this.#opcode === OP_BINARY && this.#fin && n - o >= len) {
        // Fast path: a whole unfragmented frame in this read; its payload is copied once.
        const data = chunk.slice(o, o + len);
        if (this.#masked) applyMask(data, 0, len, this.#key);
        events.push({ kind: "message", data });
        this.#need = -1;
        o += len;
      }
    }
    return events;
  }

  /** Checks the first two header bytes (all that is known before the length). */
  #checkStart(b0: number, b1: number): boolean {
    if (b0 & 0x70) return this.#fail("RSV bits set, but no extension was negotiated");
    const op = b0 & 0x0f;
    switch (op) {
      case OP_CONTINUATION:
        if (!this.#fragmented) return this.#fail("continuation frame outside a fragmented message");
        break;
      case OP_TEXT:
        return this.#fail("text frame: ZWS is binary");
      case OP_BINARY:
        if (this.#fragmented) return this.#fail("binary frame inside a fragmented message");
        break;
      case OP_CLOSE:
      case OP_PING:
      case OP_PONG:
        if (!(b0 & 0x80)) return this.#fail("fragmented control frame");
        if ((b1 & 0x7f) > MAX_CONTROL_PAYLOAD) {
          return this.#fail("control frame payload over 125 bytes");
        }
        break;
      default:
        return this.#fail(`reserved opcode ${op}`);
    }
    if (((b1 & 0x80) !== 0) !== this.#expectMask) {
      return this.#fail(
        this.#expectMask ? "unmasked frame from a client" : "masked frame from a server",
      );
    }
    return true;
  }

  /** Reads a whole header at `src[at]`, checks it and gets ready for the payload. */
  #startFrame(src: Uint8Array, at: number, events: WsEvent[]): boolean {
    const b0 = src[at]!, b1 = src[at + 1]!;
    if (!this.#checkStart(b0, b1)) return false;
    let p = at + 2;
    let len = b1 & 0x7f;
    if (len === 126) {
      len = (src[p]! << 8) | src[p + 1]!;
      p += 2;
    } else if (len === 127) {
      len = readU64(src, p);
      p += 8;
      if (len < 0) return this.#fail("frame length beyond 2^53-1 bytes");
    }
    this.#masked = (b1 & 0x80) !== 0;
    if (this.#masked) this.#key.set(src.subarray(p, p + 4));
    this.#opcode = b0 & 0x0f;
    this.#fin = (b0 & 0x80) !== 0;
    if (this.#opcode < 8) {
      const total = this.#msgFill + len;
      if (this.#limit >= 0 && total > this.#limit) {
        this.#errorCode = CLOSE_TOO_BIG;
        return this.#fail(
          `message of ${total} bytes or more exceeds the limit of ${this.#limit} bytes`,
        );
      }
      this.#msgEnd = total;
    } else this.#ctrlFill = 0;
    this.#pos = 0;
    this.#need = len;
    return len === 0 ? this.#endFrame(events) : true;
  }

  /** The current frame's payload is complete: deliver what it completes. */
  #endFrame(events: WsEvent[]): boolean {
    this.#need = -1;
    const op = this.#opcode;
    if (op === OP_PING || op === OP_PONG) {
      const data = this.#ctrl.slice(0, this.#ctrlFill);
      events.push({ kind: op === OP_PING ? "ping" : "pong", data });
      return true;
    }
    if (op === OP_CLOSE) {
      const n = this.#ctrlFill;
      if (n === 1) return this.#fail("close frame with a 1-byte payload");
      let code = CLOSE_NO_STATUS, reason = "";
      if (n >= 2) {
        code = (this.#ctrl[0]! << 8) | this.#ctrl[1]!;
        try {
          reason = utf8.decode(this.#ctrl.subarray(2, n));
        } catch {
          this.#errorCode = CLOSE_INVALID_DATA;
          return this.#fail("close reason is not UTF-8");
        }
      }
      this.#closed = true;
      this.#msg = null;
      events.push({ kind: "close", code, reason });
      return true;
    }
    if (!this.#fin) {
      this.#fragmented = true;
      return true;
    }
    const msg = this.#msg;
    // The buffer never grows past the announced end, so it is exactly the message here.
    const data = msg === null ? new Uint8Array(0) : msg.subarray(0, this.#msgFill);
    this.#msg = null;
    this.#msgFill = 0;
    this.#fragmented = false;
    events.push({ kind: "message", data });
    return true;
  }

  /** The message buffer, with room for `needed` bytes (grown by arrivals, not announcements). */
  #room(needed: number): Uint8Array {
    const old = this.#msg;
    if (old !== null && old.length >= needed) return old;
    const cap = Math.min(this.#msgEnd, Math.max(needed, (old?.length ?? 0) * 2, MIN_BODY_BUFFER));
    const buf = new Uint8Array(cap);
    if (old !== null) buf.set(old.subarray(0, this.#msgFill));
    this.#msg = buf;
    return buf;
  }

  #fail(why: string): false {
    this.#error = why;
    this.#msg = null;
    return false;
  }
}

/** Header length announced by the second header byte: 2, 4 or 10, plus 4 when masked. */
function headerLength(b1: number): number {
  const len7 = b1 & 0x7f;
  return (len7 < 126 ? 2 : len7 === 126 ? 4 : 10) + (b1 & 0x80 ? 4 : 0);
}
