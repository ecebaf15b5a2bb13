/**
 * ws:// connects served on the API thread with the platform's standard `WebSocket`: how a
 * page (a browser has no I/O worker to give a tcp stream to) and a context made with
 * `webSocket: "thread"` reach a ZeroMQ WebSocket endpoint (ZWS 2.0, ZeroMQ RFC 45). Each
 * connection is a {@linkcode WsPipe}; a lost one is dialled again after `reconnectIvl`
 * (doubling up to `reconnectIvlMax`, as tcp does), until the endpoint is shut down.
 *
 * The subprotocol offered is bare `ZWS2.0` (routing ids first): a standard WebSocket cannot
 * offer `ZWS2.0/NULL`, since `/` is not allowed in a subprotocol name (RFC 6455 §4.1).
 * Unlike a worker-served connect, messages do not queue before the first connection: the
 * pipe exists while its WebSocket does.
 *
 * Runs on: API thread.
 */
import { WsPipe, type WsPipeOwner } from "./ws_pipe.ts";

/** The standard WebSocket constructor, as this file uses it. */
type WebSocketClass = new (url: string, protocols: string[]) => {
  binaryType: string;
  readonly protocol: string;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  readonly bufferedAmount: number;
  addEventListener(type: string, fn: (ev: { data?: unknown }) => void): void;
};

/** True where a standard `WebSocket` exists (browsers, Deno, Bun, Node ≥ 22). */
export function hasStandardWebSocket(): boolean {
  return typeof (globalThis as { WebSocket?: unknown }).WebSocket === "function";
}

/** One ws:// endpoint connected from this thread. */
export class WsDialer {
  readonly #url: string;
  readonly #owner: () => WsPipeOwner;
  readonly #newId: () => number;
  readonly #ivl: number;
  readonly #ivlMax: number;
  #next: number;
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pipe: WsPipe | null = null;
  /** The WebSocket of the current dial and a promise of its "close" event, if it is open. */
  #ws: { close(code?: number): void } | null = null;
  #wsClosed: Promise<void> | null = null;

  /**
   * @param url the endpoint, as given to connect
   * @param owner the socket's side of each new pipe (SocketCore.wsPipeOwner)
   * @param newId a fresh pipe id
   * @param reconnectIvl XS_RECONNECT_IVL, ms
   * @param reconnectIvlMax XS_RECONNECT_IVL_MAX, ms (0: no back-off)
   */
  constructor(
    url: string,
    owner: () => WsPipeOwner,
    newId: () => number,
    reconnectIvl: number,
    reconnectIvlMax: number,
  ) {
    this.#url = url;
    this.#owner = owner;
    this.#newId = newId;
    this.#ivl = this.#next = Math.max(0, reconnectIvl);
    this.#ivlMax = reconnectIvlMax;
    this.#dial();
  }

  /**
   * Stops dialling and closes the connection, if any (a dial still connecting is abandoned).
   * @returns settles when that WebSocket has fired "close" (at once when there is none): a
   * context's `term` waits for it, so no WebSocket outlives its context.
   */
  stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const closed = this.#wsClosed ?? Promise.resolve();
    if (this.#pipe) this.#pipe.close();
    else this.#ws?.close(1000);
    this.#pipe = null;
    return closed;
  }

  #dial(): void {
    if (this.#stopped) return;
    const WS = (globalThis as unknown as { WebSocket: WebSocketClass }).WebSocket;
    let ws: InstanceType<WebSocketClass>;
    try {
      ws = new WS(this.#url, ["ZWS2.0"]);
    } catch {
      return this.#retry();
    }
    ws.binaryType = "arraybuffer";
    this.#ws = ws;
    let wsClosed!: () => void;
    this.#wsClosed = new Promise<void>((res) => wsClosed = res);
    let pipe: WsPipe | null = null;
    ws.addEventListener("open", () => {
      if (this.#stopped) return ws.close(1000);
      this.#next = this.#ivl;
      pipe = this.#pipe = new WsPipe(
        this.#newId(),
        {
          send: (d) => ws.send(d),
          close: (code, reason) => ws.close(code, reason),
          buffered: () => ws.bufferedAmount,
        },
        this.#owner(),
        ws.protocol || "ZWS2.0",
      );
      pipe.open();
    });
    ws.addEventListener("message", (ev) => pipe?.message(ev.data as ArrayBuffer | string));
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      pipe?.closed();
      if (this.#pipe === pipe) this.#pipe = null;
      this.#retry();
    };
    ws.addEventListener("close", () => {
      if (this.#ws === ws) this.#ws = this.#wsClosed = null;
      wsClosed();
      end();
    });
    ws.addEventListener("error", end);
  }

  #retry(): void {
    if (this.#stopped) return;
    const wait = this.#next;
    if (this.#ivlMax > this.#ivl) this.#next = Math.min(this.#next * 2 || 1, this.#ivlMax);
    this.#timer = setTimeout(() => this.#dial(), wait);
  }
}
