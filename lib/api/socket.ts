/**
 * The idiomatic face's `Socket` (docs/api.md §2): the public class, its documentation
 * and one typed accessor per socket option. Its members are thin: endpoints are in
 * endpoints.ts, `send`/`receive`/`trySend`/`tryReceive` and async iteration in
 * messages.ts, subscriptions in subscriptions.ts, and every accessor reads and writes
 * through socket_state.ts by the option table (options.ts, lib/options.ts). A shell
 * over lib/core/socket.ts's SocketCore.
 *
 * Runs on: API thread.
 */
import type { SocketCore } from "../core/mod.ts";
import type { SocketTypeName } from "./socket_types.ts";
import { attach, type ConnectOptions, detach, end } from "./endpoints.ts";
import {
  eachMessage,
  type Message,
  type Part,
  receive,
  send,
  tryReceive,
  trySend,
  type WaitOptions,
} from "./messages.ts";
import { XS_POLLIN, XS_POLLOUT } from "../constants.ts";
import { SocketEvents } from "./socket_events.ts";
import { SocketOptionAccessors } from "./socket_options.ts";
import { SocketState } from "./socket_state.ts";
import { waitFor } from "./readiness.ts";
import { getOption, setOption, type SocketOptionValue } from "./generic_options.ts";
import { subscription } from "./subscriptions.ts";

/**
 * A Crossroads socket. Made by `Context.socket`; use `send`/`receive` (promises),
 * `trySend`/`tryReceive` (never wait) or `for await` over it.
 *
 * `T` is the socket type's name when `Context.socket` was given one: the type checker then
 * refuses what that type cannot do (`receive` on a PUSH or PUB, `send` on a PULL or SUB,
 * `subscribe` except on SUB and XSUB), as the engine would at run time (ENOTSUP, EINVAL).
 * A plain `Socket` (any type) allows every call and leaves the check to run time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Context } from "@crossroads/xs";
 * await using ctx = new Context();
 * using a = ctx.socket("PAIR");
 * using b = ctx.socket("PAIR");
 * await a.bind("inproc://socket-example");
 * await b.connect("inproc://socket-example");
 * await a.send(["key", "value"]);
 * const [key, value] = await b.receive({ timeout: 1000 });
 * assert.equal(new TextDecoder().decode(value), "value");
 * ```
 */
export class Socket<T extends SocketTypeName = SocketTypeName> extends SocketOptionAccessors {
  readonly #s: SocketState;

  /**
   * Not for users: sockets come from `Context.socket`.
   * @param core the engine socket
   * @param name the type's name as the user gave it, upper case
   */
  constructor(core: SocketCore, name?: T) {
    if (typeof core !== "object" || core === null || !("proto" in core)) {
      throw new TypeError("Use Context.socket() to make a socket");
    }
    super();
    this.#s = new SocketState(core, this, name);
  }

  /**
   * The socket type's name as it was made: "PUSH", "DEALER", "ROUTER" (or "XREQ", "XREP",
   * the Crossroads names of the same types, when made with those).
   */
  get type(): T {
    return this.#s.type as T;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#s.closed;
  }

  /**
   * What the socket's connections do, as an async iterable of typed events (zeromq.js's
   * names: `listening`, `accept`, `connect`, `connect:retry`, `handshake`, `disconnect`,
   * ...; see `SocketEvent`), ending with `end` when the socket closes. The same object on
   * every read; reporting starts at the first read, so read it before `bind`/`connect`.
   * (The readiness bitmask of `XS_EVENTS` is `readable`/`writable` here.)
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * const pull = ctx.socket("PULL");
   * const events = pull.events;
   * await pull.bind("tcp://127.0.0.1:*");
   * pull.close();
   * for await (const ev of events) console.log(ev.type, ev.address); // listening, end
   * ```
   */
  get events(): SocketEvents {
    if (this.#events === null) {
      const ev = new SocketEvents(() => this.#s.core.watch(null, null));
      this.#events = ev;
      if (this.#s.closed || this.#s.core.closed) ev.end();
      else this.#s.core.watch((e) => ev.push(e), () => ev.end());
    }
    return this.#events;
  }
  #events: SocketEvents | null = null;

  /**
   * True if a message can be received now without waiting (`XS_POLLIN` of `XS_EVENTS`).
   * @throws {XsError} ENOTSOCK, ETERM
   */
  get readable(): boolean {
    return (this.#s.events() & XS_POLLIN) !== 0;
  }

  /**
   * True if a message can be sent now without waiting (`XS_POLLOUT` of `XS_EVENTS`).
   * @throws {XsError} ENOTSOCK, ETERM
   */
  get writable(): boolean {
    return (this.#s.events() & XS_POLLOUT) !== 0;
  }

  /**
   * Waits until a message can be received without waiting (`readable`), without taking it.
   * Woken by the I/O worker's wake-ups and inproc activity, like `receive`; no timer runs
   * but the one of `timeout`.
   *
   * @param options `signal`, and `timeout` in ms (default the socket's `rcvtimeo`; 0 =
   *   check once; negative = no limit)
   * @returns true once readable, false if `timeout` passed first
   * @throws {XsError} ENOTSUP (a type that never receives), ENOTSOCK (closed, also while
   *   waiting), ETERM; the signal's reason when it aborts
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using pull = ctx.socket("PULL");
   * using push = ctx.socket("PUSH");
   * await pull.bind("inproc://wait-readable-example");
   * await push.connect("inproc://wait-readable-example");
   * assert.equal(await pull.waitReadable({ timeout: 10 }), false);
   * setTimeout(() => push.send("late"), 10);
   * assert.equal(await pull.waitReadable({ timeout: 1000 }), true);
   * assert.notEqual(pull.tryReceive(), null);
   * ```
   */
  waitReadable(this: Receiving<T>, options: WaitOptions = {}): Promise<boolean> {
    return waitFor((this as Socket).#s, XS_POLLIN, options);
  }

  /**
   * Waits until a message can be sent without waiting (`writable`): a peer is there with
   * room below its high-water mark.
   *
   * @param options `signal`, and `timeout` in ms (default the socket's `sndtimeo`; 0 =
   *   check once; negative = no limit)
   * @returns true once writable, false if `timeout` passed first
   * @throws {XsError} ENOTSUP (a type that never sends), ENOTSOCK (closed, also while
   *   waiting), ETERM; the signal's reason when it aborts
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using push = ctx.socket("PUSH");
   * using pull = ctx.socket("PULL");
   * await push.bind("inproc://wait-writable-example");
   * assert.equal(await push.waitWritable({ timeout: 0 }), false); // no peer yet
   * await pull.connect("inproc://wait-writable-example");
   * assert.equal(await push.waitWritable({ timeout: 1000 }), true);
   * ```
   */
  waitWritable(this: Sending<T>, options: WaitOptions = {}): Promise<boolean> {
    return waitFor((this as Socket).#s, XS_POLLOUT, options);
  }

  /**
   * Reads an option named by its `XS_*` number (extensions from 1001 included) or by name:
   * the idiomatic name (`"sndhwm"`), an alias (`"sendHighWaterMark"`) or the `XS_*` name
   * (`"XS_SNDHWM"`). Shown as the typed accessor shows it (booleans, wire-mode names, text,
   * Z85 keys; `XS_MECHANISM` by name); `XS_TYPE`, `XS_RCVMORE`, `XS_EVENTS` and `XS_FD` as
   * the C face's numbers. What is readable on which type is what `xs_getsockopt` allows.
   *
   * @param option an `XS_*` number or an option's name
   * @returns the value
   * @throws {TypeError} for a name no option has
   * @throws {XsError} EINVAL (an unknown or set-only number), ENOTSUP (`XS_SURVEY_TIMEOUT`
   *   except on a SURVEYOR), ENOTSOCK, ETERM
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context, XS_IPV4ONLY, XS_SNDHWM } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s = ctx.socket("PUSH", { sndhwm: 10 });
   * assert.equal(s.getOption(XS_SNDHWM), 10);
   * assert.equal(s.getOption("sendHighWaterMark"), 10);
   * assert.equal(s.getOption(XS_IPV4ONLY), true);
   * ```
   */
  getOption(option: number | string): SocketOptionValue {
    return getOption(this.#s, option);
  }

  /**
   * Sets an option named as for `getOption`, converting and checking the value exactly as
   * the typed accessor does; `XS_SUBSCRIBE` / `XS_UNSUBSCRIBE` set a SUB's filter (as
   * `xs_setsockopt`). What is settable on which type is what `xs_setsockopt` allows.
   *
   * @param option an `XS_*` number or an option's name
   * @param value the value, as the accessor takes it
   * @throws {TypeError} for a name no option has, or a value of the wrong type
   * @throws {RangeError} for a value outside the option's range
   * @throws {XsError} EINVAL (an unknown or read-only number), ENOTSUP, ENOTSOCK, ETERM
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context, XS_LINGER, XS_WIRE_MODE } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s = ctx.socket("DEALER");
   * s.setOption(XS_LINGER, 0);
   * s.setOption(XS_WIRE_MODE, "zmtp3");
   * s.setOption("routingId", "client-1");
   * assert.equal(s.linger, 0);
   * assert.equal(s.wire, "zmtp3");
   * ```
   */
  setOption(option: number | string, value: SocketOptionValue): void {
    setOption(this.#s, option, value);
  }

  /** The endpoint of the last bind or connect, with a chosen port filled in. */
  get lastEndpoint(): string {
    return this.#s.core.lastEndpoint;
  }

  /**
   * Binds to an endpoint: `inproc://name`, `ipc:///path`, `tcp://host:port` (port `*`
   * or 0 picks a free port; see `lastEndpoint`).
   *
   * @param endpoint the endpoint
   * @returns the endpoint id (0 for inproc), for `shutdown`
   * @throws {XsError} EINVAL, EPROTONOSUPPORT, EADDRINUSE, ENOTSOCK, ETERM...
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s = ctx.socket("PULL");
   * await s.bind("inproc://bind-example");
   * ```
   */
  bind(endpoint: string): Promise<number> {
    return attach(this.#s, endpoint, true);
  }

  /**
   * Connects to an endpoint; resolves without waiting for the peer (tcp/ipc reconnect
   * in the background; an inproc connect before the bind waits for it).
   *
   * @param endpoint the endpoint
   * @param options `routingId` (ROUTER only): the routing id this connect's peer gets at
   *   once, so messages to it can be sent before it has spoken (libzmq's
   *   ZMQ_CONNECT_ROUTING_ID; see also the `connectRoutingId` option)
   * @returns the endpoint id (0 for inproc), for `shutdown`
   * @throws {XsError} EINVAL (also: a routing id in use, or given to a type other than
   *   ROUTER), EPROTONOSUPPORT, ENOTSOCK, ETERM...
   * @throws {RangeError} for a routing id that is not 1–255 bytes, or starts with 0
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s = ctx.socket("PUSH");
   * await s.connect("inproc://not-bound-yet");
   * ```
   *
   * @example A ROUTER names the peer it connects to, and sends to it at once
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using server = ctx.socket("ROUTER");
   * using client = ctx.socket("ROUTER", { routerMandatory: true });
   * await server.bind("inproc://connect-routing-id-example");
   * await client.connect("inproc://connect-routing-id-example", { routingId: "server" });
   * await client.send(["server", "hello"]);
   * const [, body] = await server.receive({ timeout: 1000 });
   * assert.equal(new TextDecoder().decode(body), "hello");
   * ```
   */
  connect(endpoint: string, options?: ConnectOptions): Promise<number> {
    return attach(this.#s, endpoint, false, options);
  }

  /**
   * Stops using an endpoint returned by `bind` or `connect` (tcp/ipc only).
   *
   * @param id the endpoint id
   * @throws {XsError} ENOTSUP (id ≤ 0, inproc), EINVAL (unknown id), ENOTSOCK, ETERM
   *
   * @example
   * ```ts
   * import { Context, XsError } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s = ctx.socket("PUSH");
   * const id = await s.connect("inproc://shutdown-example");
   * try { s.shutdown(id); } catch (e) { console.log((e as XsError).code); } // ENOTSUP
   * ```
   */
  shutdown(id: number): void {
    detach(this.#s, id);
  }

  /**
   * Stops the bind to `endpoint` (libzmq's zmq_unbind, zeromq.js's name): its listener and
   * the connections it accepted end, as `shutdown` does by id. A tcp bind is named by its
   * resolved address: after a bind to a wildcard (`tcp://*:*`), by `lastEndpoint`. An inproc
   * unbind frees the name and leaves the connections made through it.
   *
   * @param endpoint the bound endpoint
   * @throws {XsError} ENOENT (not bound by this socket), EINVAL (not an endpoint string),
   *   EPROTONOSUPPORT (unknown transport), ENOTSOCK, ETERM
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s = ctx.socket("PULL");
   * await s.bind("tcp://127.0.0.1:*");
   * await s.unbind(s.lastEndpoint);
   * ```
   */
  unbind(endpoint: string): Promise<void> {
    return end(this.#s, endpoint, true);
  }

  /**
   * Ends the connects to `endpoint`, named as they were given to `connect` (libzmq's
   * zmq_disconnect, zeromq.js's name): the connection and its reconnection attempts end,
   * as `shutdown` does by id; messages queued on it follow `linger`.
   *
   * @param endpoint the connected endpoint
   * @throws {XsError} ENOENT (not connected by this socket), EINVAL (not an endpoint string),
   *   EPROTONOSUPPORT (unknown transport), ENOTSOCK, ETERM
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s = ctx.socket("PUSH");
   * await s.connect("inproc://disconnect-example");
   * await s.disconnect("inproc://disconnect-example");
   * ```
   */
  disconnect(endpoint: string): Promise<void> {
    return end(this.#s, endpoint, false);
  }

  /**
   * Sends one message: one part or an array of parts (strings as UTF-8). Resolves when
   * the message is queued; waits while the socket cannot send (high-water mark, no
   * peer). Parts are not copied here: do not modify a part after sending it (an inproc
   * peer receives that very array; tcp/ipc copy it into shared memory).
   *
   * @param parts a part or the parts of one message
   * @param options `signal`, and `timeout` in ms (default the socket's `sndtimeo`)
   * @throws {XsError} EAGAIN (timeout), ENOTSUP (type cannot send), EFSM, ETERM, ENOTSOCK
   * @throws {TypeError} for a part of the wrong type
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using pull = ctx.socket("PULL");
   * using push = ctx.socket("PUSH");
   * await pull.bind("inproc://send-example");
   * await push.connect("inproc://send-example");
   * await push.send(["a", new Uint8Array([1, 2])], { timeout: 1000 });
   * ```
   */
  send(this: Sending<T>, parts: Part | Part[], options: WaitOptions = {}): Promise<void> {
    return send((this as Socket).#s, parts, options);
  }

  /**
   * Receives one whole message, all its parts.
   *
   * @param options `signal`, and `timeout` in ms (default the socket's `rcvtimeo`; 0 =
   *   reject with EAGAIN at once if nothing is queued)
   * @returns the parts, each the receiver's own memory over an `ArrayBuffer` (never a
   *   `SharedArrayBuffer`): `new Response(part)` and `new Blob([part])` take them
   * @throws {XsError} EAGAIN (timeout), ENOTSUP (type cannot receive), EFSM, ETERM,
   *   ENOTSOCK (closed while waiting)
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context, XsError } from "@crossroads/xs";
   * await using ctx = new Context();
   * using pull = ctx.socket("PULL");
   * await pull.bind("inproc://receive-example");
   * try {
   *   await pull.receive({ timeout: 10 });
   * } catch (e) {
   *   assert.equal((e as XsError).code, "EAGAIN");
   * }
   * ```
   */
  receive(this: Receiving<T>, options: WaitOptions = {}): Promise<Message> {
    return receive((this as Socket).#s, options);
  }

  /**
   * Receives one message and gives its body, the last part, as UTF-8 text. Earlier parts
   * (a topic, a ROUTER's envelope) are not returned: use `receive` for those.
   *
   * @param options as for `receive`
   * @returns the last part, decoded (invalid UTF-8 becomes U+FFFD)
   * @throws {XsError} as `receive`
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using pull = ctx.socket("PULL");
   * using push = ctx.socket("PUSH");
   * await pull.bind("inproc://receive-text-example");
   * await push.connect("inproc://receive-text-example");
   * await push.send("héllo");
   * assert.equal(await pull.receiveText({ timeout: 1000 }), "héllo");
   * ```
   */
  async receiveText(this: Receiving<T>, options: WaitOptions = {}): Promise<string> {
    const parts = await receive((this as Socket).#s, options);
    return utf8.decode(parts[parts.length - 1]);
  }

  /**
   * Receives one message and parses its body, the last part, as JSON (what `sendJson`
   * sends). Earlier parts are not returned: use `receive` for those. A body that is not
   * JSON rejects with the parser's `SyntaxError`; that message is consumed.
   *
   * @param options as for `receive`
   * @returns the parsed value (typed as the caller says; nothing checks its shape)
   * @throws {XsError} as `receive`
   * @throws {SyntaxError} when the body is not JSON
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using pull = ctx.socket("PULL");
   * using push = ctx.socket("PUSH");
   * await pull.bind("inproc://json-example");
   * await push.connect("inproc://json-example");
   * await push.sendJson({ id: 7, tags: ["a"] });
   * const job = await pull.receiveJson<{ id: number; tags: string[] }>({ timeout: 1000 });
   * assert.equal(job.id, 7);
   * ```
   */
  async receiveJson<V = unknown>(this: Receiving<T>, options: WaitOptions = {}): Promise<V> {
    const parts = await receive((this as Socket).#s, options);
    return JSON.parse(utf8.decode(parts[parts.length - 1])) as V;
  }

  /**
   * Sends `value` as one part of JSON text (UTF-8), as `send` does.
   *
   * @param value anything `JSON.stringify` takes
   * @param options as for `send`
   * @throws {TypeError} when `value` has no JSON form (undefined, a function, a symbol) or
   *   cannot be serialised (a cycle, a bigint)
   * @throws {XsError} as `send`
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using push = ctx.socket("PUSH");
   * await push.bind("inproc://send-json-example");
   * push.sendJson({ ok: true }, { timeout: 0 }).catch(() => {}); // no peer yet: EAGAIN
   * ```
   */
  sendJson(this: Sending<T>, value: unknown, options: WaitOptions = {}): Promise<void> {
    const text = JSON.stringify(value);
    if (text === undefined) {
      throw new TypeError(`sendJson: a ${typeof value} has no JSON form`);
    }
    return send((this as Socket).#s, text, options);
  }

  /**
   * Sends one message if the socket can take it now, never waiting.
   *
   * @param parts a part or the parts of one message
   * @returns true if sent, false if the socket would have to wait
   * @throws {XsError} ENOTSUP, EFSM, ETERM, ENOTSOCK
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using push = ctx.socket("PUSH");
   * await push.bind("inproc://try-send-example");
   * assert.equal(push.trySend("x"), false); // no peer yet
   * ```
   */
  trySend(this: Sending<T>, parts: Part | Part[]): boolean {
    return trySend((this as Socket).#s, parts);
  }

  /**
   * Receives one message if one is queued, never waiting.
   *
   * @returns the parts (over ArrayBuffers, as `receive` gives them), or null if nothing is
   *   queued
   * @throws {XsError} ENOTSUP, EFSM, ETERM, ENOTSOCK
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using pull = ctx.socket("PULL");
   * assert.equal(pull.tryReceive(), null);
   * ```
   */
  tryReceive(this: Receiving<T>): Message | null {
    return tryReceive((this as Socket).#s);
  }

  /**
   * Subscribes a SUB socket to messages whose first part starts with `prefix` (empty:
   * all messages; with `filter` 2, a topic pattern). On an XSUB it sends the
   * subscription message (`[u16 1][u16 filter][prefix]`) upstream instead.
   *
   * @param prefix the prefix
   * @throws {XsError} EINVAL on a socket type without subscriptions, ETERM, ENOTSOCK
   *
   * @example
   * ```ts
   * import { Context, type Socket, XsError } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s: Socket = ctx.socket("PULL"); // a plain Socket: the check is left to run time
   * try { s.subscribe("news"); } catch (e) { console.log((e as XsError).code); } // EINVAL
   * ```
   */
  subscribe(this: Subscribing<T>, prefix: Uint8Array | string = ""): void {
    subscription((this as Socket).#s, prefix, true);
  }

  /**
   * Removes a subscription made with `subscribe`.
   *
   * @param prefix the prefix
   * @throws {XsError} EINVAL on a socket type without subscriptions, ETERM, ENOTSOCK
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s: Socket = ctx.socket("PULL");
   * try { s.unsubscribe("news"); } catch (e) { console.log(e); } // PULL has none
   * ```
   */
  unsubscribe(this: Subscribing<T>, prefix: Uint8Array | string = ""): void {
    subscription((this as Socket).#s, prefix, false);
  }

  /**
   * Closes the socket at once; pending `send`/`receive` calls reject with ENOTSOCK and
   * async iteration ends. Queued outbound messages are flushed per `linger`. Closing
   * twice does nothing.
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * const s = ctx.socket("PUSH");
   * s.close();
   * ```
   */
  close(): void {
    this.#s.close();
  }

  /** Same as `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Yields every received message until the socket is closed or its context
   * terminated; other failures (e.g. EAGAIN under `rcvtimeo`) are thrown.
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * const pull = ctx.socket("PULL");
   * setTimeout(() => pull.close(), 10);
   * for await (const parts of pull) console.log(parts);
   * ```
   */
  async *[Symbol.asyncIterator](
    this: Receiving<T>,
  ): AsyncGenerator<Message, void, undefined> {
    const s = this as Socket;
    yield* eachMessage(() => s.receive());
  }
}

const utf8 = new TextDecoder();

/** The socket types that only send. */
export type SendOnlyType = "PUSH" | "PUB";
/** The socket types that only receive. */
export type ReceiveOnlyType = "PULL" | "SUB";

/**
 * `this` of the receiving calls: the socket itself, or, for a type that only sends, a
 * type that names the reason in the checker's message.
 */
export type Receiving<T extends SocketTypeName> = [T] extends [SendOnlyType]
  ? { readonly "a socket of this type cannot receive": T }
  : Socket<T>;
/** `this` of the sending calls (see `Receiving`). */
export type Sending<T extends SocketTypeName> = [T] extends [ReceiveOnlyType]
  ? { readonly "a socket of this type cannot send": T }
  : Socket<T>;
/** `this` of `subscribe`/`unsubscribe`: SUB and XSUB only (see `Receiving`). */
export type Subscribing<T extends SocketTypeName> = [T] extends ["SUB" | "XSUB"] ? Socket<T>
  : [T] extends [Exclude<SocketTypeName, "SUB" | "XSUB">]
    ? { readonly "only SUB and XSUB sockets subscribe": T }
  : Socket<T>;
