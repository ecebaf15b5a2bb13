/**
 * The explicit legacy wire modes (docs/wire.md §4.4), for peers that auto-detection cannot
 * serve: a pure state machine with the same shape as `Handshake`.
 *
 * - `xs1` — a real Crossroads I/O 1.2.0 peer: nothing is sent first, except an identity
 *   frame `<len> 00 <id>` by the REQ/REP/XREQ/XREP family, which is also the only family
 *   that expects one from the peer (docs/wire.md §2.2). ZMTP/1.0 framing; subscriptions in the
 *   Crossroads 4-byte form. Version "xs1". A REQ or XREQ, which ignores the peer's
 *   identity, does not wait for it (`waitForIdentity` false): upstream's session sends at
 *   once and marks the first frame that comes as the identity, which the session then
 *   drops (a PULL peer never sends one).
 * - `zmtp1` — a real 0MQ 2.x peer: every socket sends one identity frame first and takes
 *   the peer's first frame as its identity (RFC 13). No subscriptions are sent; a
 *   publisher sends everything and the SUB filters locally. Version "zmtp1".
 *
 * The identity frame always has flags 0 (a Crossroads REQ closes on a MORE-flagged one,
 * docs/wire.md §2.2); a peer's identity frame is accepted with any flags (docs/wire.md §8.1 row
 * 25).
 *
 * Runs on: I/O worker
 */
import { dataLimit, MAX_COMMAND_SIZE, readU64 } from "./frame.ts";
import { encodedSize1, encodeFrame1 } from "./encoder.ts";
import type { HandshakeResult } from "./handshake.ts";

/** Configuration of a legacy-mode connection start. */
export interface LegacyOptions {
  /** "xs1" (Crossroads 1.2.0) or "zmtp1" (0MQ 2.x). */
  mode: "xs1" | "zmtp1";
  /** Our identity (may be empty). */
  identity: Uint8Array;
  /** True for REQ/REP/XREQ/XREP (the Crossroads identity family). */
  identityFamily: boolean;
  /**
   * False: the start does not wait for the peer's identity frame (`xs1` REQ/XREQ; the
   * caller drops the peer's first frame instead). Absent or true: it waits, as the
   * identity family does in `zmtp1` mode and REP/XREP in `xs1` mode.
   */
  waitForIdentity?: boolean;
  /**
   * The socket's part size limit (`maxmsgsize`); negative or absent = none. Crossroads 1.2.0
   * reads the identity as the first message, so it applies to the peer's identity frame,
   * which is also held to `MAX_COMMAND_SIZE` (a handshake frame).
   */
  maxMsgSize?: number;
}

/** The start of a connection in `xs1` or `zmtp1` mode. */
export class LegacyHandshake {
  readonly #opts: LegacyOptions;
  readonly #expect: boolean;
  #buf = new Uint8Array(0);
  #done: HandshakeResult | null = null;
  #error: string | null = null;

  /** Prepares the handshake; `start()` gives the first bytes. */
  constructor(opts: LegacyOptions) {
    this.#opts = opts;
    this.#expect = (opts.mode === "zmtp1" || opts.identityFamily) &&
      opts.waitForIdentity !== false;
  }

  /** The bytes to send first (possibly none); completes at once when no identity is due. */
  start(): Uint8Array {
    const sends = this.#opts.mode === "zmtp1" || this.#opts.identityFamily;
    if (!this.#expect) this.#finish(new Uint8Array(0), new Uint8Array(0));
    if (!sends) return new Uint8Array(0);
    const id = this.#opts.identity;
    const out = new Uint8Array(encodedSize1(id.length));
    encodeFrame1(out, 0, false, id);
    return out;
  }

  /** Feeds received bytes; never has anything to send. */
  feed(chunk: Uint8Array): Uint8Array {
    if (this.#done || this.#error) return new Uint8Array(0);
    const b = new Uint8Array(this.#buf.length + chunk.length);
    b.set(this.#buf);
    b.set(chunk, this.#buf.length);
    this.#buf = b;
    // ZMTP/1.0 frame: length (1 byte, or FF + u64 BE) counting flags + body, flags, body.
    if (b.length < 1) return new Uint8Array(0);
    let hs = 1, len = b[0]!;
    if (b[0] === 0xff) {
      if (b.length < 9) return new Uint8Array(0);
      hs = 9;
      len = readU64(b, 1);
    }
    const max = Math.min(dataLimit(this.#opts.maxMsgSize ?? -1), MAX_COMMAND_SIZE);
    if (len === 0) this.#error = "ZMTP/1.0 identity frame has length 0";
    else if (len < 0 || len - 1 > max) this.#error = "identity frame larger than allowed";
    if (this.#error) return new Uint8Array(0);
    if (b.length < hs + len) return new Uint8Array(0);
    this.#finish(b.slice(hs + 1, hs + len), b.slice(hs + len));
    return new Uint8Array(0);
  }

  #finish(identity: Uint8Array, rest: Uint8Array): void {
    this.#done = {
      version: this.#opts.mode as HandshakeResult["version"],
      peerType: null,
      peerIdentity: identity,
      rest,
      // The legacy wires have no security (docs/security.md §1).
      mechanism: "NULL",
      properties: new Map(),
      userId: "",
      codec: null,
    };
  }

  /** The result once the identity exchange is over. */
  get done(): HandshakeResult | null {
    return this.#done;
  }

  /** A protocol error (the connection is closed without a word). */
  get error(): string | null {
    return this.#error;
  }
}
