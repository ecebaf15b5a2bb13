/**
 * The start of a tcp/ipc connection as a pure state machine: version detection, greeting,
 * and the security handshake, which a `Mechanism` (lib/security/) conducts (docs/wire.md
 * §3.1, §3.6, §3.9, §4.1-§4.3, §5). No I/O: the engine writes what `start()`, `feed()` and
 * `zapAnswer()` return and feeds what it reads.
 *
 * Mode "auto" (default, libzmq 4.3 behaviour, docs/wire.md §4.2), byte by byte:
 * 1. `start()` returns the 10-byte signature `FF <u64 BE identity length + 1> 7F`.
 * 2. Received byte 0 != `FF`, or bytes 0-9 arrived and byte 9 bit 0 = 0: legacy peer
 *    (ZMTP/1.0). We send our identity body (so the peer reads our 10 bytes plus it as a
 *    long-form identity frame), then read the peer's first 1.0 frame, starting at byte 0,
 *    as its identity (any flags accepted, docs/wire.md §8.1 row 25). Version "1.0".
 * 3. Otherwise we send `03` (major) and wait for the peer's byte 10 (revision):
 *    - `01`: ZMTP/2.0. We send our socket-type byte (docs/wire.md §3.9 numbering) and our
 *      identity as a v2 frame `00 <len> <id>`, then read the peer's type byte (byte 11,
 *      never checked, reported as `peerType`) and its identity frame. Version "2.0".
 *    - `00` (versioned 1.0, deployed by nobody): error.
 *    - anything else (`02`, `03`, `04`..`FF`): ZMTP/3.x. We send minor `01`, our mechanism
 *      padded to 20 bytes, as-server (`01` on our PLAIN/CURVE server side) and 31 zero
 *      bytes, and wait for the peer's 64 bytes. Only the mechanism (exact 20-byte compare
 *      with ours, so `null` fails) is checked; padding, byte 9 bits 1-7, as-server and
 *      filler are ignored. Major `03` with minor `00` gives "3.0", everything else "3.1".
 *    Security is ZMTP/3.x only (docs/security.md §1): with PLAIN, CURVE or a ZAP domain, a 1.0
 *    or 2.0 peer is an error.
 * 4. 3.x only: after the peer's whole greeting (never before, docs/wire.md §9 item 15) the
 *    mechanism is created (`createMechanism`) and what its `start()` returns is sent (NULL's
 *    READY, a client's HELLO). Then the peer's frames are read one by one and passed to
 *    `mechanism.receive()`, whose frames are sent, until it is ready or failed. NULL: the
 *    peer's READY (a data frame whose body is READY counts, docs/wire.md §8.1 row 10);
 *    PLAIN and CURVE: see lib/security/plain.ts, curve.ts.
 * 5. ZAP: when the mechanism wants an answer, `zap` is set and received frames are held
 *    (each still checked against the limits) until the engine calls `zapAnswer()`; then the
 *    held frames are processed. After a "300" answer nothing more happens: the engine's
 *    handshake timer ends the connection.
 *
 * Mode "zmtp3" (docs/wire.md §4.3): `start()` returns the whole 64-byte greeting with zero
 * padding; a legacy signature or a revision `00`/`01` is an error; then as steps 4-5.
 *
 * Every frame read here is checked from its header, before its body is awaited; a 1.0
 * length (0, or over a limit) as soon as its length field is in (docs/wire.md §8.1 rows 22,
 * 24): a 3.x handshake frame (and any frame held while ZAP is asked) against
 * `MAX_COMMAND_SIZE` only, since `maxMsgSize` limits message parts, not commands; a legacy
 * or v2 identity frame, which Crossroads 1.2.0 and libzmq read as the first message, against
 * `maxMsgSize` too. On error the engine writes `farewell` if it is set (the ERROR
 * a mechanism sends when ZAP refused the peer) and closes the connection; otherwise it sends
 * nothing (no ERROR command, like libzmq), and bytes returned by the failing `feed()` are
 * dropped. `errorKind` says whether credentials were refused ("auth") or the peer broke the
 * protocol. After `done`, the engine switches to `Decoder1` for version "1.0" and `Decoder3`
 * otherwise, and feeds it `done.rest` first; with CURVE, `rest` and everything after it is
 * ciphertext that `done.codec` decodes first (and the engine's output goes through
 * `codec.encode`).
 *
 * Runs on: I/O worker
 */
import { dataLimit, FLAG_LONG, MAX_COMMAND_SIZE, readU64 } from "./frame.ts";
import {
  foreignMechanism,
  fullGreeting,
  GREETING_LEN,
  greetingTail,
  greetingVersion,
  SIG_LEN,
  signature,
  v2Hello,
  v2TypeName,
} from "./greeting.ts";
import type {
  Mechanism,
  MechanismName,
  MessageCodec,
  SecurityConfig,
  ZapAnswer,
  ZapRequest,
} from "../security/mod.ts";
import { createMechanism } from "../security/mod.ts";

/** Configuration of one handshake. */
export interface HandshakeOptions {
  /** Our ZMTP socket-type name: "PUSH", "PULL", "PAIR", "DEALER", "ROUTER", "REQ", ... */
  socketType: string;
  /** Our identity (may be empty); announced in the signature padding and identity frames. */
  identity: Uint8Array;
  /** True for REQ/REP/DEALER/ROUTER: our READY (or INITIATE) carries `Identity`. */
  sendIdentity: boolean;
  /** Socket-type compatibility check, applied to the peer's metadata (3.x only). */
  acceptPeer(type: string): boolean;
  /** "auto" (default): detect 1.0 / 2.0 / 3.x; "zmtp3": 3.x only. */
  mode?: "auto" | "zmtp3";
  /**
   * The socket's part size limit (`maxmsgsize`); negative or absent = none. It applies to a
   * ZMTP/1.0 or 2.0 identity frame and, through CURVE's codec, to traffic; 3.x handshake
   * commands have `MAX_COMMAND_SIZE` whatever it says.
   */
  maxMsgSize?: number;
  /** The security mechanism and its options; absent = NULL without ZAP. */
  security?: SecurityConfig;
}

/** What a finished handshake learnt. */
export interface HandshakeResult {
  /** The dialect to speak from now on. */
  version: "3.0" | "3.1" | "2.0" | "1.0" | "xs1" | "zmtp1";
  /** The peer's Socket-Type (3.x) or type byte name (2.0); null if unknown or 1.0. */
  peerType: string | null;
  /** The peer's identity (a copy; empty if none was announced). */
  peerIdentity: Uint8Array;
  /** Bytes received after the handshake: the start of the first frames (a copy; CURVE: still boxed). */
  rest: Uint8Array;
  /** The security mechanism spoken ("NULL" for 1.0 and 2.0). */
  mechanism: MechanismName;
  /** The peer's metadata (lower-cased names), ZAP's metadata and `user-id`; empty for 1.0/2.0. */
  properties: Map<string, Uint8Array>;
  /** ZAP's user id ("" if none). */
  userId: string;
  /** CURVE: the codec every later byte goes through, both ways; null otherwise. */
  codec: MessageCodec | null;
}

const P_SIG = 0;
const P_REV = 1;
const P_GREETING = 2;
const P_MECH = 3;
const P_V2_ID = 4;
const P_LEGACY_ID = 5;
const P_DONE = 6;
const P_ERROR = 7;

const EMPTY = new Uint8Array(0);
const NO_SECURITY: SecurityConfig = { mechanism: "NULL", server: false, zapDomain: "" };

/**
 * Drives one connection's handshake. Feed it every received byte until `done` or
 * `error` is set; write out whatever `start()`, `feed()` and `zapAnswer()` return.
 *
 * @example Two handshakes talking to each other
 * ```ts
 * import { Handshake } from "./handshake.ts";
 * const opts = (t: string, peer: string) => ({
 *   socketType: t, identity: new Uint8Array(0), sendIdentity: false,
 *   acceptPeer: (p: string) => p === peer,
 * });
 * const a = new Handshake(opts("PUSH", "PULL")), b = new Handshake(opts("PULL", "PUSH"));
 * let ab = a.start(), ba = b.start();
 * while (!a.done || !b.done) {
 *   const x = b.feed(ab), y = a.feed(ba);
 *   ab = y; ba = x;
 * }
 * a.done.version; // "3.1"
 * ```
 */
export class Handshake {
  #opts: HandshakeOptions;
  #strict: boolean;
  /** Largest identity frame (ZMTP/1.0, 2.0): a message part, and a handshake frame. */
  #idLimit: number;
  #security: SecurityConfig;
  #phase = P_SIG;
  #started = false;
  #buf = new Uint8Array(128);
  #len = 0;
  /** While ZAP is asked: bytes of the buffer whose frames were checked against the limits. */
  #scanned = 0;
  #out: Uint8Array[] = [];
  #version: HandshakeResult["version"] = "3.1";
  #mech: Mechanism | null = null;
  #done: HandshakeResult | null = null;
  #error: string | null = null;
  #errorKind: "protocol" | "auth" = "protocol";
  #farewell: Uint8Array | null = null;

  /**
   * Creates a handshake that has sent nothing yet; call `start()` next.
   *
   * @param opts What we are and what we accept.
   */
  constructor(opts: HandshakeOptions) {
    this.#opts = opts;
    this.#strict = opts.mode === "zmtp3";
    this.#security = opts.security ?? NO_SECURITY;
    this.#idLimit = Math.min(dataLimit(opts.maxMsgSize ?? -1), MAX_COMMAND_SIZE);
  }

  /** The result once the handshake has completed, else null. */
  get done(): HandshakeResult | null {
    return this.#done;
  }

  /** Why the handshake failed (the caller writes `farewell`, if any, and closes), else null. */
  get error(): string | null {
    return this.#error;
  }

  /** What kind of failure `error` is: "auth" (credentials, keys or ZAP refused) or "protocol". */
  get errorKind(): "protocol" | "auth" {
    return this.#errorKind;
  }

  /**
   * When the handshake failed because a mechanism refused the peer with an ERROR command:
   * the bytes to write before closing (with anything the failing call had queued before
   * it). Null otherwise: close without a word.
   */
  get farewell(): Uint8Array | null {
    return this.#farewell;
  }

  /** The ZAP request to answer with `zapAnswer()`, while one is pending; else null. */
  get zap(): ZapRequest | null {
    const m = this.#mech;
    return this.#phase === P_MECH && m !== null && m.state === "zap" ? m.zap : null;
  }

  /**
   * Bytes to send as soon as the connection exists: the 10-byte signature in auto mode,
   * the whole 64-byte greeting in zmtp3 mode. Calling it again returns an empty array.
   */
  start(): Uint8Array {
    if (this.#started) return EMPTY;
    this.#started = true;
    const sec = this.#security;
    return this.#strict
      ? fullGreeting(sec.mechanism, this.#asServer())
      : signature(this.#opts.identity.length);
  }

  /**
   * Feeds received bytes (any split, even one byte at a time).
   *
   * @param chunk Received bytes (copied; not retained).
   * @returns Bytes to send now (possibly empty). Check `done`, `error` and `zap` afterwards.
   * @throws {Error} If called after the handshake finished.
   */
  feed(chunk: Uint8Array): Uint8Array {
    if (this.#phase === P_ERROR) return EMPTY;
    if (this.#phase === P_DONE) throw new Error("Cannot feed a finished handshake");
    if (!this.#started) this.#out.push(this.start());
    this.#append(chunk);
    return this.#run();
  }

  /**
   * ZAP's answer to the pending request (`zap`).
   *
   * @param answer The handler's answer ("" status: no handler bound).
   * @returns Bytes to send now (possibly empty). Check `done` and `error` (and `farewell`)
   *   afterwards.
   * @throws {Error} If no ZAP request is pending.
   */
  zapAnswer(answer: ZapAnswer): Uint8Array {
    const m = this.#mech;
    if (this.zap === null || m === null) throw new Error("No ZAP request is pending");
    this.#afterMech(m.zapAnswer(answer));
    return this.#run(); // frames held meanwhile are read now
  }

  #run(): Uint8Array {
    while (this.#step()) { /* each step consumes one stage or frame */ }
    if (this.#phase === P_ERROR) {
      this.#out.length = 0;
      return EMPTY;
    }
    return this.#flush();
  }

  #asServer(): boolean {
    return this.#security.mechanism !== "NULL" && this.#security.server;
  }

  /** What forbids ZMTP/1.0 and 2.0 peers (docs/security.md §1), in words; null if nothing. */
  #secure(): string | null {
    const sec = this.#security;
    if (sec.mechanism !== "NULL") return `the ${sec.mechanism} mechanism`;
    return sec.zapDomain !== "" ? "ZAP (a ZAP domain is set)" : null;
  }

  #append(chunk: Uint8Array): void {
    const need = this.#len + chunk.length;
    if (need > this.#buf.length) {
      // Grows with what actually arrived, never with what a header announced.
      let cap = this.#buf.length * 2;
      while (cap < need) cap *= 2;
      const b = new Uint8Array(cap);
      b.set(this.#buf.subarray(0, this.#len));
      this.#buf = b;
    }
    this.#buf.set(chunk, this.#len);
    this.#len = need;
  }

  /** Drops the first `n` bytes of the buffer. */
  #consume(n: number): void {
    this.#buf.copyWithin(0, n, this.#len);
    this.#len -= n;
    this.#scanned = Math.max(0, this.#scanned - n);
  }

  #flush(): Uint8Array {
    const out = this.#out;
    if (out.length === 0) return EMPTY;
    if (out.length === 1) {
      this.#out = [];
      return out[0]!;
    }
    let n = 0;
    for (const o of out) n += o.length;
    const r = new Uint8Array(n);
    n = 0;
    for (const o of out) {
      r.set(o, n);
      n += o.length;
    }
    this.#out = [];
    return r;
  }

  // Advances one stage if its bytes are there; false when waiting or finished.
  #step(): boolean {
    const b = this.#buf;
    const len = this.#len;
    switch (this.#phase) {
      case P_SIG: {
        if (len < 1) return false;
        if (b[0] !== 0xff) return this.#legacy();
        if (len < SIG_LEN) return false;
        if ((b[9]! & 1) === 0) return this.#legacy();
        if (!this.#strict) this.#out.push(new Uint8Array([3]));
        this.#phase = P_REV;
        return true;
      }
      case P_REV: {
        if (len < SIG_LEN + 1) return false;
        const rev = b[10];
        if (rev === 0) {
          return this.#fail("Peer announced versioned ZMTP/1.0 (revision 00), not supported");
        }
        if (rev === 1) {
          if (this.#strict) return this.#fail("Peer speaks ZMTP/2.0, endpoint requires ZMTP/3.x");
          const sec = this.#secure();
          if (sec !== null) return this.#fail(`Peer speaks ZMTP/2.0, ${sec} requires ZMTP/3.x`);
          this.#out.push(v2Hello(this.#opts.socketType, this.#opts.identity));
          this.#phase = P_V2_ID;
          return true;
        }
        if (!this.#strict) this.#out.push(greetingTail(this.#security.mechanism, this.#asServer()));
        this.#phase = P_GREETING;
        return true;
      }
      case P_GREETING:
        return this.#greeting();
      case P_MECH:
        return this.#mechanismStep();
      case P_V2_ID: {
        const f = this.#frame(SIG_LEN + 2, false);
        if (f === null) return false;
        if (f.end < 0) return false;
        this.#version = "2.0";
        return this.#finish(v2TypeName(b[11]!), b.slice(f.start, f.end), f.end);
      }
      case P_LEGACY_ID: {
        const f = this.#frame(0, true);
        if (f === null) return false;
        if (f.end < 0) return false;
        this.#version = "1.0";
        return this.#finish(null, b.slice(f.start, f.end), f.end);
      }
      default:
        return false;
    }
  }

  #legacy(): boolean {
    if (this.#strict) return this.#fail("Peer does not speak ZMTP/3.x (no versioned signature)");
    const sec = this.#secure();
    if (sec !== null) return this.#fail(`Peer speaks ZMTP/1.0, ${sec} requires ZMTP/3.x`);
    // The peer parses our signature as a long-form identity header; the body follows.
    const id = this.#opts.identity;
    if (id.length > 0) this.#out.push(id.slice());
    this.#phase = P_LEGACY_ID;
    return true;
  }

  #greeting(): boolean {
    if (this.#len < GREETING_LEN) return false;
    const ours = this.#security.mechanism;
    const name = foreignMechanism(this.#buf, ours);
    if (name !== null) {
      return this.#fail(`Peer's security mechanism "${name}" does not match "${ours}"`);
    }
    this.#version = greetingVersion(this.#buf);
    const o = this.#opts;
    const m = createMechanism({
      socketType: o.socketType,
      identity: o.identity,
      sendIdentity: o.sendIdentity,
      acceptPeer: (t) => o.acceptPeer(t),
      security: this.#security,
    }, o.maxMsgSize ?? -1);
    this.#mech = m;
    this.#consume(GREETING_LEN);
    this.#phase = P_MECH;
    return this.#afterMech(m.start());
  }

  /** Passes the next whole frame to the mechanism, or holds frames while ZAP is asked. */
  #mechanismStep(): boolean {
    const m = this.#mech!;
    if (m.state === "zap") return this.#hold();
    const f = this.#frame(0, false);
    if (f === null || f.end < 0) return false;
    const body = this.#buf.slice(f.start, f.end);
    this.#consume(f.end);
    return this.#afterMech(m.receive(f.flags, body));
  }

  /** Checks the headers of the frames that arrived while ZAP is asked; keeps them. */
  #hold(): boolean {
    for (;;) {
      const f = this.#frame(this.#scanned, false);
      if (f === null || f.end < 0) return false;
      this.#scanned = f.end;
    }
  }

  /** Queues what the mechanism returned; true to keep stepping. */
  #afterMech(frames: Uint8Array[]): boolean {
    const m = this.#mech!;
    this.#out.push(...frames);
    if (m.state === "error") {
      this.#errorKind = m.errorKind;
      if (frames.length > 0) this.#farewell = this.#flush();
      return this.#fail(m.error ?? `${m.name} handshake failed`);
    }
    if (m.state !== "ready") return true;
    const props = new Map(m.properties);
    const st = props.get("socket-type");
    const id = props.get("identity");
    return this.#finish(
      st === undefined ? null : String.fromCharCode(...st),
      id === undefined ? new Uint8Array(0) : id.slice(),
      0,
      { mechanism: m.name, properties: props, userId: m.userId, codec: m.codec },
    );
  }

  /**
   * Locates a frame at `off`: null if its header is incomplete, `end` = -1 if its body is
   * incomplete, and a failure (also null, phase set to error) if the header breaks a limit.
   * A ZMTP/1.0 length is judged as soon as its length field is in, before the flags byte.
   */
  #frame(off: number, v1: boolean): { flags: number; start: number; end: number } | null {
    const b = this.#buf;
    const avail = this.#len - off;
    let size: number;
    let hdr: number;
    if (v1) {
      if (avail < 1) return null;
      const long = b[off] === 0xff;
      if (long && avail < 9) return null;
      const l = long ? readU64(b, off + 1) : b[off]!;
      if (l === 0) {
        this.#fail("ZMTP/1.0 frame has length 0");
        return null;
      }
      size = l < 0 ? -1 : l - 1;
      hdr = long ? 10 : 2;
    } else {
      if (avail < 2) return null;
      if (b[off]! & FLAG_LONG) {
        if (avail < 9) return null;
        size = readU64(b, off + 1);
        hdr = 9;
      } else {
        size = b[off + 1]!;
        hdr = 2;
      }
    }
    if (size < 0) {
      this.#fail("Handshake frame size exceeds Number.MAX_SAFE_INTEGER");
      return null;
    }
    // Identity frames (1.0 and 2.0) are message parts to the peer; 3.x frames are commands.
    const limit = v1 || this.#phase === P_V2_ID ? this.#idLimit : MAX_COMMAND_SIZE;
    if (size > limit) {
      this.#fail(`Handshake frame size ${size} exceeds the limit of ${limit}`);
      return null;
    }
    if (avail < hdr) return null;
    const flags = v1 ? b[off + hdr - 1]! : b[off]!;
    const start = off + hdr;
    return { flags, start, end: this.#len - start >= size ? start + size : -1 };
  }

  #finish(
    peerType: string | null,
    peerIdentity: Uint8Array,
    end: number,
    security: Pick<HandshakeResult, "mechanism" | "properties" | "userId" | "codec"> = {
      mechanism: "NULL",
      properties: new Map(),
      userId: "",
      codec: null,
    },
  ): boolean {
    this.#done = {
      version: this.#version,
      peerType,
      peerIdentity,
      rest: this.#buf.slice(end, this.#len),
      ...security,
    };
    this.#phase = P_DONE;
    this.#buf = EMPTY;
    this.#len = 0;
    return false;
  }

  #fail(why: string): false {
    this.#error = why;
    this.#phase = P_ERROR;
    return false;
  }
}
