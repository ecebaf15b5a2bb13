/**
 * The CURVE mechanism (ZeroMQ RFC 25/26, docs/security.md §6) behind one class:
 * `CurveMechanism` is the client (curve_client.ts) or the server (curve_server.ts) as
 * `config.security.server` says, with the same members. The layouts, nonces, counters and
 * checks are described in those two files and in _curve_common.ts.
 *
 * Runs on: I/O worker.
 */
import type {
  Mechanism,
  MechanismConfig,
  MessageCodec,
  ZapAnswer,
  ZapRequest,
} from "./mechanism.ts";
import type { Rng } from "./_common.ts";
import { CurveClient } from "./curve_client.ts";
import { CurveServer } from "./curve_server.ts";

export { CurveClient, CurveServer };
export type { Rng };

/**
 * One side of a CURVE handshake; `config.security.server` picks the side.
 *
 * @example A client's HELLO is 200 bytes in a short command frame
 * ```ts
 * import { CurveMechanism } from "./curve.ts";
 * import { newKeyPair } from "./crypto.ts";
 * const server = newKeyPair(), client = newKeyPair();
 * const m = new CurveMechanism({
 *   socketType: "PUSH", identity: new Uint8Array(0), sendIdentity: false,
 *   acceptPeer: (p) => p === "PULL",
 *   security: { mechanism: "CURVE", server: false, zapDomain: "",
 *     curvePublicKey: client.publicKey, curveSecretKey: client.secretKey,
 *     curveServerKey: server.publicKey },
 * }, -1);
 * const [hello] = m.start();
 * hello!.length; // 202 (header 04 C8, then 200 bytes)
 * ```
 */
export class CurveMechanism implements Mechanism {
  readonly #side: CurveClient | CurveServer;

  /**
   * @param config Our socket; a client needs `curvePublicKey`, `curveSecretKey` and
   *   `curveServerKey`, a server `curvePublicKey` and `curveSecretKey` (32 bytes each).
   * @param maxMsgSize The traffic codec's frame limit (-1 for none).
   * @param rng Random bytes (default: the CSPRNG); for test vectors only. The order in
   *   which they are drawn is given in curve_client.ts and curve_server.ts.
   */
  constructor(config: MechanismConfig, maxMsgSize: number, rng?: Rng) {
    this.#side = config.security.server
      ? new CurveServer(config, maxMsgSize, rng)
      : new CurveClient(config, maxMsgSize, rng);
  }

  /** Always "CURVE". */
  get name(): "CURVE" {
    return "CURVE";
  }
  /** True on the server side. */
  get asServer(): boolean {
    return this.#side.asServer;
  }
  /** See `Mechanism.state`. */
  get state(): Mechanism["state"] {
    return this.#side.state;
  }
  /** See `Mechanism.error`. */
  get error(): string | null {
    return this.#side.error;
  }
  /** See `Mechanism.errorKind`. */
  get errorKind(): "auth" | "protocol" {
    return this.#side.errorKind;
  }
  /** See `Mechanism.zap` (server only). */
  get zap(): ZapRequest | null {
    return this.#side.zap;
  }
  /** See `Mechanism.properties`. */
  get properties(): Map<string, Uint8Array> {
    return this.#side.properties;
  }
  /** See `Mechanism.userId`. */
  get userId(): string {
    return this.#side.userId;
  }
  /** The traffic codec (a `CurveStream`) once ready. */
  get codec(): MessageCodec | null {
    return this.#side.codec;
  }
  /** Client: HELLO. Server: nothing. */
  start(): Uint8Array[] {
    return this.#side.start();
  }
  /** One handshake frame of the peer's; returns the frames to send. */
  receive(flags: number, body: Uint8Array): Uint8Array[] {
    return this.#side.receive(flags, body);
  }
  /** Server: ZAP answered; returns READY, an ERROR, or nothing (300). */
  zapAnswer(answer: ZapAnswer): Uint8Array[] {
    return this.#side.zapAnswer(answer);
  }
}
