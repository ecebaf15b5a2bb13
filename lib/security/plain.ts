/**
 * The PLAIN mechanism (ZeroMQ RFC 24, docs/security.md §5): a username and a password in
 * clear, checked by the server's ZAP handler. Flow: client HELLO → server WELCOME (or
 * ERROR) → client INITIATE (metadata) → server READY (metadata).
 *
 * Client: `start()` returns HELLO (`05 "HELLO" ulen username plen password`). WELCOME must
 * be exactly `07 "WELCOME"` (8 bytes, as libzmq's client requires); INITIATE carries our
 * `Socket-Type` (and `Identity`); the server's READY metadata is checked and we are ready.
 * An ERROR fails with kind "auth", spelled `05 "ERROR"` or libzmq's `5E "RROR"` (its PLAIN
 * server's malformed literal, docs/security.md §5).
 *
 * Server: HELLO must be well formed with no trailing bytes; then state "zap" with the
 * credentials [username, password]. "200": WELCOME, then the client's INITIATE is checked
 * and READY goes out: ready. "400"/"500": ERROR with the code (correctly spelled), error
 * "auth". "300": nothing more is sent. "" (no handler bound): like libzmq, PLAIN refuses
 * every client without a handler; we send nothing and fail with kind "auth".
 *
 * Any other command, or a malformed one, fails with kind "protocol". The COMMAND bit is
 * not checked during the handshake, as in libzmq (docs/wire.md §9).
 *
 * Runs on: I/O worker.
 */
import type { MechanismConfig, ZapAnswer } from "./mechanism.ts";
import { MechanismBase, type Rng, zapRefusal, zapVerdict } from "./_common.ts";
import { encodeCommand, errorFrame, parseCommand } from "../wire/commands.ts";

/** The error of a PLAIN server without a ZAP handler. */
export const PLAIN_NEEDS_ZAP =
  "PLAIN server needs a ZAP handler (none is bound at inproc://zeromq.zap.01)";

const EMPTY = new Uint8Array(0);
// libzmq's PLAIN ERROR name: "\x05ERROR" read by C as "\x5E" "RROR".
const LIBZMQ_ERROR = [0x5e, 0x52, 0x52, 0x4f, 0x52];

type Phase = "new" | "welcome" | "ready" | "hello" | "initiate";

/**
 * One side of a PLAIN handshake; `config.security.server` picks the side.
 *
 * @example The client's HELLO (docs/security.md §5 capture)
 * ```ts
 * import { PlainMechanism } from "./plain.ts";
 * const te = new TextEncoder();
 * const m = new PlainMechanism({
 *   socketType: "PUSH", identity: new Uint8Array(0), sendIdentity: false,
 *   acceptPeer: (p) => p === "PULL",
 *   security: { mechanism: "PLAIN", server: false, zapDomain: "",
 *     plainUsername: te.encode("admin"), plainPassword: te.encode("secret") },
 * }, -1);
 * m.start()[0]; // 04 13 05 "HELLO" 05 "admin" 06 "secret"
 * ```
 */
export class PlainMechanism extends MechanismBase {
  /** Always "PLAIN". */
  readonly name = "PLAIN" as const;
  /** True on the server side (`plainServer`). */
  readonly asServer: boolean;
  #phase: Phase = "new";

  /**
   * @param config Our socket and its security options (`mechanism` "PLAIN").
   * @param _maxMsgSize Unused (the caller checks frame sizes).
   * @param _rng Unused (PLAIN draws no random bytes).
   */
  constructor(config: MechanismConfig, _maxMsgSize: number, _rng?: Rng) {
    super(config);
    this.asServer = config.security.server;
  }

  /** Client: HELLO. Server: nothing (it waits for HELLO). Once only. */
  start(): Uint8Array[] {
    if (this.#phase !== "new" || this.state !== "busy") return [];
    if (this.asServer) {
      this.#phase = "hello";
      return [];
    }
    const sec = this.config.security;
    const user = sec.plainUsername ?? EMPTY;
    const pass = sec.plainPassword ?? EMPTY;
    if (user.length > 255 || pass.length > 255) {
      return this.fail("PLAIN username and password are 255 bytes long at most", "auth");
    }
    const data = new Uint8Array(2 + user.length + pass.length);
    data[0] = user.length;
    data.set(user, 1);
    data[1 + user.length] = pass.length;
    data.set(pass, 2 + user.length);
    this.#phase = "welcome";
    return [encodeCommand("HELLO", data)];
  }

  /** One handshake frame of the peer's. */
  receive(_flags: number, body: Uint8Array): Uint8Array[] {
    if (this.state === "error") return [];
    if (this.state !== "busy" || this.#phase === "new") {
      return this.fail(`Unexpected frame received in PLAIN state ${this.state}`);
    }
    if (!this.asServer && startsWith(body, LIBZMQ_ERROR)) {
      return this.peerError(body.subarray(LIBZMQ_ERROR.length), true);
    }
    const cmd = parseCommand(body);
    if (cmd === null) return this.fail("Malformed command received during the handshake");
    if (cmd.name === "ERROR") return this.peerError(cmd.data, !this.asServer);
    const expected = PLAIN_EXPECTS[this.#phase];
    if (cmd.name !== expected) {
      return this.fail(
        `Unexpected command ${cmd.name} received during the PLAIN handshake (expected ${expected})`,
      );
    }
    switch (this.#phase) {
      case "welcome":
        if (cmd.data.length !== 0) {
          return this.fail(`PLAIN WELCOME has ${cmd.data.length} bytes after its name, not 0`);
        }
        this.#phase = "ready";
        return [encodeCommand("INITIATE", this.ourMetadata())];
      case "ready":
      case "initiate": {
        const bad = this.takePeerMetadata(cmd.data, cmd.name);
        if (bad !== null) return this.fail(bad);
        this.succeed();
        return this.#phase === "initiate" ? [encodeCommand("READY", this.ourMetadata())] : [];
      }
      default:
        return this.#hello(cmd.data);
    }
  }

  #hello(data: Uint8Array): Uint8Array[] {
    const ulen = data[0];
    if (ulen === undefined) return this.fail("PLAIN HELLO has no username length");
    const plen = data[1 + ulen];
    if (plen === undefined) return this.fail("PLAIN HELLO is truncated in its username");
    if (data.length !== 2 + ulen + plen) {
      return this.fail(
        `PLAIN HELLO's lengths add up to ${2 + ulen + plen} bytes, it has ${data.length}`,
      );
    }
    return this.askZap([data.slice(1, 1 + ulen), data.slice(2 + ulen)]);
  }

  protected answered(answer: ZapAnswer): Uint8Array[] {
    const { verdict, code } = zapVerdict(answer);
    switch (verdict) {
      case "stall":
        return [];
      case "refuse":
        return this.fail(zapRefusal(answer, code), "auth", [errorFrame(code)]);
      case "no-handler":
        return this.fail(PLAIN_NEEDS_ZAP, "auth");
      default:
        this.state = "busy";
        this.#phase = "initiate";
        return [encodeCommand("WELCOME", EMPTY)];
    }
  }
}

const PLAIN_EXPECTS: Record<Phase, string> = {
  new: "",
  welcome: "WELCOME",
  ready: "READY",
  hello: "HELLO",
  initiate: "INITIATE",
};

function startsWith(b: Uint8Array, prefix: number[]): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}
