/**
 * The client side of CURVE (ZeroMQ RFC 25/26, docs/security.md §6): HELLO → (WELCOME) →
 * INITIATE → (READY), then a `CurveStream` codec for the traffic.
 *
 * - `start()`: HELLO, 200 bytes: version 1.0, 72 zero bytes, our transient key C′, counter
 *   1, and Box[64 zeros](C′→S).
 * - WELCOME must be exactly 168 bytes and its box must open with (S, c′): if it does not,
 *   the server does not hold the secret key of the `curveServerKey` we were given, and we
 *   fail with kind "auth" (no INITIATE goes out). Inside: S′ and the cookie.
 * - INITIATE (always a long frame): the cookie verbatim, counter 2, and under
 *   K = beforenm(S′, c′) our long-term key C, the vouch Box[C′ + S](C→S′) with a long
 *   nonce, and our metadata.
 * - READY (≥ 30 bytes): its box must open with K and the server's counter; its metadata
 *   passes the socket-type check; we are ready and `codec` is a `CurveStream` whose next
 *   MESSAGE counter is 3 and whose peer counter starts at READY's.
 * - An ERROR (in clear) fails with kind "auth" if its reason is a ZAP status code, else
 *   "protocol". Any other failure (wrong size, wrong command, READY box not opening, bad
 *   metadata) is "protocol".
 *
 * Random bytes, in the order drawn (tests inject them): c′ (32) at construction, the vouch
 * nonce tail (16) at WELCOME. The transient secret is zeroed once we are ready or failed.
 *
 * Runs on: I/O worker.
 */
import type { MechanismConfig, ZapAnswer } from "./mechanism.ts";
import { MechanismBase, type Rng } from "./_common.ts";
import {
  boxKeyOrNull,
  concat,
  COOKIE_BYTES,
  counterBytes,
  HELLO_PADDING,
  HELLO_PREFIX,
  INITIATE_PREFIX,
  keyOption,
  longNonce,
  readCounter,
  READY_MIN,
  READY_PREFIX,
  shortNonce,
  TAIL_BYTES,
  VERSION_MAJOR,
  VERSION_MINOR,
  VOUCH_PREFIX,
  WELCOME_BODY,
  WELCOME_PREFIX,
} from "./_curve_common.ts";
import { KEY_BYTES, open, publicKeyOf, randomBytes, seal } from "./crypto.ts";
import { CurveStream } from "./curve_stream.ts";
import { encodeCommand } from "../wire/commands.ts";

type Phase = "new" | "welcome" | "ready";

/** One client side of a CURVE handshake. */
export class CurveClient extends MechanismBase {
  /** Always "CURVE". */
  readonly name = "CURVE" as const;
  /** Always false. */
  readonly asServer = false;
  readonly #rng: Rng;
  readonly #maxMsgSize: number;
  readonly #keys: { C: Uint8Array; c: Uint8Array; S: Uint8Array } | string;
  /** Our transient key pair. */
  readonly #cnSecret: Uint8Array;
  readonly #cnPublic: Uint8Array;
  #phase: Phase = "new";
  /** K, once WELCOME gave S′. */
  #key: Uint8Array | null = null;

  /**
   * @param config Our socket; `security` needs `curvePublicKey`, `curveSecretKey` and
   *   `curveServerKey` (32 bytes each).
   * @param maxMsgSize The traffic codec's frame limit (-1 for none).
   * @param rng Random bytes (default: the CSPRNG); for test vectors only.
   */
  constructor(config: MechanismConfig, maxMsgSize: number, rng: Rng = randomBytes) {
    super(config);
    this.#rng = rng;
    this.#maxMsgSize = maxMsgSize;
    const sec = config.security;
    const C = keyOption(sec.curvePublicKey, "curvePublicKey");
    const c = keyOption(sec.curveSecretKey, "curveSecretKey");
    const S = keyOption(sec.curveServerKey, "curveServerKey");
    this.#keys = typeof C === "string"
      ? C
      : typeof c === "string"
      ? c
      : typeof S === "string"
      ? S
      : { C, c, S };
    this.#cnSecret = rng(KEY_BYTES).slice();
    this.#cnPublic = publicKeyOf(this.#cnSecret);
  }

  /** HELLO. Once only. */
  start(): Uint8Array[] {
    if (this.#phase !== "new" || this.state !== "busy") return [];
    const keys = this.#keys;
    if (typeof keys === "string") return this.#fail(`CURVE client: ${keys}`, "auth");
    const k = boxKeyOrNull(keys.S, this.#cnSecret);
    if (k === null) return this.#fail("CURVE client: curveServerKey is not a usable key", "auth");
    const box = seal(k, shortNonce(HELLO_PREFIX, 1), new Uint8Array(64));
    k.fill(0);
    const data = new Uint8Array(2 + HELLO_PADDING);
    data[0] = VERSION_MAJOR;
    data[1] = VERSION_MINOR;
    this.#phase = "welcome";
    return [encodeCommand("HELLO", concat(data, this.#cnPublic, counterBytes(1), box))];
  }

  /** WELCOME, READY or ERROR. */
  receive(_flags: number, body: Uint8Array): Uint8Array[] {
    if (this.state === "error") return [];
    if (this.state !== "busy" || this.#phase === "new") {
      return this.#fail(`Unexpected frame received in CURVE state ${this.state}`);
    }
    const expected = this.#phase === "welcome" ? "WELCOME" : "READY";
    const refused = this.expectCommand(body, expected, () => this.#wipe());
    if (refused !== null) return refused;
    return this.#phase === "welcome" ? this.#welcome(body) : this.#ready(body);
  }

  #welcome(body: Uint8Array): Uint8Array[] {
    if (body.length !== WELCOME_BODY) {
      return this.#fail(`CURVE WELCOME is ${body.length} bytes, not ${WELCOME_BODY}`);
    }
    const keys = this.#keys as { C: Uint8Array; c: Uint8Array; S: Uint8Array };
    const k = boxKeyOrNull(keys.S, this.#cnSecret)!; // it sealed HELLO
    const plain = open(k, longNonce(WELCOME_PREFIX, body.subarray(8, 24)), body.subarray(24));
    k.fill(0);
    if (plain === null) {
      return this.#fail(
        "CURVE WELCOME does not open: the server does not hold the secret key of curveServerKey",
        "auth",
      );
    }
    const serverTransient = plain.subarray(0, KEY_BYTES);
    const cookie = plain.subarray(KEY_BYTES, KEY_BYTES + COOKIE_BYTES);
    const key = boxKeyOrNull(serverTransient, this.#cnSecret);
    if (key === null) return this.#fail("CURVE WELCOME carries an unusable transient key");
    const vouchKey = boxKeyOrNull(serverTransient, keys.c);
    if (vouchKey === null) return this.#fail("CURVE client: curveSecretKey is not usable", "auth");
    const tail = this.#rng(TAIL_BYTES).slice(0, TAIL_BYTES);
    const vouch = seal(vouchKey, longNonce(VOUCH_PREFIX, tail), concat(this.#cnPublic, keys.S));
    vouchKey.fill(0);
    const inner = concat(keys.C, tail, vouch, this.ourMetadata());
    const box = seal(key, shortNonce(INITIATE_PREFIX, 2), inner);
    const initiate = encodeCommand("INITIATE", concat(cookie, counterBytes(2), box));
    plain.fill(0);
    this.#key = key;
    this.#phase = "ready";
    return [initiate];
  }

  #ready(body: Uint8Array): Uint8Array[] {
    if (body.length < READY_MIN) {
      return this.#fail(`CURVE READY is ${body.length} bytes, less than ${READY_MIN}`);
    }
    const counter = readCounter(body, 6);
    if (counter < 0) return this.#fail("CURVE READY's nonce counter is beyond 2^53-1");
    const key = this.#key!;
    const meta = open(key, shortNonce(READY_PREFIX, counter), body.subarray(14));
    if (meta === null) return this.#fail("CURVE READY's box does not open");
    const bad = this.takePeerMetadata(meta, "READY");
    if (bad !== null) return this.#fail(bad);
    this.codec = new CurveStream(key.slice(), "client", 3, counter, this.#maxMsgSize);
    this.#wipe();
    this.succeed();
    return [];
  }

  protected answered(_answer: ZapAnswer): Uint8Array[] {
    return []; // a client never asks ZAP
  }

  #fail(why: string, kind: "auth" | "protocol" = "protocol"): Uint8Array[] {
    this.#wipe();
    return this.fail(why, kind);
  }

  #wipe(): void {
    this.#cnSecret.fill(0);
    this.#key?.fill(0);
    this.#key = null;
  }
}
