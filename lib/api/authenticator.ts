/**
 * `Authenticator`: a ZAP handler (ZeroMQ RFC 27) for one context, as pyzmq's
 * `ThreadAuthenticator` and CZMQ's `zauth` are for libzmq: it binds a ROUTER at
 * `inproc://zeromq.zap.01` in the context and answers the requests the context's PLAIN and
 * CURVE servers (and NULL sockets with a `zapDomain`) make before letting a peer in
 * (docs/security.md). Its rules, in order:
 *
 * 1. Addresses: with an allow list, only its addresses pass; else the deny list's are
 *    refused (ipc connections have no address and pass).
 * 2. The callback, if one was given: it decides.
 * 3. Otherwise by mechanism: NULL passes; PLAIN needs a user of `allowPlain` with that
 *    password (compared in constant time; the user id is the username); CURVE needs a key
 *    of `allowCurve` (or `allowCurve("*")`; the user id is the key in Z85).
 *
 * A refusal answers 400 (the server then sends ERROR "400" and closes); a callback that
 * throws answers 500. The handler runs on this thread, between the application's awaits.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { getErrno, XsError } from "../errors.ts";
import {
  parseKey,
  parseZapRequest,
  sameBytes,
  z85Encode,
  ZAP_ENDPOINT,
  zapReplyFrames,
} from "../security/mod.ts";
import type { Context } from "./context.ts";
import type { Socket } from "./socket.ts";
import { stateOf } from "./socket_state.ts";

/** One ZAP request, as the callback of an `Authenticator` sees it. */
export interface ZapRequestInfo {
  /** The server socket's `zapDomain`. */
  domain: string;
  /** The client's IP address ("" for ipc). */
  address: string;
  /** "NULL", "PLAIN" or "CURVE". */
  mechanism: string;
  /** PLAIN: the username the client sent. */
  username?: string;
  /** PLAIN: the password the client sent (compare it in constant time). */
  password?: string;
  /** CURVE: the client's long-term public key, in Z85. */
  publicKey?: string;
  /** The server socket's identity (libzmq sends its own routing id here). */
  identity: Uint8Array;
}

/**
 * What a callback answers: true (let in), false (refuse with 400), or the details: a user
 * id for the `User-Id` property, properties for the connection, or a status of its own
 * (300: try later, no answer to the client; 400: refused; 500: an internal error).
 */
export type ZapVerdict =
  | boolean
  | {
    userId?: string;
    metadata?: Record<string, string | Uint8Array>;
    status?: 200 | 300 | 400 | 500;
    text?: string;
  };

/** Options of an `Authenticator`. */
export interface AuthenticatorOptions {
  /** Decides every request that passed the address rules (see `Authenticator`). */
  handler?: (req: ZapRequestInfo) => ZapVerdict | Promise<ZapVerdict>;
  /** Only requests for this ZAP domain are considered; others are refused. Default: any. */
  domain?: string;
}

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Answers ZAP for a context: PLAIN users, CURVE keys, addresses, or a callback.
 *
 * @example A PLAIN server that lets in one user
 * ```ts
 * import assert from "node:assert/strict";
 * import { Authenticator, Context } from "@crossroads/xs";
 * await using ctx = new Context();
 * await using auth = new Authenticator(ctx);
 * auth.allowPlain({ admin: "secret" });
 * using server = ctx.socket("PULL", { plainServer: true });
 * using client = ctx.socket("PUSH", { plainUsername: "admin", plainPassword: "secret" });
 * await server.bind("tcp://127.0.0.1:*");
 * await client.connect(server.lastEndpoint);
 * await client.send("hello");
 * const msg = await server.receive({ timeout: 5000 });
 * assert.equal(msg.properties?.["User-Id"], "admin");
 * ```
 */
export class Authenticator {
  readonly #sock: Socket<"ROUTER">;
  readonly #handler: AuthenticatorOptions["handler"];
  readonly #domain: string | undefined;
  readonly #allowed = new Set<string>();
  readonly #denied = new Set<string>();
  readonly #users = new Map<string, Uint8Array>();
  #plainSet = false;
  readonly #keys = new Set<string>();
  #anyKey = false;
  readonly #done: Promise<void>;

  /**
   * Binds the context's ZAP endpoint and starts answering.
   *
   * @throws {XsError} `EADDRINUSE` if the context already has a ZAP handler.
   */
  constructor(ctx: Context, options: AuthenticatorOptions = {}) {
    this.#handler = options.handler;
    this.#domain = options.domain;
    this.#sock = ctx.socket("ROUTER", { linger: 0 });
    if (stateOf(this.#sock)!.core.bind(ZAP_ENDPOINT) < 0) {
      const e = getErrno();
      this.#sock.close();
      throw new XsError(e, `Cannot bind ${ZAP_ENDPOINT} (is another Authenticator running?)`);
    }
    this.#done = this.#serve();
  }

  /** Lets in only these client addresses (IP text, as ZAP gives them), in addition to earlier ones. */
  allow(addresses: string | string[]): this {
    for (const a of [addresses].flat()) this.#allowed.add(a);
    return this;
  }

  /** Refuses these client addresses (ignored while an allow list exists). */
  deny(addresses: string | string[]): this {
    for (const a of [addresses].flat()) this.#denied.add(a);
    return this;
  }

  /** PLAIN: these users, with their passwords, may log in (added to earlier ones). */
  allowPlain(users: Record<string, string>): this {
    if (typeof users !== "object" || users === null) {
      throw new TypeError("allowPlain takes an object of usernames and passwords");
    }
    this.#plainSet = true;
    for (const [user, password] of Object.entries(users)) {
      if (typeof password !== "string") {
        throw new TypeError(`The password of ${user} must be a string`);
      }
      this.#users.set(user, encoder.encode(password));
    }
    return this;
  }

  /**
   * CURVE: clients with these long-term public keys (Z85 or 32 bytes) may connect; `"*"`
   * lets in any client that completes the handshake (it still proves it holds its key).
   *
   * @throws {TypeError} If a key is not a key (the message never quotes it).
   */
  allowCurve(keys: "*" | string | Uint8Array | (string | Uint8Array)[]): this {
    if (keys === "*") {
      this.#anyKey = true;
      return this;
    }
    for (const k of [keys].flat()) {
      const b = parseKey(k);
      if (typeof b === "string") throw new TypeError(`allowCurve: ${b}`);
      this.#keys.add(z85Encode(b));
    }
    return this;
  }

  /** Stops answering and frees the ZAP endpoint; requests not answered yet stay unanswered. */
  async close(): Promise<void> {
    this.#sock.close();
    await this.#done;
  }

  /** `await using`: `close()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #serve(): Promise<void> {
    try {
      for await (const msg of this.#sock) {
        // [routing id, empty delimiter, request frames...]
        if (msg.length < 3 || msg[1]!.length !== 0) continue;
        const envelope = msg.slice(0, 2);
        const req = parseZapRequest(msg.slice(2));
        if (typeof req === "string") continue; // cannot be answered: no request id
        let reply: Uint8Array[];
        try {
          reply = await this.#answer(req);
        } catch (e) {
          reply = zapReplyFrames(
            req.requestId,
            "500",
            `handler failed: ${(e as Error)?.message ?? e}`,
            "",
          );
        }
        if (this.#sock.closed) return;
        this.#sock.trySend([...envelope, ...reply]);
      }
    } catch (e) {
      if (!(e instanceof XsError && (e.errno === C.ETERM || e.errno === C.ENOTSOCK))) throw e;
    }
  }

  async #answer(req: Exclude<ReturnType<typeof parseZapRequest>, string>): Promise<Uint8Array[]> {
    const id = req.requestId;
    const deny = (text: string) => zapReplyFrames(id, "400", text, "");
    if (req.version !== "1.0") return zapReplyFrames(id, "500", "unknown ZAP version", "");
    if (this.#domain !== undefined && req.domain !== this.#domain) return deny("domain not served");
    if (req.address !== "") {
      if (this.#allowed.size > 0) {
        if (!this.#allowed.has(req.address)) return deny("address not allowed");
      } else if (this.#denied.has(req.address)) return deny("address denied");
    }
    const info: ZapRequestInfo = {
      domain: req.domain,
      address: req.address,
      mechanism: req.mechanism,
      identity: req.identity,
    };
    if (req.mechanism === "PLAIN") {
      info.username = utf8.decode(req.credentials[0] ?? new Uint8Array(0));
      info.password = utf8.decode(req.credentials[1] ?? new Uint8Array(0));
    } else if (req.mechanism === "CURVE" && req.credentials[0]?.length === 32) {
      info.publicKey = z85Encode(req.credentials[0]);
    }
    if (this.#handler) return verdictFrames(id, await this.#handler(info));
    switch (req.mechanism) {
      case "NULL":
        return zapReplyFrames(id, "200", "OK", "");
      case "PLAIN": {
        const want = this.#users.get(info.username!);
        const got = req.credentials[1] ?? new Uint8Array(0);
        if (!this.#plainSet || want === undefined || !sameBytes(want, got)) {
          return deny("invalid username or password");
        }
        return zapReplyFrames(id, "200", "OK", info.username!);
      }
      case "CURVE": {
        const key = info.publicKey;
        if (key === undefined || !(this.#anyKey || this.#keys.has(key))) {
          return deny("public key not allowed");
        }
        return zapReplyFrames(id, "200", "OK", key);
      }
      default:
        return deny("unknown mechanism");
    }
  }
}

function verdictFrames(id: string, v: ZapVerdict): Uint8Array[] {
  if (v === true) return zapReplyFrames(id, "200", "OK", "");
  if (v === false || v === null || typeof v !== "object") {
    return zapReplyFrames(id, "400", "refused", "");
  }
  const status = String(v.status ?? 200);
  const meta: [string, Uint8Array][] = Object.entries(v.metadata ?? {}).map((
    [k, x],
  ) => [k, typeof x === "string" ? encoder.encode(x) : x]);
  return zapReplyFrames(
    id,
    status,
    v.text ?? (status === "200" ? "OK" : "refused"),
    v.userId ?? "",
    meta,
  );
}
