/**
 * The NULL mechanism (ZeroMQ RFC 23 §NULL, docs/wire.md §3.6): both sides send READY with
 * their metadata and read the peer's. There is no client and no server (as-server `00`).
 *
 * - No ZAP (`zapDomain` ""): `start()` returns our READY (`Socket-Type`, plus `Identity`
 *   when `sendIdentity`), byte for byte libzmq's.
 * - With a ZAP domain, like libzmq on both sides of NULL: `start()` asks ZAP (mechanism
 *   "NULL", no credentials) and withholds READY (docs/wire.md §3.6, §5.4). "200", or ""
 *   (no handler bound): READY goes out. "300": nothing is sent, ever (the handshake timer
 *   ends it). "400"/"500": an ERROR with the code goes out instead of READY, error "auth".
 *   The peer's READY may arrive meanwhile: the caller holds received frames back while the
 *   state is "zap" (lib/wire/handshake.ts does) and passes them on after the answer.
 * - The peer's first frame must be a READY command, or a data frame whose body is a READY
 *   command (docs/wire.md §8.1 row 10). An ERROR fails ("auth" if it carries a ZAP code);
 *   any other command, any other data frame, a malformed command or truncated metadata
 *   fails ("protocol"). A present `Socket-Type` must pass `acceptPeer`.
 *
 * Runs on: I/O worker.
 */
import type { MechanismConfig, ZapAnswer } from "./mechanism.ts";
import { MechanismBase, type Rng, zapRefusal, zapVerdict } from "./_common.ts";
import { errorFrame, parseCommand, readyFrame } from "../wire/commands.ts";
import { FLAG_COMMAND } from "../wire/frame.ts";

/**
 * One side of a NULL handshake.
 *
 * @example Two sides, no ZAP
 * ```ts
 * import { NullMechanism } from "./null.ts";
 * const config = (t: string, peer: string) => ({
 *   socketType: t, identity: new Uint8Array(0), sendIdentity: false,
 *   acceptPeer: (p: string) => p === peer,
 *   security: { mechanism: "NULL" as const, server: false, zapDomain: "" },
 * });
 * const a = new NullMechanism(config("PUSH", "PULL"), -1);
 * const b = new NullMechanism(config("PULL", "PUSH"), -1);
 * const [ready] = a.start();
 * b.receive(ready![0]!, ready!.subarray(2));
 * b.state; // "ready"
 * ```
 */
export class NullMechanism extends MechanismBase {
  /** Always "NULL". */
  readonly name = "NULL" as const;
  /** Always false: NULL has no roles. */
  readonly asServer = false;
  #started = false;

  /**
   * @param config Our socket and its security options (`mechanism` "NULL").
   * @param _maxMsgSize Unused (the caller checks frame sizes).
   * @param _rng Unused (NULL draws no random bytes).
   */
  constructor(config: MechanismConfig, _maxMsgSize: number, _rng?: Rng) {
    super(config);
  }

  /** Our READY, or nothing and state "zap" when a ZAP domain is set. Once only. */
  start(): Uint8Array[] {
    if (this.#started) return [];
    this.#started = true;
    if (this.config.security.zapDomain !== "") return this.askZap([]);
    return [this.#ready()];
  }

  /** The peer's READY (or a refusal). Returns nothing: NULL has nothing to answer. */
  receive(flags: number, body: Uint8Array): Uint8Array[] {
    if (this.state === "error") return [];
    if (this.state !== "busy" || !this.#started) {
      return this.fail(`Unexpected frame received in NULL state ${this.state}`);
    }
    const cmd = parseCommand(body);
    if (flags & FLAG_COMMAND) {
      if (cmd === null) return this.fail("Malformed command received during the handshake");
      if (cmd.name === "ERROR") return this.peerError(cmd.data);
      if (cmd.name !== "READY") {
        return this.fail(`Unexpected command ${cmd.name} received during the handshake`);
      }
    } else if (cmd === null || cmd.name !== "READY") {
      return this.fail("Data frame received before READY");
    }
    const bad = this.takePeerMetadata(cmd.data, "READY");
    if (bad !== null) return this.fail(bad);
    this.succeed();
    return [];
  }

  protected answered(answer: ZapAnswer): Uint8Array[] {
    const { verdict, code } = zapVerdict(answer);
    if (verdict === "stall") return [];
    if (verdict === "refuse") {
      return this.fail(zapRefusal(answer, code), "auth", [errorFrame(code)]);
    }
    this.state = "busy";
    return [this.#ready()];
  }

  #ready(): Uint8Array {
    const c = this.config;
    return readyFrame(c.socketType, c.sendIdentity ? c.identity : null);
  }
}
