/**
 * The start of a tcp/ipc connection as a pure state machine: version detection, greeting,
 * and the NULL mechanism's READY exchange (docs/wire.md §3.1, §3.6, §3.9, §4.1-§4.3). No I/O: the
 * engine writes what `start()` / `feed()` return and feeds what it reads.
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
 *    - anything else (`02`, `03`, `04`..`FF`): ZMTP/3.x. We send minor `01`, mechanism
 *      "NULL" padded to 20 bytes, as-server `00` and 31 zero bytes, and wait for the
 *      peer's 64 bytes. Only the mechanism (exact 20-byte compare, so `null` fails) is
 *      checked; padding, byte 9 bits 1-7, as-server and filler are ignored. Major `03`
 *      with minor `00` gives "3.0", everything else "3.1".
 * 4. 3.x only: after the peer's whole greeting (never before, docs/wire.md §9 item 15) we send
 *    READY (`Socket-Type`, plus `Identity` when `sendIdentity`), and read the peer's first
 *    frame: it must be a READY command, or a data frame whose body is a READY command
 *    (docs/wire.md §8.1 row 10). ERROR, any other command, any other data frame, malformed
 *    command or truncated metadata: error. A present `Socket-Type` must pass
 *    `acceptPeer` (an absent one is accepted); `Identity` becomes `peerIdentity`.
 *
 * Mode "zmtp3" (docs/wire.md §4.3): `start()` returns the whole 64-byte greeting with zero
 * padding; a legacy signature or a revision `00`/`01` is an error; then as step 4.
 *
 * Every frame read here (legacy identity, v2 identity, READY) is checked against
 * `maxMsgSize` (and `MAX_FRAME_HARD_CAP`) from its header, before its body is awaited; a 1.0
 * length (0, or over a limit) as soon as its length field is in (docs/wire.md §8.1 row 24).
 * On error the engine closes the connection without sending anything (no ERROR command,
 * like libzmq); bytes returned by the failing `feed()` are dropped.
 * After `done`, the engine switches to `Decoder1` for version "1.0" and `Decoder3`
 * otherwise, and feeds it `done.rest` first.
 *
 * Runs on: I/O worker
 */
import { FLAG_COMMAND, FLAG_LONG, MAX_FRAME_HARD_CAP, readU64 } from "./frame.ts";
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
import { parseCommand, parseError, readyFrame } from "./commands.ts";
import { parseMetadata } from "./metadata.ts";

/** Configuration of one handshake. */
export interface HandshakeOptions {
  /** Our ZMTP socket-type name: "PUSH", "PULL", "PAIR", "DEALER", "ROUTER", "REQ", ... */
  socketType: string;
  /** Our identity (may be empty); announced in the signature padding and identity frames. */
  identity: Uint8Array;
  /** True for REQ/REP/DEALER/ROUTER: our READY carries `Identity`. */
  sendIdentity: boolean;
  /** Socket-type compatibility check, applied to the peer's READY (3.x only). */
  acceptPeer(type: string): boolean;
  /** "auto" (default): detect 1.0 / 2.0 / 3.x; "zmtp3": 3.x only. */
  mode?: "auto" | "zmtp3";
  /** Limit for handshake frames (READY, legacy and v2 identity); negative or absent = none. */
  maxMsgSize?: number;
}

/** What a finished handshake learnt. */
export interface HandshakeResult {
  /** The dialect to speak from now on. */
  version: "3.0" | "3.1" | "2.0" | "1.0" | "xs1" | "zmtp1";
  /** The peer's Socket-Type (3.x) or type byte name (2.0); null if unknown or 1.0. */
  peerType: string | null;
  /** The peer's identity (a copy; empty if none was announced). */
  peerIdentity: Uint8Array;
  /** Bytes received after the handshake: the start of the first frames (a copy). */
  rest: Uint8Array;
}

const P_SIG = 0;
const P_REV = 1;
const P_GREETING = 2;
const P_READY = 3;
const P_V2_ID = 4;
const P_LEGACY_ID = 5;
const P_DONE = 6;
const P_ERROR = 7;

const EMPTY = new Uint8Array(0);

/**
 * Drives one connection's handshake. Feed it every received byte until `done` or
 * `error` is set; write out whatever `start()` and `feed()` return.
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
  #limit: number;
  #phase = P_SIG;
  #started = false;
  #buf = new Uint8Array(128);
  #len = 0;
  #out: Uint8Array[] = [];
  #version: HandshakeResult["version"] = "3.1";
  #done: HandshakeResult | null = null;
  #error: string | null = null;

  /**
   * Creates a handshake that has sent nothing yet; call `start()` next.
   *
   * @param opts What we are and what we accept.
   */
  constructor(opts: HandshakeOptions) {
    this.#opts = opts;
    this.#strict = opts.mode === "zmtp3";
    const max = opts.maxMsgSize ?? -1;
    this.#limit = max < 0 || max > MAX_FRAME_HARD_CAP ? MAX_FRAME_HARD_CAP : max;
  }

  /** The result once the handshake has completed, else null. */
  get done(): HandshakeResult | null {
    return this.#done;
  }

  /** Why the handshake failed (the caller closes without sending anything), else null. */
  get error(): string | null {
    return this.#error;
  }

  /**
   * Bytes to send as soon as the connection exists: the 10-byte signature in auto mode,
   * the whole 64-byte greeting in zmtp3 mode. Calling it again returns an empty array.
   */
  start(): Uint8Array {
    if (this.#started) return EMPTY;
    this.#started = true;
    return this.#strict ? fullGreeting() : signature(this.#opts.identity.length);
  }

  /**
   * Feeds received bytes (any split, even one byte at a time).
   *
   * @param chunk Received bytes (copied; not retained).
   * @returns Bytes to send now (possibly empty). Check `done` and `error` afterwards.
   * @throws {Error} If called after the handshake finished.
   */
  feed(chunk: Uint8Array): Uint8Array {
    if (this.#phase === P_ERROR) return EMPTY;
    if (this.#phase === P_DONE) throw new Error("Cannot feed a finished handshake");
    if (!this.#started) this.#out.push(this.start());
    this.#append(chunk);
    while (this.#step()) { /* each step consumes one stage */ }
    if (this.#phase === P_ERROR) {
      this.#out.length = 0;
      return EMPTY;
    }
    return this.#flush();
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
          this.#out.push(v2Hello(this.#opts.socketType, this.#opts.identity));
          this.#phase = P_V2_ID;
          return true;
        }
        if (!this.#strict) this.#out.push(greetingTail());
        this.#phase = P_GREETING;
        return true;
      }
      case P_GREETING: {
        if (len < GREETING_LEN) return false;
        const name = foreignMechanism(b);
        if (name !== null) {
          return this.#fail(`Peer's security mechanism "${name}" does not match "NULL"`);
        }
        this.#version = greetingVersion(b);
        const o = this.#opts;
        this.#out.push(readyFrame(o.socketType, o.sendIdentity ? o.identity : null));
        this.#phase = P_READY;
        return true;
      }
      case P_READY:
        return this.#readReady();
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
    // The peer parses our signature as a long-form identity header; the body follows.
    const id = this.#opts.identity;
    if (id.length > 0) this.#out.push(id.slice());
    this.#phase = P_LEGACY_ID;
    return true;
  }

  #readReady(): boolean {
    const f = this.#frame(GREETING_LEN, false);
    if (f === null) return false;
    if (f.end < 0) return false;
    const cmd = parseCommand(this.#buf.subarray(f.start, f.end));
    if (f.flags & FLAG_COMMAND) {
      if (cmd === null) return this.#fail("Malformed command received during the handshake");
      if (cmd.name === "ERROR") {
        const reason = parseError(cmd.data);
        return this.#fail(`Peer sent ERROR during the handshake: "${reason ?? "(malformed)"}"`);
      }
      if (cmd.name !== "READY") {
        return this.#fail(`Unexpected command ${cmd.name} received during the handshake`);
      }
    } else if (cmd === null || cmd.name !== "READY") {
      return this.#fail("Data frame received before READY");
    }
    const meta = parseMetadata(cmd.data);
    if (meta === null) return this.#fail("Truncated metadata in the peer's READY");
    const st = meta.get("socket-type");
    const peerType = st === undefined ? null : String.fromCharCode(...st);
    if (peerType !== null && !this.#opts.acceptPeer(peerType)) {
      return this.#fail(
        `Peer socket type ${peerType} is not compatible with ${this.#opts.socketType}`,
      );
    }
    const id = meta.get("identity");
    return this.#finish(peerType, id === undefined ? new Uint8Array(0) : id.slice(), f.end);
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
    if (size > this.#limit) {
      this.#fail(`Handshake frame size ${size} exceeds the limit of ${this.#limit}`);
      return null;
    }
    if (avail < hdr) return null;
    const flags = v1 ? b[off + hdr - 1]! : b[off]!;
    const start = off + hdr;
    return { flags, start, end: this.#len - start >= size ? start + size : -1 };
  }

  #finish(peerType: string | null, peerIdentity: Uint8Array, end: number): boolean {
    this.#done = {
      version: this.#version,
      peerType,
      peerIdentity,
      rest: this.#buf.slice(end, this.#len),
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
