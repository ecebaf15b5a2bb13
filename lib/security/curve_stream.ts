/**
 * The CURVE traffic codec (ZeroMQ RFC 26 MESSAGE; docs/security.md §6.2, §6.5):
 * after a CURVE handshake every ZMTP/3 frame travels boxed in its own MESSAGE command, and
 * `CurveStream` converts between the plain frame stream (what the engine would write to, or
 * read from, a NULL peer) and the wire stream. Both directions accept their input split
 * anywhere and keep what is incomplete.
 *
 * Framing rules:
 * - A plain frame `flags | size (1, or 8 BE with LONG) | body` (docs/wire.md §3.2) becomes
 *   the MESSAGE body `07 "MESSAGE" | counter (8, BE) | box`, where the box is
 *   XSalsa20-Poly1305 under the precomputed key K of `inner flags (1) | body`, with the
 *   nonce `"CurveZMQMESSAGEC"` (sent by the client) or `"CurveZMQMESSAGES"` (by the
 *   server) followed by the counter. Inner flags: bit 0 MORE, bit 1 (`02`) COMMAND, so
 *   PING/PONG and SUBSCRIBE/CANCEL travel boxed too.
 * - The outer frame carries flags `00`, or `02` when its body is over 255 bytes: no MORE,
 *   no COMMAND, exactly like libzmq. On receive `04`/`06` (COMMAND set) are accepted as
 *   well, and reserved bits are ignored; MORE on the outer frame is an error.
 * - Each side adds 1 to its counter per MESSAGE; a received counter must be strictly
 *   greater than the last one seen (docs/wire.md §8.1 row 30), or the stream fails.
 * - Received sizes are checked on the outer header, before any body byte is buffered:
 *   `commandLimit(maxMsgSize) + 33` (8 name + 8 counter + 16 tag + 1 inner flags) when a
 *   limit is set, and `MAX_FRAME_HARD_CAP` always (docs/wire.md §8.1 rows 22-23). Whether
 *   the box holds a part or a command is known only once it is open, and `maxMsgSize` limits
 *   parts only: a box may hold a command of up to `MAX_COMMAND_SIZE` bytes whatever the
 *   limit, and the decoder after the codec holds each part to `maxMsgSize`. A partial frame
 *   is held in a buffer that grows with the bytes that arrived, never with the announced
 *   size.
 * - A failed stream reports why in `error`, in words that never contain key material;
 *   every later `decode` returns null. There is no ERROR reply on traffic (§8.1 row 31).
 *
 * Runs on: I/O worker.
 */
import { BOX_OVERHEAD, KEY_BYTES, NONCE_BYTES, open, seal } from "./crypto.ts";
import type { MessageCodec } from "./mechanism.ts";
import {
  commandLimit,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  header3Size,
  MAX_FRAME_HARD_CAP,
  readU64,
  writeHeader3,
  writeU64,
} from "../wire/frame.ts";

/** `07 "MESSAGE"`: the command name with its length byte. */
const MESSAGE_NAME = new Uint8Array([0x07, 0x4d, 0x45, 0x53, 0x53, 0x41, 0x47, 0x45]);
/** `05 "ERROR"`. */
const ERROR_NAME = new Uint8Array([0x05, 0x45, 0x52, 0x52, 0x4f, 0x52]);
/** Bytes of a MESSAGE body around the frame data: name 8, counter 8, tag 16, inner flags 1. */
const MESSAGE_OVERHEAD = 8 + 8 + BOX_OVERHEAD + 1;
/** Inner flag bits of the boxed plaintext. */
const INNER_MORE = 0x01;
const INNER_COMMAND = 0x02;
/** Smallest body buffer allocated for a frame split across reads (bounded by its size). */
const MIN_BODY_BUFFER = 16 * 1024;

function noncePrefix(text: string): Uint8Array {
  const n = new Uint8Array(NONCE_BYTES);
  for (let i = 0; i < 16; i++) n[i] = text.charCodeAt(i);
  return n;
}

/**
 * One connection's CURVE MESSAGE codec, both directions (see the file comment for the
 * rules). Create it when the handshake is done, with the handshake's counters.
 *
 * @example A client and a server sharing K exchange one frame
 * ```ts
 * import { CurveStream } from "./curve_stream.ts";
 * const k = new Uint8Array(32).fill(7); // the precomputed box key both sides derived
 * // The client sent HELLO (1) and INITIATE (2) and saw READY (1); the server the reverse.
 * const client = new CurveStream(k, "client", 3, 1, -1);
 * const server = new CurveStream(k, "server", 2, 2, -1);
 * const hello = new Uint8Array([0x00, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]); // 00 05 "hello"
 * const wire = client.encode(hello); // 00 26 07 "MESSAGE" 00..03 + a 22-byte box
 * const plain = server.decode(wire);
 * if (plain === null || plain.join() !== hello.join()) throw new Error(server.error ?? "?");
 * ```
 */
export class CurveStream implements MessageCodec {
  readonly #key: Uint8Array;
  readonly #limit: number;
  // Nonces: the 16-byte prefix stays, the counter is written into the last 8 bytes.
  readonly #sendNonce: Uint8Array;
  readonly #recvNonce: Uint8Array;
  #sendCounter: number;
  #recvCounter: number;
  #error: string | null = null;

  // encode: a plain frame cut by the end of a write.
  readonly #eHdr = new Uint8Array(9);
  #eHdrLen = 0;
  /** Inner plaintext (flags + body) being filled, or null between frames. */
  #eInner: Uint8Array | null = null;
  #eFill = 0;

  // decode: an outer frame cut by the end of a read.
  readonly #dHdr = new Uint8Array(9);
  #dHdrLen = 0;
  /** Announced body size of the frame being read; -1 while reading a header. */
  #dSize = -1;
  #dBody: Uint8Array | null = null;
  #dFill = 0;

  /**
   * A codec for one connection whose CURVE handshake has just completed.
   *
   * @param key K, the precomputed box key (`beforenm(S′, c′)` = `beforenm(C′, s′)`).
   * @param side Our side: "client" sends with nonce prefix `CurveZMQMESSAGEC` and expects
   *   `CurveZMQMESSAGES`; "server" the reverse.
   * @param sendCounter Counter of the next MESSAGE we send (client after the handshake: 3,
   *   server: 2).
   * @param recvCounter Last counter seen from the peer; every MESSAGE received must carry
   *   a strictly greater one.
   * @param maxMsgSize The socket's part limit (`maxmsgsize`), or -1 for no limit: a
   *   MESSAGE may box `commandLimit(maxMsgSize)` bytes (a command may pass a small limit).
   * @throws {RangeError} If the key is not 32 bytes or a counter is not a safe integer ≥ 0.
   */
  constructor(
    key: Uint8Array,
    side: "client" | "server",
    sendCounter: number,
    recvCounter: number,
    maxMsgSize: number,
  ) {
    if (key.length !== KEY_BYTES) {
      throw new RangeError(`A CURVE box key is ${KEY_BYTES} bytes, not ${key.length}`);
    }
    for (const c of [sendCounter, recvCounter]) {
      if (!Number.isSafeInteger(c) || c < 0) {
        throw new RangeError(`A CURVE nonce counter is an integer 0..2^53-1, not ${c}`);
      }
    }
    this.#key = key.slice();
    const client = side === "client";
    this.#sendNonce = noncePrefix(client ? "CurveZMQMESSAGEC" : "CurveZMQMESSAGES");
    this.#recvNonce = noncePrefix(client ? "CurveZMQMESSAGES" : "CurveZMQMESSAGEC");
    this.#sendCounter = sendCounter;
    this.#recvCounter = recvCounter;
    this.#limit = maxMsgSize >= 0
      ? Math.min(commandLimit(maxMsgSize) + MESSAGE_OVERHEAD, MAX_FRAME_HARD_CAP)
      : MAX_FRAME_HARD_CAP;
  }

  /** Why `decode` failed (never containing key bytes); null while the stream is sound. */
  get error(): string | null {
    return this.#error;
  }

  /** Counter of the next MESSAGE `encode` will send. */
  get sendCounter(): number {
    return this.#sendCounter;
  }

  /** Last counter accepted from the peer. */
  get recvCounter(): number {
    return this.#recvCounter;
  }

  /**
   * Boxes plain ZMTP/3 frames: every complete frame of `plain` (with what an earlier call
   * left incomplete) becomes one MESSAGE frame. `plain` is not kept: an incomplete tail is
   * copied.
   *
   * @param plain Plain frames, split anywhere.
   * @returns The MESSAGE frames, concatenated (empty when no frame was completed).
   * @throws {RangeError} If a plain frame announces a size beyond 2^53-1, or the send
   *   counter would pass 2^53-1 (our own engine's bug, not the peer's).
   */
  encode(plain: Uint8Array): Uint8Array {
    const boxes: Uint8Array[] = [];
    const first = this.#sendCounter;
    let o = 0;
    const n = plain.length;
    while (o < n) {
      const inner = this.#eInner;
      if (inner !== null) {
        const take = Math.min(n - o, inner.length - 1 - this.#eFill);
        inner.set(plain.subarray(o, o + take), 1 + this.#eFill);
        this.#eFill += take;
        o += take;
        if (this.#eFill === inner.length - 1) {
          this.#eInner = null;
          boxes.push(this.#seal(inner));
        }
        continue;
      }
      if (this.#eHdrLen === 0) {
        // Fast path: a whole frame in this write; its body is copied once, into the plaintext.
        const flags = plain[o]!;
        const hl = flags & FLAG_LONG ? 9 : 2;
        if (n - o >= hl) {
          const size = hl === 2 ? plain[o + 1]! : plainSize(plain, o + 1);
          if (n - o - hl >= size) {
            const start = o + hl;
            const p = new Uint8Array(1 + size);
            p[0] = innerFlags(flags);
            p.set(plain.subarray(start, start + size), 1);
            boxes.push(this.#seal(p));
            o = start + size;
            continue;
          }
        }
      }
      // A header cut by the end of the write, or a body that goes on in later writes.
      this.#eHdr[this.#eHdrLen++] = plain[o++]!;
      const hl = this.#eHdr[0]! & FLAG_LONG ? 9 : 2;
      if (this.#eHdrLen < hl) continue;
      const size = hl === 2 ? this.#eHdr[1]! : plainSize(this.#eHdr, 1);
      this.#eHdrLen = 0;
      const p = new Uint8Array(1 + size);
      p[0] = innerFlags(this.#eHdr[0]!);
      if (size === 0) boxes.push(this.#seal(p));
      else {
        this.#eInner = p;
        this.#eFill = 0;
      }
    }
    if (boxes.length === 0) return new Uint8Array(0);
    let total = 0;
    for (const b of boxes) total += header3Size(16 + b.length) + 16 + b.length;
    const out = new Uint8Array(total);
    let off = 0;
    for (let i = 0; i < boxes.length; i++) {
      const box = boxes[i]!;
      off += writeHeader3(out, off, 0, 16 + box.length);
      out.set(MESSAGE_NAME, off);
      writeU64(out, off + 8, first + i);
      out.set(box, off + 16);
      off += 16 + box.length;
    }
    return out;
  }

  /**
   * Unboxes received bytes: every complete MESSAGE frame (with what an earlier call left
   * incomplete) becomes one plain ZMTP/3 frame. `wire` is not kept: an incomplete tail is
   * copied.
   *
   * @param wire Received bytes, split anywhere.
   * @returns The plain frames, concatenated (empty when no frame was completed); null once
   *   the stream has failed (`error` says why), on this call and every later one. Frames
   *   completed earlier in a failing call are dropped with it: the connection is closing.
   */
  decode(wire: Uint8Array): Uint8Array | null {
    if (this.#error !== null) return null;
    const plains: Uint8Array[] = [];
    let o = 0;
    const n = wire.length;
    while (o < n) {
      if (this.#dSize >= 0) {
        // Body of a frame cut by the end of an earlier read.
        const size = this.#dSize;
        const take = Math.min(n - o, size - this.#dFill);
        const body = this.#room(this.#dFill + take);
        body.set(wire.subarray(o, o + take), this.#dFill);
        this.#dFill += take;
        o += take;
        if (this.#dFill < size) continue;
        this.#dSize = -1;
        this.#dBody = null;
        if (!this.#unbox(body.subarray(0, size), plains)) return null;
        continue;
      }
      let flags: number, size: number;
      if (this.#dHdrLen === 0 && n - o >= (wire[o]! & FLAG_LONG ? 9 : 2)) {
        // Fast path: the whole header in this read.
        flags = wire[o]!;
        size = flags & FLAG_LONG ? readU64(wire, o + 1) : wire[o + 1]!;
        o += flags & FLAG_LONG ? 9 : 2;
      } else {
        this.#dHdr[this.#dHdrLen++] = wire[o++]!;
        const hl = this.#dHdr[0]! & FLAG_LONG ? 9 : 2;
        if (this.#dHdrLen < hl) continue;
        this.#dHdrLen = 0;
        flags = this.#dHdr[0]!;
        size = hl === 9 ? readU64(this.#dHdr, 1) : this.#dHdr[1]!;
      }
      if (!this.#checkHeader(flags, size)) return null;
      if (n - o >= size) {
        // The whole body is here: unbox it in place.
        if (!this.#unbox(wire.subarray(o, o + size), plains)) return null;
        o += size;
      } else {
        this.#dSize = size;
        this.#dFill = 0;
      }
    }
    return joinPlain(plains);
  }

  /** Seals one inner plaintext with the next send counter; returns the box. */
  #seal(inner: Uint8Array): Uint8Array {
    const c = this.#sendCounter;
    if (c >= Number.MAX_SAFE_INTEGER) {
      throw new RangeError("The CURVE send counter reached 2^53-1");
    }
    writeU64(this.#sendNonce, 16, c);
    this.#sendCounter = c + 1;
    return seal(this.#key, this.#sendNonce, inner);
  }

  /** The body buffer of a split frame, with room for `needed` bytes (grown by arrivals). */
  #room(needed: number): Uint8Array {
    const old = this.#dBody;
    if (old !== null && old.length >= needed) return old;
    const cap = Math.min(this.#dSize, Math.max(needed, (old?.length ?? 0) * 2, MIN_BODY_BUFFER));
    const body = new Uint8Array(cap);
    if (old !== null) body.set(old.subarray(0, this.#dFill));
    this.#dBody = body;
    return body;
  }

  #checkHeader(flags: number, size: number): boolean {
    if (flags & FLAG_MORE) return this.#fail("CURVE traffic frame has the MORE flag set");
    if (size < 0) return this.#fail("CURVE traffic frame announces a size beyond 2^53-1 bytes");
    if (size > this.#limit) {
      return this.#fail(
        `CURVE traffic frame of ${size} bytes exceeds the limit of ${this.#limit} bytes`,
      );
    }
    return true;
  }

  /** Checks and opens one MESSAGE body; pushes the inner plaintext, or fails. */
  #unbox(body: Uint8Array, plains: Uint8Array[]): boolean {
    if (!startsWith(body, MESSAGE_NAME)) {
      if (startsWith(body, ERROR_NAME)) return this.#fail(errorReason(body));
      return this.#fail(`expected a CURVE MESSAGE command, got ${describe(body)}`);
    }
    if (body.length < MESSAGE_OVERHEAD) {
      return this.#fail(
        `MESSAGE command of ${body.length} bytes is shorter than ${MESSAGE_OVERHEAD}`,
      );
    }
    const counter = readU64(body, 8);
    if (counter < 0) return this.#fail("MESSAGE nonce counter beyond 2^53-1");
    if (counter <= this.#recvCounter) return this.#fail("replayed or reordered MESSAGE nonce");
    this.#recvNonce.set(body.subarray(8, 16), 16);
    const inner = open(this.#key, this.#recvNonce, body.subarray(16));
    if (inner === null) return this.#fail("MESSAGE box failed to authenticate");
    this.#recvCounter = counter;
    plains.push(inner);
    return true;
  }

  #fail(why: string): false {
    this.#error = why;
    this.#dBody = null;
    return false;
  }
}

/** Inner flags of a plain frame's flags byte. */
function innerFlags(flags: number): number {
  return (flags & FLAG_MORE ? INNER_MORE : 0) | (flags & FLAG_COMMAND ? INNER_COMMAND : 0);
}

/** The 8-byte size of a plain long frame; throws when it is not a safe integer. */
function plainSize(b: Uint8Array, off: number): number {
  const size = readU64(b, off);
  if (size < 0) throw new RangeError("A plain frame announces a size beyond 2^53-1 bytes");
  return size;
}

/** Plain frames (header + body) of the inner plaintexts, concatenated. */
function joinPlain(plains: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of plains) total += header3Size(p.length - 1) + p.length - 1;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of plains) {
    const f = p[0]!;
    const flags = (f & INNER_MORE ? FLAG_MORE : 0) | (f & INNER_COMMAND ? FLAG_COMMAND : 0);
    off += writeHeader3(out, off, flags, p.length - 1);
    out.set(p.subarray(1), off);
    off += p.length - 1;
  }
  return out;
}

function startsWith(body: Uint8Array, prefix: Uint8Array): boolean {
  if (body.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (body[i] !== prefix[i]) return false;
  return true;
}

/** Printable ASCII as is, anything else as `\xNN`; at most `max` bytes. */
function printable(b: Uint8Array, max: number): string {
  let s = "";
  for (let i = 0; i < b.length && i < max; i++) {
    const c = b[i]!;
    s += c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c
      ? String.fromCharCode(c)
      : `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return b.length > max ? s + "..." : s;
}

/** The reason of the peer's ERROR command, in words. */
function errorReason(body: Uint8Array): string {
  const len = body[6];
  if (len === undefined || 7 + len > body.length) return "peer sent a malformed ERROR command";
  return `peer sent ERROR: "${printable(body.subarray(7, 7 + len), 255)}"`;
}

/** What a non-MESSAGE body is, without quoting its (possibly encrypted) bytes at length. */
function describe(body: Uint8Array): string {
  if (body.length === 0) return "an empty frame";
  const len = body[0]!;
  if (len >= 1 && len <= 16 && 1 + len <= body.length) {
    const name = body.subarray(1, 1 + len);
    if (name.every((c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) {
      return `a ${String.fromCharCode(...name)} command`;
    }
  }
  return `a ${body.length}-byte frame that is not a command`;
}
