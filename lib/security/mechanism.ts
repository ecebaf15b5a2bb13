/**
 * The contract of a ZMTP/3.x security mechanism (ZeroMQ RFC 23 §Security, RFC 24 PLAIN,
 * RFC 25/26 CURVE, and NULL): what the handshake (lib/wire/handshake.ts) hands a mechanism
 * after both greetings, and what it gets back. A mechanism is a pure state machine over
 * whole handshake frames: no I/O, no timers. ZAP (RFC 27) is asked by the session, outside:
 * a server mechanism that wants an answer sets `zap`, stops, and goes on in `zapAnswer`.
 *
 * Frames given and returned are whole ZMTP/3 frames: `receive` gets the flags byte and the
 * body; `start`, `receive` and `zapAnswer` return frames with their headers, ready to
 * write. A refusal the peer should hear of (an ERROR command) is returned by the call
 * that failed, and the state is then "error": the session writes it and closes.
 *
 * Runs on: I/O worker.
 */

/** The mechanism names of the greeting. */
export type MechanismName = "NULL" | "PLAIN" | "CURVE";

/** A socket's security options, as the worker receives them (lib/pipe/commands.ts). */
export interface SecurityConfig {
  /** The mechanism the socket speaks: PLAIN if `plainServer` or a username is set, CURVE if `curveServer` or a server key is set. */
  mechanism: MechanismName;
  /** True on the server side of PLAIN or CURVE (`plainServer`, `curveServer`). */
  server: boolean;
  /** PLAIN client: username and password (0-255 bytes each). */
  plainUsername?: Uint8Array;
  plainPassword?: Uint8Array;
  /** CURVE: our long-term key pair (both sides), and the server's public key (client). */
  curvePublicKey?: Uint8Array;
  curveSecretKey?: Uint8Array;
  curveServerKey?: Uint8Array;
  /** `zapDomain` (ZMQ_ZAP_DOMAIN); "" if unset. NULL asks ZAP only when it is set. */
  zapDomain: string;
}

/** What a mechanism knows of its socket. */
export interface MechanismConfig {
  /** Our ZMTP socket-type name ("PUSH", "ROUTER"...), sent as `Socket-Type`. */
  socketType: string;
  /** Our identity; sent as `Identity` when `sendIdentity`. */
  identity: Uint8Array;
  sendIdentity: boolean;
  /** The socket-type check applied to the peer's `Socket-Type` (an absent one passes). */
  acceptPeer(type: string): boolean;
  security: SecurityConfig;
}

/** The mechanism-specific part of a ZAP request (RFC 27 frames 6 and on). */
export interface ZapRequest {
  mechanism: MechanismName;
  /** PLAIN: username, password; CURVE: the client's 32-byte long-term public key; NULL: none. */
  credentials: Uint8Array[];
}

/** ZAP's answer, as the session got it from the handler. */
export interface ZapAnswer {
  /**
   * "200", "300", "400", "500"; or "" when no handler is bound in the context (then NULL and
   * CURVE accept, PLAIN refuses, as libzmq does: docs/security.md).
   */
  status: string;
  /** The status text (for the error event; never sent to the peer). */
  text: string;
  /** The user id (becomes the `User-Id` property). */
  userId: string;
  /** Properties from the reply's metadata frame. */
  metadata: Map<string, Uint8Array>;
}

/** One side of one connection's security handshake. */
export interface Mechanism {
  readonly name: MechanismName;
  /** True if we are the server (the greeting's as-server byte). */
  readonly asServer: boolean;
  /** "busy": exchanging commands; "zap": waiting for `zapAnswer`; "ready"; "error". */
  readonly state: "busy" | "zap" | "ready" | "error";
  /** Why it failed, in words that never contain a secret. */
  readonly error: string | null;
  /** "auth": refused by ZAP or wrong credentials/keys; "protocol": a malformed or unexpected command. */
  readonly errorKind: "auth" | "protocol";
  /** Set while `state` is "zap": what to ask. */
  readonly zap: ZapRequest | null;
  /** Once ready: the peer's properties (READY / INITIATE metadata, lower-cased names), plus ZAP's. */
  readonly properties: Map<string, Uint8Array>;
  /** Once ready: ZAP's user id ("" if none). */
  readonly userId: string;
  /** Once ready, CURVE only: the codec of every frame from now on; null for NULL and PLAIN. */
  readonly codec: MessageCodec | null;
  /** Frames to send as soon as the peer's whole greeting is in (the client's HELLO, NULL's READY). */
  start(): Uint8Array[];
  /** One whole frame received during the handshake. Returns the frames to send. */
  receive(flags: number, body: Uint8Array): Uint8Array[];
  /** ZAP answered (state "zap" only). Returns the frames to send. */
  zapAnswer(answer: ZapAnswer): Uint8Array[];
}

/**
 * After a CURVE handshake, every ZMTP/3 frame travels boxed in a MESSAGE command. The codec
 * turns the plain frame stream (what the engine would write to a NULL peer) into the wire
 * stream and back; both accept any split of their input.
 */
export interface MessageCodec {
  /** Plain ZMTP/3 frames (any split; an incomplete frame is kept) → bytes to write (may be empty). */
  encode(plain: Uint8Array): Uint8Array;
  /** Received bytes (any split) → plain ZMTP/3 frames (may be empty); null on error (see `error`). */
  decode(wire: Uint8Array): Uint8Array | null;
  /** Why `decode` failed. */
  readonly error: string | null;
}
