/**
 * ZWS 2.0 (ZeroMQ RFC 45; docs/wire.md §6): ZeroMQ over WebSocket, as a translation between
 * the ZMTP/3 byte stream the session speaks and WebSocket frames (websocket.ts, RFC 6455),
 * so that the session runs unchanged over a `ws://` connection. Pure: no I/O, no timers.
 *
 * Rules:
 * - The subprotocol (`Sec-WebSocket-Protocol`) replaces the greeting: `ZWS2.0/NULL`,
 *   `ZWS2.0/PLAIN` or `ZWS2.0/CURVE` names the mechanism. We do not speak the bare
 *   `ZWS2.0` dialect (routing id first, no handshake), so we never choose it.
 * - Our 64-byte greeting is dropped, never sent; the session is fed
 *   `syntheticGreeting(mechanism, ...)` as the peer's. The mechanism handshake (READY,
 *   HELLO, ...) then travels as commands like any other frame.
 * - One ZMTP frame = one binary WebSocket message with FIN set, whose payload is a flags byte
 *   (`01` MORE, `02` COMMAND; no LONG bit, WebSocket carries the length) and the frame body.
 *   A client's frames are masked, a server's are not (the mask covers the flags byte).
 * - On receive: an empty payload (no flags byte) and flag bits other than `01`/`02` are
 *   errors; fragmented messages are reassembled (browsers and proxies may fragment); the
 *   decoder refuses a payload over `commandLimit(maxMsgSize) + 1` before holding it (a
 *   command may pass a small `maxMsgSize`, docs/wire.md §8.4), and a whole message part over
 *   `maxMsgSize` closes the connection (1009) as on tcp.
 * - A ping is answered with a pong of the same payload, a close with a close echoing the
 *   status code. Heartbeats are WebSocket pings, as libzmq's ws engine has them: the
 *   session's PING commands leave as pings, and a pong reaches the session as a PONG
 *   command (traffic, for its heartbeat timeout).
 * - The synthetic greeting says ZMTP/3.0, so the session sends subscriptions as data frames
 *   (`01`/`00` + topic), which libzmq reads over ws (SUBSCRIBE commands it ignores).
 *
 * Runs on: I/O worker.
 */
import {
  commandLimit,
  dataLimit,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  header3Size,
  readU64,
  writeHeader3,
} from "./frame.ts";
import { fullGreeting, GREETING_LEN } from "./greeting.ts";
import { parseCommand } from "./commands.ts";
import { encodeMetadata, parseMetadata } from "./metadata.ts";
import {
  applyMask,
  CLOSE_NO_STATUS,
  CLOSE_PROTOCOL_ERROR,
  CLOSE_TOO_BIG,
  closeFrame,
  encodeFrame,
  OP_BINARY,
  OP_PING,
  OP_PONG,
  randomMaskKey,
  writeWsFrameHeader,
  WsDecoder,
  wsFrameHeaderSize,
} from "./websocket.ts";

/** The ZWS 2.0 subprotocol names (docs/wire.md §6.1); we choose only the first three. */
export const ZWS_PROTOCOLS: readonly ["ZWS2.0/NULL", "ZWS2.0/PLAIN", "ZWS2.0/CURVE", "ZWS2.0"] = [
  "ZWS2.0/NULL",
  "ZWS2.0/PLAIN",
  "ZWS2.0/CURVE",
  "ZWS2.0",
];

/** ZWS flag bit: more frames of this message follow. */
export const ZWS_MORE = 0x01;
/** ZWS flag bit: the frame is a command. */
export const ZWS_COMMAND = 0x02;

const EMPTY = new Uint8Array(0);

/**
 * The server's choice among the client's subprotocols: `ZWS2.0/<mechanism>` if offered;
 * for NULL, else bare `ZWS2.0` (routing ids first: what a browser can offer, see
 * `ZwsStream.setBare`). Names are case-sensitive.
 *
 * @param offered `UpgradeRequest.protocols`, in the client's order.
 * @param mechanism Our security mechanism.
 * @returns The name to echo in `Sec-WebSocket-Protocol`, or null (reject the upgrade).
 * @example
 * ```ts
 * import { chooseProtocol } from "./zws.ts";
 * chooseProtocol(["ZWS2.0", "ZWS2.0/NULL"], "NULL"); // "ZWS2.0/NULL"
 * chooseProtocol(["ZWS2.0"], "NULL"); // "ZWS2.0"
 * chooseProtocol(["ZWS2.0/NULL"], "PLAIN"); // null
 * ```
 */
export function chooseProtocol(
  offered: string[],
  mechanism: "NULL" | "PLAIN" | "CURVE",
): string | null {
  const want = `ZWS2.0/${mechanism}`;
  if (offered.includes(want)) return want;
  return mechanism === "NULL" && offered.includes("ZWS2.0") ? "ZWS2.0" : null;
}

/**
 * The subprotocols a client offers: `["ZWS2.0/<mechanism>"]`.
 *
 * @param mechanism Our security mechanism.
 * @returns The list for `clientRequest`'s `protocols`.
 */
export function offeredProtocols(mechanism: "NULL" | "PLAIN" | "CURVE"): string[] {
  return [`ZWS2.0/${mechanism}`];
}

/**
 * The 64-byte ZMTP/3.1 greeting the session is fed as the peer's: `FF`, 8 zero bytes, `7F`,
 * `03 01`, the mechanism padded to 20 bytes, the as-server byte, 31 zeros
 * (docs/wire.md §3.1).
 *
 * @param mechanism The mechanism the subprotocol named.
 * @param asServer The peer's as-server byte: true when the peer is the PLAIN/CURVE server.
 * @returns A new 64-byte greeting.
 */
export function syntheticGreeting(
  mechanism: "NULL" | "PLAIN" | "CURVE",
  asServer: boolean,
): Uint8Array {
  const g = fullGreeting(mechanism, asServer);
  // Minor 0 (ZMTP/3.0): the session then sends subscriptions as `01`/`00` data frames,
  // which is what libzmq's ws engine reads (it ignores SUBSCRIBE commands over ws).
  g[11] = 0;
  return g;
}

/** ZWS flags of a ZMTP/3 flags byte. */
function zwsFlags(flags: number): number {
  return (flags & FLAG_MORE ? ZWS_MORE : 0) | (flags & FLAG_COMMAND ? ZWS_COMMAND : 0);
}

/** A frame ready to be written: ZWS flags and body. */
interface Piece {
  flags: number;
  body: Uint8Array;
}

/** `04 "PING"`: the start of a PING command's body. */
const PING_NAME = [4, 0x50, 0x49, 0x4e, 0x47];

/** A ZMTP PING command (a heartbeat of the session's). */
function isPing(p: Piece): boolean {
  if (!(p.flags & ZWS_COMMAND) || p.body.length < PING_NAME.length) return false;
  for (let i = 0; i < PING_NAME.length; i++) if (p.body[i] !== PING_NAME[i]) return false;
  return true;
}

/** The ZWS message of a READY command whose only property is `Identity` = `id`. */
function readyOf(id: Uint8Array): Uint8Array {
  const meta = encodeMetadata([["Identity", id]]);
  const m = new Uint8Array(1 + 6 + meta.length);
  m[0] = ZWS_COMMAND;
  m.set([5, 0x52, 0x45, 0x41, 0x44, 0x59], 1); // 05 "READY"
  m.set(meta, 7);
  return m;
}

/** The ZWS message of a PONG command without context: flags `02`, `04 "PONG"`. */
const PONG_MESSAGE = new Uint8Array([ZWS_COMMAND, 4, 0x50, 0x4f, 0x4e, 0x47]);

/**
 * One connection's ZWS codec, both directions (see the file comment for the rules).
 * Create it when the HTTP upgrade is done; feed `decode` what follows the HTTP head.
 *
 * `encode`'s output always ends on a WebSocket frame boundary (an incomplete ZMTP frame is
 * held back whole), so the control frames of `takeControl`, `ping` and `close` may be
 * written between any two calls.
 *
 * @example A client sends "hello" to a server
 * ```ts
 * import { syntheticGreeting, ZwsStream } from "./zws.ts";
 * const client = new ZwsStream("client", -1);
 * const server = new ZwsStream("server", -1);
 * const greeting = syntheticGreeting("NULL", false); // stands for the session's own greeting
 * const hello = new Uint8Array([0x00, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]); // 00 05 "hello"
 * const hdr = new Uint8Array([...greeting, ...hello]);
 * const ws = client.encode(hdr); // 82 86 <mask key> masked(00 "hello"): the greeting is gone
 * const zmtp = server.decode(ws); // 00 05 "hello" again
 * if (zmtp === null || zmtp.join() !== hello.join()) throw new Error(server.error ?? "?");
 * ```
 */
export class ZwsStream {
  readonly #mask: boolean;
  readonly #maskKey: () => Uint8Array;
  readonly #decoder: WsDecoder;
  /** Largest message part (a data frame's body) accepted: `maxmsgsize`. */
  readonly #partLimit: number;
  #error: string | null = null;
  #errorCode = CLOSE_PROTOCOL_ERROR;
  #closed = false;
  #closeSent = false;
  #control: Uint8Array[] = [];

  // encode: greeting bytes still to drop, then a ZMTP frame cut by the end of a write.
  #greetingLeft = GREETING_LEN;
  /** Bare ZWS2.0: our READY leaves as our routing id, the peer's first message is read as its READY. */
  #bare = false;
  #bareOut = false;
  #bareIn = false;
  readonly #eHdr = new Uint8Array(9);
  #eHdrLen = 0;
  /** Body of the frame being filled, or null between frames. */
  #eBody: Uint8Array | null = null;
  #eFlags = 0;
  #eFill = 0;

  /**
   * A codec for one upgraded connection.
   *
   * @param role Our side of the WebSocket: "client" masks what it sends and expects
   *   unmasked frames; "server" the reverse.
   * @param maxMsgSize Largest message part accepted (`maxmsgsize`), or -1 for no limit
   *   (`MAX_FRAME_HARD_CAP` still applies); commands may have `commandLimit(maxMsgSize)`.
   * @param maskKey Where masking keys come from (tests pin it); random keys by default.
   */
  constructor(role: "server" | "client", maxMsgSize: number, maskKey?: () => Uint8Array) {
    this.#mask = role === "client";
    this.#maskKey = maskKey ?? randomMaskKey;
    this.#partLimit = dataLimit(maxMsgSize);
    this.#decoder = new WsDecoder(role, commandLimit(maxMsgSize) + 1);
  }

  /**
   * Speaks bare `ZWS2.0` (no mechanism; call before any traffic): the first message each
   * way is the sender's routing id. The session still speaks NULL: its READY goes out as
   * its `Identity` (empty if none), and the peer's routing id comes to it as a READY whose
   * only property is `Identity` (no `Socket-Type`, so no type is checked, as ZWS 2.0 says).
   */
  setBare(): void {
    this.#bare = this.#bareOut = this.#bareIn = true;
  }

  /** Why `decode` failed; null while the stream is sound. */
  get error(): string | null {
    return this.#error;
  }

  /**
   * The close status code that fits the failure (1002 protocol error, 1007 invalid data,
   * 1009 too big), for `close` before the connection is dropped.
   */
  get errorCode(): number {
    return this.#errorCode;
  }

  /** Whether the peer's close frame arrived (its reply is queued in `takeControl`). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Translates the session's outgoing ZMTP/3 bytes: the first 64 (our greeting) are
   * dropped, then every complete frame (with what earlier calls left incomplete) becomes
   * one binary WebSocket frame. `zmtp` is not kept: an incomplete frame is copied.
   *
   * @param zmtp The session's output, split anywhere.
   * @returns The WebSocket frames, concatenated (empty when no frame was completed).
   * @throws {RangeError} If a frame announces a size beyond 2^53-1 (our own engine's bug).
   */
  encode(zmtp: Uint8Array): Uint8Array {
    const n = zmtp.length;
    let o = Math.min(n, this.#greetingLeft);
    this.#greetingLeft -= o;
    const pieces: Piece[] = [];
    while (o < n) {
      const body = this.#eBody;
      if (body !== null) {
        const take = Math.min(n - o, body.length - this.#eFill);
        body.set(zmtp.subarray(o, o + take), this.#eFill);
        this.#eFill += take;
        o += take;
        if (this.#eFill === body.length) {
          this.#eBody = null;
          pieces.push({ flags: this.#eFlags, body });
        }
        continue;
      }
      if (this.#eHdrLen === 0) {
        // Fast path: a whole frame in this write; its body is copied once, into the output.
        const flags = zmtp[o]!;
        const hl = flags & FLAG_LONG ? 9 : 2;
        if (n - o >= hl) {
          const size = hl === 2 ? zmtp[o + 1]! : frameSize(zmtp, o + 1);
          if (n - o - hl >= size) {
            const start = o + hl;
            pieces.push({ flags: zwsFlags(flags), body: zmtp.subarray(start, start + size) });
            o = start + size;
            continue;
          }
        }
      }
      // A header cut by the end of the write, or a body that goes on in later writes.
      this.#eHdr[this.#eHdrLen++] = zmtp[o++]!;
      const hl = this.#eHdr[0]! & FLAG_LONG ? 9 : 2;
      if (this.#eHdrLen < hl) continue;
      const size = hl === 2 ? this.#eHdr[1]! : frameSize(this.#eHdr, 1);
      this.#eHdrLen = 0;
      const flags = zwsFlags(this.#eHdr[0]!);
      if (size === 0) pieces.push({ flags, body: EMPTY });
      else {
        this.#eBody = new Uint8Array(size);
        this.#eFlags = flags;
        this.#eFill = 0;
      }
    }
    if (pieces.length === 0) return new Uint8Array(0);
    if (this.#bareOut) this.#routingIdOut(pieces);
    let total = 0;
    for (const p of pieces) {
      total += wsFrameHeaderSize(1 + p.body.length, this.#mask) + 1 + p.body.length;
    }
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of pieces) {
      const key = this.#mask ? this.#maskKey() : null;
      if (isPing(p)) {
        // A heartbeat: a WebSocket ping (libzmq's ws engine ignores PING commands).
        off += writeWsFrameHeader(out, off, OP_PING, 0, key);
        continue;
      }
      const len = 1 + p.body.length;
      off += writeWsFrameHeader(out, off, OP_BINARY, len, key);
      out[off] = p.flags;
      out.set(p.body, off + 1);
      if (key !== null) applyMask(out, off, off + len, key);
      off += len;
    }
    return off === out.length ? out : out.subarray(0, off);
  }

  /**
   * Translates received WebSocket bytes (what follows the HTTP head) into ZMTP/3 frames
   * for the session; queues the answers to pings and to a close (`takeControl`). After the
   * peer's close, later input is ignored.
   *
   * @param ws Received bytes, split anywhere. Not kept.
   * @returns The ZMTP/3 frames, concatenated (empty when no message was completed); null
   *   once the stream has failed (`error` says why), on this call and every later one.
   *   Frames completed earlier in a failing call are dropped with it.
   */
  decode(ws: Uint8Array): Uint8Array | null {
    if (this.#error !== null) return null;
    if (this.#closed) return new Uint8Array(0);
    const events = this.#decoder.feed(ws);
    if (events === null) {
      this.#errorCode = this.#decoder.errorCode;
      return this.#fail(this.#decoder.error ?? "WebSocket stream failed");
    }
    const bodies: Uint8Array[] = [];
    let total = 0;
    for (const e of events) {
      if (e.kind === "message") {
        let d = e.data;
        if (d.length === 0) return this.#fail("empty ZWS message");
        if (!(d[0]! & ZWS_COMMAND) && d.length - 1 > this.#partLimit) {
          this.#errorCode = CLOSE_TOO_BIG;
          return this.#fail(
            `message part of ${d.length - 1} bytes exceeds maxmsgsize ${this.#partLimit}`,
          );
        }
        if (this.#bareIn) {
          this.#bareIn = false;
          if (d[0] !== 0) return this.#fail("the first message of bare ZWS2.0 is not a routing id");
          d = readyOf(d.subarray(1));
        }
        if (d[0]! & ~(ZWS_MORE | ZWS_COMMAND)) {
          return this.#fail(`unknown ZWS flag bits 0x${d[0]!.toString(16).padStart(2, "0")}`);
        }
        bodies.push(d);
        total += header3Size(d.length - 1) + d.length - 1;
      } else if (e.kind === "ping") {
        this.#control.push(encodeFrame(OP_PONG, e.data, this.#mask, this.#key()));
      } else if (e.kind === "pong") {
        // The answer to our heartbeat: the session hears a PONG command.
        bodies.push(PONG_MESSAGE);
        total += 2 + PONG_MESSAGE.length - 1;
      } else if (e.kind === "close") {
        this.#closed = true;
        if (!this.#closeSent) {
          this.#closeSent = true;
          this.#control.push(closeFrame(echoCode(e.code), "", this.#mask, this.#key()));
        }
        break;
      }
    }
    const out = new Uint8Array(total);
    let off = 0;
    for (const d of bodies) {
      const f = d[0]!;
      const flags = (f & ZWS_MORE ? FLAG_MORE : 0) | (f & ZWS_COMMAND ? FLAG_COMMAND : 0);
      off += writeHeader3(out, off, flags, d.length - 1);
      out.set(d.subarray(1), off);
      off += d.length - 1;
    }
    return out;
  }

  /** Bare ZWS2.0: our first command (the session's READY) leaves as our routing id. */
  #routingIdOut(pieces: Piece[]): void {
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (!(p.flags & ZWS_COMMAND)) continue;
      const cmd = parseCommand(p.body);
      if (cmd === null || cmd.name !== "READY") continue;
      this.#bareOut = false;
      const id = parseMetadata(cmd.data)?.get("identity") ?? EMPTY;
      pieces[i] = { flags: 0, body: id };
      return;
    }
  }

  /**
   * The control frames waiting to be written (pongs, the reply to a close), concatenated;
   * the queue is emptied.
   *
   * @returns The bytes, or null when nothing waits.
   */
  takeControl(): Uint8Array | null {
    const q = this.#control;
    if (q.length === 0) return null;
    this.#control = [];
    if (q.length === 1) return q[0]!;
    let total = 0;
    for (const c of q) total += c.length;
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of q) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }

  /**
   * A ping frame to send, for heartbeats (masked for a client).
   *
   * @param payload Application data the pong will echo (at most 125 bytes); none by default.
   * @returns The frame.
   * @throws {RangeError} If `payload` is over 125 bytes.
   */
  ping(payload: Uint8Array = EMPTY): Uint8Array {
    return encodeFrame(OP_PING, payload, this.#mask, this.#key());
  }

  /**
   * Our close frame, to start the closing handshake or to fail the connection with
   * `errorCode` (RFC 6455 §7). Sent once: empty when a close went out already (ours, or the
   * reply queued for the peer's).
   *
   * @param code The status code (1000 by default).
   * @param reason Why, for people (cut to 123 bytes of UTF-8).
   * @returns The frame, or empty bytes.
   */
  close(code = 1000, reason = ""): Uint8Array {
    if (this.#closeSent) return new Uint8Array(0);
    this.#closeSent = true;
    return closeFrame(code, reason, this.#mask, this.#key());
  }

  /** A masking key when we mask, else undefined (the encoders ignore it then). */
  #key(): Uint8Array | undefined {
    return this.#mask ? this.#maskKey() : undefined;
  }

  #fail(why: string): null {
    this.#error = why;
    return null;
  }
}

/** The 8-byte size of a long ZMTP frame of our own; throws when it is not a safe integer. */
function frameSize(b: Uint8Array, off: number): number {
  const size = readU64(b, off);
  if (size < 0) throw new RangeError("A ZMTP frame announces a size beyond 2^53-1 bytes");
  return size;
}

/**
 * The status code to echo in the reply to a close: the peer's when it may be sent
 * (RFC 6455 §7.4), else none (1005, an empty payload).
 */
function echoCode(code: number): number {
  const sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
  return sendable ? code : CLOSE_NO_STATUS;
}
