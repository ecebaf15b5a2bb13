/**
 * The server side of CURVE (ZeroMQ RFC 25/26, docs/security.md §6): (HELLO) → WELCOME →
 * (INITIATE) → ZAP → READY or ERROR, then a `CurveStream` codec for the traffic.
 *
 * Every field is checked (RFC 26: "validate all fields"), each failure with kind
 * "protocol" (only ZAP refuses with "auth"):
 * - HELLO: body exactly 200 bytes, version 1.0, the box opens with (C′, s) and holds 64
 *   zero bytes. Answer WELCOME (168 bytes): S′ and the cookie, boxed with long nonce. The
 *   cookie is secretbox[C′ + s′] under a random key of this mechanism only.
 * - INITIATE: at least 257 bytes; the cookie opens with our cookie key and holds this
 *   connection's C′ and s′ (the cookie key is zeroed as soon as it was tried: a cookie is
 *   good for one INITIATE); the counter is greater than HELLO's; the box opens with
 *   K = beforenm(C′, s′); the vouch opens with (C, s′) and holds C′ and our own S (libzmq
 *   skips the S half; we do not); the metadata passes the socket-type check. Then state
 *   "zap" with credentials [C].
 * - ZAP "200", or "" (no handler bound, as libzmq does): READY (counter 1, metadata boxed
 *   with K) and ready; `codec` sends from counter 2 and expects the client's counters to
 *   go on from INITIATE's. "400"/"500": ERROR in clear (`04 0A 05 "ERROR" 03 "400"`), error
 *   "auth". "300": nothing is sent.
 *
 * Random bytes, in the order drawn (tests inject them): s′ (32) and the cookie key (32) at
 * construction; the cookie nonce tail (16) and the WELCOME nonce tail (16) at HELLO. The
 * transient secret is zeroed once we are ready or failed.
 *
 * Runs on: I/O worker.
 */
import type { MechanismConfig, ZapAnswer } from "./mechanism.ts";
import { MechanismBase, type Rng, zapRefusal, zapVerdict } from "./_common.ts";
import {
  boxKeyOrNull,
  concat,
  COOKIE_BYTES,
  COOKIE_PREFIX,
  counterBytes,
  HELLO_BODY,
  HELLO_PREFIX,
  INITIATE_MIN,
  INITIATE_PREFIX,
  keyOption,
  longNonce,
  readCounter,
  READY_PREFIX,
  shortNonce,
  TAIL_BYTES,
  VERSION_MAJOR,
  VERSION_MINOR,
  VOUCH_PREFIX,
  WELCOME_PREFIX,
} from "./_curve_common.ts";
import { KEY_BYTES, open, publicKeyOf, randomBytes, sameBytes, seal } from "./crypto.ts";
import { CurveStream } from "./curve_stream.ts";
import { encodeCommand, errorFrame } from "../wire/commands.ts";

type Phase = "new" | "hello" | "initiate" | "answered";

/** One server side of a CURVE handshake. */
export class CurveServer extends MechanismBase {
  /** Always "CURVE". */
  readonly name = "CURVE" as const;
  /** Always true. */
  readonly asServer = true;
  readonly #maxMsgSize: number;
  readonly #rng: Rng;
  readonly #keys: { S: Uint8Array; s: Uint8Array } | string;
  /** Our transient key pair. */
  readonly #snSecret: Uint8Array;
  readonly #snPublic: Uint8Array;
  readonly #cookieKey: Uint8Array;
  #phase: Phase = "new";
  /** The client's transient public key and HELLO counter, once HELLO is in. */
  #clientTransient: Uint8Array | null = null;
  #helloCounter = 0;
  /** K and INITIATE's counter, once INITIATE is in. */
  #key: Uint8Array | null = null;
  #initiateCounter = 0;

  /**
   * @param config Our socket; `security` needs `curvePublicKey` and `curveSecretKey`.
   * @param maxMsgSize The traffic codec's frame limit (-1 for none).
   * @param rng Random bytes (default: the CSPRNG); for test vectors only.
   */
  constructor(config: MechanismConfig, maxMsgSize: number, rng: Rng = randomBytes) {
    super(config);
    this.#maxMsgSize = maxMsgSize;
    this.#rng = rng;
    const sec = config.security;
    const S = keyOption(sec.curvePublicKey, "curvePublicKey");
    const s = keyOption(sec.curveSecretKey, "curveSecretKey");
    this.#keys = typeof S === "string" ? S : typeof s === "string" ? s : { S, s };
    this.#snSecret = rng(KEY_BYTES).slice();
    this.#snPublic = publicKeyOf(this.#snSecret);
    this.#cookieKey = rng(KEY_BYTES).slice();
  }

  /** Nothing: the server waits for HELLO. */
  start(): Uint8Array[] {
    if (this.#phase !== "new" || this.state !== "busy") return [];
    if (typeof this.#keys === "string") return this.#fail(`CURVE server: ${this.#keys}`, "auth");
    this.#phase = "hello";
    return [];
  }

  /** HELLO or INITIATE. */
  receive(_flags: number, body: Uint8Array): Uint8Array[] {
    if (this.state === "error") return [];
    if (this.state !== "busy" || (this.#phase !== "hello" && this.#phase !== "initiate")) {
      return this.#fail(`Unexpected frame received in CURVE state ${this.state}`);
    }
    const expected = this.#phase === "hello" ? "HELLO" : "INITIATE";
    const refused = this.expectCommand(body, expected, () => this.#wipe());
    if (refused !== null) return refused;
    return this.#phase === "hello" ? this.#hello(body) : this.#initiate(body);
  }

  #hello(body: Uint8Array): Uint8Array[] {
    if (body.length !== HELLO_BODY) {
      return this.#fail(`CURVE HELLO is ${body.length} bytes, not ${HELLO_BODY}`);
    }
    if (body[6] !== VERSION_MAJOR || body[7] !== VERSION_MINOR) {
      return this.#fail(`CURVE HELLO announces version ${body[6]}.${body[7]}, not 1.0`);
    }
    const keys = this.#keys as { S: Uint8Array; s: Uint8Array };
    const clientTransient = body.slice(80, 112);
    const counter = readCounter(body, 112);
    if (counter < 0) return this.#fail("CURVE HELLO's nonce counter is beyond 2^53-1");
    const k = boxKeyOrNull(clientTransient, keys.s);
    if (k === null) return this.#fail("CURVE HELLO carries an unusable transient key");
    const zeros = open(k, shortNonce(HELLO_PREFIX, counter), body.subarray(120));
    if (zeros === null || zeros.some((b) => b !== 0)) {
      k.fill(0);
      return this.#fail("CURVE HELLO's box does not open with our key");
    }
    this.#clientTransient = clientTransient;
    this.#helloCounter = counter;
    const cookieTail = this.#rng(TAIL_BYTES).slice(0, TAIL_BYTES);
    const cookieBox = seal(
      this.#cookieKey,
      longNonce(COOKIE_PREFIX, cookieTail),
      concat(clientTransient, this.#snSecret),
    );
    const welcomeTail = this.#rng(TAIL_BYTES).slice(0, TAIL_BYTES);
    const plain = concat(this.#snPublic, cookieTail, cookieBox);
    const box = seal(k, longNonce(WELCOME_PREFIX, welcomeTail), plain);
    k.fill(0);
    plain.fill(0);
    this.#phase = "initiate";
    return [encodeCommand("WELCOME", concat(welcomeTail, box))];
  }

  #initiate(body: Uint8Array): Uint8Array[] {
    if (body.length < INITIATE_MIN) {
      return this.#fail(`CURVE INITIATE is ${body.length} bytes, less than ${INITIATE_MIN}`);
    }
    const keys = this.#keys as { S: Uint8Array; s: Uint8Array };
    const cookie = body.subarray(9, 9 + COOKIE_BYTES);
    const inCookie = open(
      this.#cookieKey,
      longNonce(COOKIE_PREFIX, cookie.subarray(0, TAIL_BYTES)),
      cookie.subarray(TAIL_BYTES),
    );
    this.#cookieKey.fill(0); // one INITIATE per cookie
    if (inCookie === null) {
      return this.#fail("CURVE INITIATE's cookie does not open: it is not this connection's");
    }
    const cookieOk = sameBytes(inCookie.subarray(0, KEY_BYTES), this.#clientTransient!) &&
      sameBytes(inCookie.subarray(KEY_BYTES), this.#snSecret);
    inCookie.fill(0);
    if (!cookieOk) return this.#fail("CURVE INITIATE's cookie holds another connection's keys");
    const counter = readCounter(body, 105);
    if (counter <= this.#helloCounter) {
      return this.#fail("CURVE INITIATE's nonce counter does not follow HELLO's (replayed?)");
    }
    const key = boxKeyOrNull(this.#clientTransient!, this.#snSecret);
    if (key === null) return this.#fail("CURVE HELLO carried an unusable transient key");
    const plain = open(key, shortNonce(INITIATE_PREFIX, counter), body.subarray(113));
    if (plain === null) {
      key.fill(0);
      return this.#fail("CURVE INITIATE's box does not open");
    }
    this.#key = key;
    const clientKey = plain.slice(0, KEY_BYTES);
    const vouchKey = boxKeyOrNull(clientKey, this.#snSecret);
    if (vouchKey === null) return this.#fail("CURVE INITIATE carries an unusable client key");
    const vouch = open(
      vouchKey,
      longNonce(VOUCH_PREFIX, plain.subarray(32, 48)),
      plain.subarray(48, 128),
    );
    vouchKey.fill(0);
    if (vouch === null) return this.#fail("CURVE INITIATE's vouch does not open");
    if (
      !sameBytes(vouch.subarray(0, KEY_BYTES), this.#clientTransient!) ||
      !sameBytes(vouch.subarray(KEY_BYTES), keys.S)
    ) {
      return this.#fail("CURVE INITIATE's vouch is not for this connection and server key");
    }
    const bad = this.takePeerMetadata(plain.subarray(128), "INITIATE");
    if (bad !== null) return this.#fail(bad);
    this.#initiateCounter = counter;
    this.#phase = "answered";
    return this.askZap([clientKey]);
  }

  protected answered(answer: ZapAnswer): Uint8Array[] {
    const { verdict, code } = zapVerdict(answer);
    if (verdict === "stall") return [];
    if (verdict === "refuse") {
      this.#wipe();
      return this.fail(zapRefusal(answer, code), "auth", [errorFrame(code)]);
    }
    const key = this.#key!;
    const box = seal(key, shortNonce(READY_PREFIX, 1), this.ourMetadata());
    const ready = encodeCommand("READY", concat(counterBytes(1), box));
    this.codec = new CurveStream(key.slice(), "server", 2, this.#initiateCounter, this.#maxMsgSize);
    this.#wipe();
    this.succeed();
    return [ready];
  }

  #fail(why: string, kind: "auth" | "protocol" = "protocol"): Uint8Array[] {
    this.#wipe();
    return this.fail(why, kind);
  }

  #wipe(): void {
    this.#snSecret.fill(0);
    this.#cookieKey.fill(0);
    this.#key?.fill(0);
    this.#key = null;
  }
}
