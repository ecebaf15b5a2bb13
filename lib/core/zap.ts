/**
 * ZapClient: the API thread's side of ZAP (ZeroMQ RFC 27), as libzmq has it: a server
 * handshake in the I/O worker asks (a `zap` event, lib/io/loop.ts); this forwards the
 * request to whatever socket the application bound at `inproc://zeromq.zap.01` in this
 * context (an `Authenticator`, lib/api/authenticator.ts, or a REP/ROUTER of its own),
 * through an internal DEALER, and hands the reply back to the worker (a `zap` command).
 *
 * - No handler bound: the answer is status "" at once (NULL and CURVE then accept, PLAIN
 *   refuses: docs/security.md).
 * - Request ids are this context's own counter (libzmq always sends "1"; a handler echoes
 *   whatever it gets), so replies are matched to their request.
 * - A reply that breaks RFC 27 (lib/security/zap.ts `parseZapReply`) answers "500"; one
 *   for no known request is dropped. A handler that never answers leaves the connection to
 *   its handshake timeout (XS_HANDSHAKE_IVL).
 * - The handler runs on this thread: the application must let it run. Its replies are
 *   taken by every service round, including a blocking C-face call's (the context's
 *   `process` hook), but a handler written as C-face calls only answers when the program
 *   calls it, so it cannot sit in the same thread as a blocking receive on the server.
 * - A handler that closes with requests in flight: they are answered "500".
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import type { ToApi, ToWorker } from "../pipe/mod.ts";
import {
  type MechanismName,
  parseZapReply,
  ZAP_ENDPOINT,
  zapRequestFrames,
} from "../security/mod.ts";
import type { SocketCore } from "./socket.ts";
import type { Watched } from "./waiting.ts";

/** The inproc name handlers bind. */
export const ZAP_NAME = ZAP_ENDPOINT.slice("inproc://".length);

/** What the client needs of its context. */
export interface ZapHost {
  /** True if a handler is bound at `inproc://zeromq.zap.01`. */
  handlerBound(): boolean;
  /** A fresh internal DEALER connected to the handler (not counted among the sockets). */
  dealer(): SocketCore | null;
  /** Re-try this client when the handler replies. */
  watch(w: Watched): void;
  /** Sends the answer to the worker. */
  post(cmd: ToWorker): void;
}

/** The context's ZAP requests in flight. */
export class ZapClient implements Watched {
  readonly #host: ZapHost;
  #dealer: SocketCore | null = null;
  /** Request id → the worker's request number. */
  readonly #waiting = new Map<string, number>();
  #next = 1;

  constructor(host: ZapHost) {
    this.#host = host;
  }

  /** A `zap` event from the worker: forward it, or answer "" if there is no handler. */
  ask(e: Extract<ToApi, { t: "zap" }>): void {
    if (!this.#host.handlerBound()) return this.#answer(e.zap, "", "no ZAP handler", "");
    if (this.#dealer !== null && this.#dealer.pipes.size === 0) {
      // The handler it was connected to went away (a new one may be bound since).
      this.#dealer.close();
      this.#dealer = null;
    }
    if (this.#dealer === null) this.#dealer = this.#host.dealer();
    const d = this.#dealer;
    if (d === null) return this.#answer(e.zap, "", "no ZAP handler", "");
    const requestId = String(this.#next++);
    const frames = zapRequestFrames({
      requestId,
      domain: e.domain,
      address: e.address,
      identity: new Uint8Array(e.identity),
      request: {
        mechanism: e.mechanism as MechanismName,
        credentials: e.credentials.map((c) => new Uint8Array(c)),
      },
    });
    if (d.send([new Uint8Array(0), ...frames], C.XS_DONTWAIT) < 0) {
      return this.#answer(e.zap, "500", "the ZAP handler's queue is full", "");
    }
    this.#waiting.set(requestId, e.zap);
    this.#host.watch(this);
  }

  /**
   * The handler closed: requests in flight will not be answered by it. They fail with
   * "500" (never "" = no handler, which would let a CURVE client in unchecked).
   */
  reset(): void {
    this.#dealer?.close();
    this.#dealer = null;
    for (const zap of this.#waiting.values()) {
      this.#answer(zap, "500", "the ZAP handler closed before answering", "");
    }
    this.#waiting.clear();
  }

  // Watched
  get hasPending(): boolean {
    return this.#waiting.size > 0;
  }

  canSend(): boolean {
    return false;
  }

  canRecv(): boolean {
    return this.#dealer?.canRecv() ?? false;
  }

  service(): void {
    const d = this.#dealer;
    if (d === null || this.#waiting.size === 0) return;
    for (;;) {
      const msg = d.recv(C.XS_DONTWAIT);
      if (msg === null) break;
      // [empty delimiter, version, request id, status, text, user id, metadata]
      if (msg.length < 2 || msg[0]!.length !== 0) continue;
      const frames = msg.slice(1);
      const requestId = new TextDecoder().decode(frames[1] ?? new Uint8Array(0));
      const zap = this.#waiting.get(requestId);
      if (zap === undefined) continue;
      this.#waiting.delete(requestId);
      const a = parseZapReply(frames, requestId);
      if (typeof a === "string") this.#answer(zap, "500", `malformed ZAP reply: ${a}`, "");
      else this.#answer(zap, a.status, a.text, a.userId, a.metadata);
    }
  }

  #answer(
    zap: number,
    status: string,
    text: string,
    userId: string,
    metadata?: Map<string, Uint8Array>,
  ): void {
    this.#host.post({
      t: "zap",
      zap,
      status,
      text,
      userId,
      metadata: metadata ? [...metadata].map(([k, v]) => [k, Array.from(v)]) : [],
    });
  }
}
