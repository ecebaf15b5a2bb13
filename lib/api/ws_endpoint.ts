/**
 * `WebSocketEndpoint`: ZeroMQ over WebSocket (ZWS 2.0, ZeroMQ RFC 45) mounted in the
 * application's own HTTP server, so one port serves the app and ZeroMQ peers (browsers,
 * libzmq's `ws://` clients): `Bun.serve` (its `fetch` upgrade and `websocket` handlers) or
 * `Deno.serve` (`Deno.upgradeWebSocket`, or any standard `WebSocket`). Each WebSocket
 * becomes one more peer of the socket, served on this thread (lib/transports/ws_pipe.ts),
 * as an accepted tcp connection would be. No security mechanism is served here: the
 * subprotocols are `ZWS2.0/NULL` and bare `ZWS2.0` (what a browser can offer); a request
 * offering neither gets 400 (lib/transports/ws.ts serves `ws://` binds of its own).
 *
 * Runs on: API thread.
 */
import { stateOf } from "./socket_state.ts";
import type { Socket } from "./socket.ts";
import type { SocketCore } from "../core/mod.ts";
import { type MessageSocket, WsPipe } from "../transports/ws_pipe.ts";

/**
 * The subprotocols served, preferred first: `ZWS2.0/NULL` (READY with the socket type) and
 * bare `ZWS2.0` (routing ids first), the one browsers can offer.
 */
const PROTOCOLS = ["ZWS2.0/NULL", "ZWS2.0"] as const;

/** What `WebSocketEndpoint.upgrade` needs of a `Bun.serve` server. */
export interface BunServerLike {
  /** Bun's `server.upgrade`: true once the request was upgraded. */
  upgrade(
    req: Request,
    options: { headers?: Record<string, string>; data?: unknown },
  ): boolean;
}

/** A `Bun.serve` WebSocket as its handlers see it. */
export interface BunWebSocketLike {
  /** The `data` given to `server.upgrade` (holds this endpoint's pipe). */
  data: unknown;
  /** Sends a binary message. */
  send(data: Uint8Array): number;
  /** Closes the WebSocket. */
  close(code?: number, reason?: string): void;
  /** Bytes queued and not yet written. */
  getBufferedAmount?(): number;
}

/** A standard (WHATWG) WebSocket: Deno's, a browser's. */
export interface StandardWebSocketLike {
  /** Set to "arraybuffer" by `accept`. */
  binaryType: string;
  /** Bytes queued and not yet written. */
  readonly bufferedAmount: number;
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Sends a binary message. */
  send(data: Uint8Array): void;
  /** Closes the WebSocket. */
  close(code?: number, reason?: string): void;
  /** `open`, `message`, `close` and `error` are listened to. */
  addEventListener(type: string, fn: (ev: { data?: unknown }) => void): void;
}

/** `Bun.serve`'s `websocket` handlers, as `WebSocketEndpoint.websocket` gives them. */
export interface BunHandlers {
  /** A WebSocket `upgrade` made is open: our first message goes. */
  open(ws: BunWebSocketLike): void;
  /** A message arrived. */
  message(ws: BunWebSocketLike, data: string | Uint8Array): void;
  /** The WebSocket closed. */
  close(ws: BunWebSocketLike): void;
}

/** The keys under which a Bun WebSocket's `data` holds its pipe and its endpoint. */
const PIPE = Symbol("zws pipe");
const ENDPOINT = Symbol("zws endpoint");

/**
 * Serves ZeroMQ peers over the WebSockets of the application's HTTP server, for one socket.
 *
 * @example Bun.serve
 * ```ts ignore
 * const pub = ctx.socket("PUB");
 * const zmq = new WebSocketEndpoint(pub, { path: "/zmq" });
 * Bun.serve({
 *   fetch: (req, server) => zmq.matches(req) ? zmq.upgrade(req, server) : app(req),
 *   websocket: zmq.websocket,
 * });
 * ```
 *
 * @example Deno.serve
 * ```ts ignore
 * Deno.serve((req) => zmq.matches(req) ? zmq.upgradeWith(req, Deno.upgradeWebSocket) : app(req));
 * ```
 */
export class WebSocketEndpoint {
  readonly #core: SocketCore;
  readonly #path: string;
  readonly #pipes = new Set<WsPipe>();

  /**
   * Makes an endpoint of `socket` for WebSockets the application's server upgrades.
   *
   * @param socket the socket the WebSockets' peers join
   * @param options `path`: the HTTP path this endpoint answers (default "/")
   */
  constructor(socket: Socket, options: { path?: string } = {}) {
    const st = stateOf(socket);
    if (!st) throw new TypeError("WebSocketEndpoint takes a Socket of this library");
    this.#core = st.core;
    this.#path = options.path ?? "/";
  }

  /** True if `req` is a WebSocket upgrade for this endpoint's path. */
  matches(req: Request): boolean {
    return new URL(req.url).pathname === this.#path &&
      (req.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
  }

  /** The subprotocol to answer `req` with, or null if it offers none we speak. */
  protocol(req: Request): string | null {
    const offered = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) =>
      p.trim()
    );
    return PROTOCOLS.find((p) => offered.includes(p)) ?? null;
  }

  /**
   * `Bun.serve`: upgrades `req` (answering the chosen subprotocol explicitly: Bun would
   * otherwise echo every requested one). Returns undefined when upgraded (Bun's convention),
   * else a 400 response saying why.
   */
  upgrade(req: Request, server: BunServerLike): Response | undefined {
    const protocol = this.protocol(req);
    if (protocol === null) return refusal();
    const ok = server.upgrade(req, {
      headers: { "Sec-WebSocket-Protocol": protocol },
      data: { [PIPE]: null, protocol, [ENDPOINT]: this },
    });
    return ok ? undefined : new Response("WebSocket upgrade failed", { status: 400 });
  }

  /**
   * `Bun.serve`'s `websocket` handlers for the WebSockets `upgrade` made (use the object
   * as it is, or call its functions from handlers of your own). A server has one set of
   * handlers: any endpoint's serve the WebSockets of every endpoint mounted in it.
   */
  readonly websocket: BunHandlers = {
    open: (ws) => {
      const data = ws.data as { protocol?: string; [ENDPOINT]?: WebSocketEndpoint };
      // Any endpoint's handlers serve every endpoint of the server: `upgrade` noted whose.
      const ep = data?.[ENDPOINT] ?? this;
      const pipe = ep.#serve(data?.protocol ?? PROTOCOLS[0], {
        send: (d) => void ws.send(d),
        close: (code, reason) => ws.close(code, reason),
        buffered: () => ws.getBufferedAmount?.() ?? 0,
      });
      (ws.data as Record<symbol, unknown>)[PIPE] = pipe;
      pipe.open();
    },
    message: (ws, data) => pipeOf(ws)?.message(data),
    close: (ws) => pipeOf(ws)?.closed(),
  };

  /**
   * `Deno.serve` (or any server with a `Deno.upgradeWebSocket`-like function): upgrades
   * `req` with `upgradeWebSocket`, answering the subprotocol `protocol(req)` chooses, and
   * serves the WebSocket.
   * Returns the response to give back (400 if `req` offers no subprotocol we speak).
   */
  upgradeWith(
    req: Request,
    upgradeWebSocket: (
      req: Request,
      options: { protocol: string },
    ) => { socket: StandardWebSocketLike; response: Response },
  ): Response {
    const protocol = this.protocol(req);
    if (protocol === null) return refusal();
    const { socket, response } = upgradeWebSocket(req, { protocol });
    this.accept(socket, protocol);
    return response;
  }

  /**
   * Serves a standard WebSocket upgraded with the subprotocol `protocol` (the one
   * `protocol(req)` gave).
   */
  accept(ws: StandardWebSocketLike, protocol: string): void {
    ws.binaryType = "arraybuffer";
    const pipe = this.#serve(protocol, {
      send: (d) => ws.send(d),
      close: (code, reason) => ws.close(code, reason),
      buffered: () => ws.bufferedAmount,
    });
    const start = () => pipe.open();
    if (ws.readyState === 1) start();
    else ws.addEventListener("open", start);
    ws.addEventListener("message", (ev) => pipe.message(ev.data as ArrayBuffer | string));
    ws.addEventListener("close", () => pipe.closed());
    ws.addEventListener("error", () => pipe.closed());
  }

  /** How many WebSocket peers are connected now. */
  get peers(): number {
    return this.#pipes.size;
  }

  /** Closes every WebSocket of this endpoint. */
  close(): void {
    for (const p of [...this.#pipes]) p.close();
  }

  #serve(protocol: string, ws: MessageSocket): WsPipe {
    const core = this.#core;
    const owner = core.wsPipeOwner((p) => this.#pipes.delete(p));
    const pipe = new WsPipe(core.ctx.newPipeId(), ws, owner, protocol);
    this.#pipes.add(pipe);
    return pipe;
  }
}

function pipeOf(ws: BunWebSocketLike): WsPipe | null {
  return ((ws.data as Record<symbol, unknown>)?.[PIPE] as WsPipe | null) ?? null;
}

function refusal(): Response {
  return new Response(
    `a ZeroMQ WebSocket endpoint: offer the subprotocol ${PROTOCOLS.join(" or ")}`,
    {
      status: 400,
    },
  );
}
