/**
 * What the three mechanisms share: the state and error bookkeeping of `Mechanism`, our
 * metadata (`Socket-Type`, `Identity`), the check of the peer's metadata, the merge of ZAP's
 * answer into the peer's properties, and the reading of a received ERROR.
 *
 * Properties (`Mechanism.properties`): the peer's metadata with lower-cased names; then ZAP's
 * metadata, which wins over the peer's for every name but `socket-type` and `identity` (they
 * describe the connection, and the handshake reports them as the peer's type and identity);
 * `user-id` and `peer-address` are local properties (docs/wire.md §3.4), so the peer's are
 * dropped and `user-id` is ZAP's user id when it gave one. Every value is a copy.
 *
 * Runs on: I/O worker.
 */
import type {
  Mechanism,
  MechanismConfig,
  MechanismName,
  MessageCodec,
  ZapAnswer,
  ZapRequest,
} from "./mechanism.ts";
import { encodeMetadata, parseMetadata } from "../wire/metadata.ts";
import { parseCommand, parseError } from "../wire/commands.ts";

/** `n` random bytes; injected by tests, `randomBytes` otherwise. */
export type Rng = (n: number) => Uint8Array;

/** The 3-digit ZAP status codes a peer's ERROR carries when its ZAP handler refused us. */
const ZAP_REFUSAL = /^[345]00$/;

const TEXT = new TextEncoder();

/** What a ZAP answer means to a mechanism. */
export type ZapVerdict = "accept" | "stall" | "refuse" | "no-handler";

/** The state, errors, ZAP request and properties every mechanism keeps. */
export abstract class MechanismBase implements Mechanism {
  abstract readonly name: MechanismName;
  abstract readonly asServer: boolean;
  /** See `Mechanism.state`. */
  state: Mechanism["state"] = "busy";
  /** See `Mechanism.error`. */
  error: string | null = null;
  /** See `Mechanism.errorKind`. */
  errorKind: "auth" | "protocol" = "protocol";
  /** See `Mechanism.zap`. */
  zap: ZapRequest | null = null;
  /** See `Mechanism.properties`. */
  properties: Map<string, Uint8Array> = new Map();
  /** See `Mechanism.userId`. */
  userId = "";
  /** See `Mechanism.codec`. */
  codec: MessageCodec | null = null;
  protected readonly config: MechanismConfig;

  constructor(config: MechanismConfig) {
    this.config = config;
  }

  abstract start(): Uint8Array[];
  abstract receive(flags: number, body: Uint8Array): Uint8Array[];
  protected abstract answered(answer: ZapAnswer): Uint8Array[];

  /**
   * ZAP answered: checks that a request was pending, takes the user id and metadata on
   * "200", and hands over to the mechanism's `answered`.
   *
   * @throws {Error} If no ZAP request is pending (a caller bug).
   */
  zapAnswer(answer: ZapAnswer): Uint8Array[] {
    if (this.state !== "zap" || this.zap === null) {
      throw new Error(`${this.name}: zapAnswer() while no ZAP request is pending`);
    }
    this.zap = null;
    if (answer.status === "200") {
      this.userId = answer.userId;
      this.#zapMetadata = answer.metadata;
    }
    return this.answered(answer);
  }

  #zapMetadata: Map<string, Uint8Array> = new Map();

  /** Enters state "zap" with a request for our mechanism. */
  protected askZap(credentials: Uint8Array[]): Uint8Array[] {
    this.state = "zap";
    this.zap = { mechanism: this.name, credentials };
    return [];
  }

  /** Fails; `farewell` are the frames to send before closing (an ERROR). */
  protected fail(
    why: string,
    kind: "auth" | "protocol" = "protocol",
    farewell: Uint8Array[] = [],
  ): Uint8Array[] {
    this.state = "error";
    this.error = why;
    this.errorKind = kind;
    this.zap = null;
    return farewell;
  }

  /** Reaches "ready", merging ZAP's answer into the peer's properties. */
  protected succeed(): void {
    const p = this.properties;
    p.delete("user-id");
    p.delete("peer-address");
    for (const [name, value] of this.#zapMetadata) {
      const n = name.toLowerCase();
      if (n !== "socket-type" && n !== "identity") p.set(n, value.slice());
    }
    if (this.userId !== "") p.set("user-id", TEXT.encode(this.userId));
    this.state = "ready";
  }

  /** Our metadata: `Socket-Type`, then `Identity` when the socket sends it (docs/wire.md §3.4). */
  protected ourMetadata(): Uint8Array {
    const c = this.config;
    const props: [string, Uint8Array][] = [["Socket-Type", TEXT.encode(c.socketType)]];
    if (c.sendIdentity) props.push(["Identity", c.identity]);
    return encodeMetadata(props);
  }

  /**
   * Reads the peer's metadata (READY or INITIATE) into `properties` and applies the
   * socket-type check; returns the failure text, or null if it passed.
   */
  protected takePeerMetadata(data: Uint8Array, command: string): string | null {
    const meta = parseMetadata(data);
    if (meta === null) return `Truncated metadata in the peer's ${command}`;
    const st = meta.get("socket-type");
    if (st !== undefined) {
      const type = String.fromCharCode(...st);
      if (!this.config.acceptPeer(type)) {
        return `Peer socket type ${type} is not compatible with ${this.config.socketType}`;
      }
    }
    for (const [name, value] of meta) this.properties.set(name, value.slice());
    return null;
  }

  /**
   * The next handshake command of a CURVE side: the body's command if it is `expected`, else
   * the failure's frames (an ERROR from the peer, a malformed or unexpected command), after
   * `wipe` cleared the side's secrets.
   */
  protected expectCommand(
    body: Uint8Array,
    expected: string,
    wipe: () => void,
  ): Uint8Array[] | null {
    const cmd = parseCommand(body);
    if (cmd !== null && cmd.name === expected) return null;
    wipe();
    if (cmd === null) return this.fail("Malformed command received during the handshake");
    if (cmd.name === "ERROR") return this.peerError(cmd.data);
    return this.fail(
      `Unexpected command ${cmd.name} received during the CURVE handshake (expected ${expected})`,
    );
  }

  /** Fails on an ERROR received from the peer: "auth" if it carries a ZAP refusal code. */
  protected peerError(data: Uint8Array, forceAuth = false): Uint8Array[] {
    const reason = parseError(data);
    const auth = forceAuth || (reason !== null && ZAP_REFUSAL.test(reason));
    return this.fail(
      `Peer sent ERROR during the handshake: "${reason ?? "(malformed)"}"`,
      auth ? "auth" : "protocol",
    );
  }
}

/** Classifies a ZAP status (docs/security.md §7); an unknown status counts as "500". */
export function zapVerdict(answer: ZapAnswer): { verdict: ZapVerdict; code: string } {
  switch (answer.status) {
    case "200":
      return { verdict: "accept", code: "200" };
    case "":
      return { verdict: "no-handler", code: "" };
    case "300":
      return { verdict: "stall", code: "300" };
    case "400":
      return { verdict: "refuse", code: "400" };
    default:
      return { verdict: "refuse", code: "500" };
  }
}

/** The error text of a ZAP refusal (the status text is local, never sent). */
export function zapRefusal(answer: ZapAnswer, code: string): string {
  const text = answer.text === "" ? "" : ` "${answer.text}"`;
  const shown = answer.status === code ? code : `${code} (status "${answer.status}")`;
  return `ZAP refused the peer: ${shown}${text}`;
}
