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
import { attach, detach } from "./endpoints.ts";
import {
  eachMessage,
  type Part,
  receive,
  send,
  tryReceive,
  trySend,
  type WaitOptions,
} from "./messages.ts";
import type { WireMode } from "./options.ts";
import { SocketState } from "./socket_state.ts";
import { subscription } from "./subscriptions.ts";

/**
 * A Crossroads socket. Made by `Context.socket`; use `send`/`receive` (promises),
 * `trySend`/`tryReceive` (never wait) or `for await` over it.
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
export class Socket {
  readonly #s: SocketState;

  /**
   * Not for users: sockets come from `Context.socket`.
   * @param core the engine socket
   */
  constructor(core: SocketCore) {
    if (typeof core !== "object" || core === null || !("proto" in core)) {
      throw new TypeError("Use Context.socket() to make a socket");
    }
    this.#s = new SocketState(core, this);
  }

  /** The socket type's name, e.g. "PUSH" (DEALER and ROUTER report "XREQ" and "XREP"). */
  get type(): string {
    return this.#s.type;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#s.closed;
  }

  /**
   * Readiness now: `XS_POLLIN` if a message can be received, `XS_POLLOUT` if one can be
   * sent (`XS_EVENTS`).
   * @throws {XsError} ENOTSOCK, ETERM
   */
  get events(): number {
    return this.#s.events();
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
   * @returns the endpoint id (0 for inproc), for `shutdown`
   * @throws {XsError} EINVAL, EPROTONOSUPPORT, ENOTSOCK, ETERM...
   *
   * @example
   * ```ts
   * import { Context } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s = ctx.socket("PUSH");
   * await s.connect("inproc://not-bound-yet");
   * ```
   */
  connect(endpoint: string): Promise<number> {
    return attach(this.#s, endpoint, false);
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
  send(parts: Part | Part[], options: WaitOptions = {}): Promise<void> {
    return send(this.#s, parts, options);
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
  receive(options: WaitOptions = {}): Promise<Uint8Array<ArrayBuffer>[]> {
    return receive(this.#s, options);
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
  trySend(parts: Part | Part[]): boolean {
    return trySend(this.#s, parts);
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
  tryReceive(): Uint8Array<ArrayBuffer>[] | null {
    return tryReceive(this.#s);
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
   * import { Context, XsError } from "@crossroads/xs";
   * await using ctx = new Context();
   * using s = ctx.socket("PULL");
   * try { s.subscribe("news"); } catch (e) { console.log((e as XsError).code); } // EINVAL
   * ```
   */
  subscribe(prefix: Uint8Array | string = ""): void {
    subscription(this.#s, prefix, true);
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
   * using s = ctx.socket("PULL");
   * try { s.unsubscribe("news"); } catch (e) { console.log(e); } // PULL has none
   * ```
   */
  unsubscribe(prefix: Uint8Array | string = ""): void {
    subscription(this.#s, prefix, false);
  }

  /** Wire dialect of later tcp/ipc endpoints (extension `XS_WIRE_MODE`, docs/wire.md §4.4). */
  get wire(): WireMode {
    return this.#s.get("wire");
  }
  set wire(v: WireMode) {
    this.#s.set("wire", v);
  }
  /** Outbound queue limit per peer, in messages; 0 = none (`XS_SNDHWM`). */
  get sndhwm(): number {
    return this.#s.get("sndhwm");
  }
  set sndhwm(v: number) {
    this.#s.set("sndhwm", v);
  }
  /** Inbound queue limit per peer, in messages; 0 = none (`XS_RCVHWM`). */
  get rcvhwm(): number {
    return this.#s.get("rcvhwm");
  }
  set rcvhwm(v: number) {
    this.#s.set("rcvhwm", v);
  }
  /** ms to keep flushing queued messages after close; negative = forever (`XS_LINGER`). */
  get linger(): number {
    return this.#s.get("linger");
  }
  set linger(v: number) {
    this.#s.set("linger", v);
  }
  /** Socket identity, 1–255 bytes not starting with 0; empty if unset (`XS_IDENTITY`). */
  get identity(): Uint8Array {
    return this.#s.get("identity");
  }
  set identity(v: Uint8Array | string) {
    this.#s.set("identity", v);
  }
  /** Reconnect delay in ms (`XS_RECONNECT_IVL`). */
  get reconnectIvl(): number {
    return this.#s.get("reconnectIvl");
  }
  set reconnectIvl(v: number) {
    this.#s.set("reconnectIvl", v);
  }
  /** Reconnect back-off cap in ms; used if above `reconnectIvl` (`XS_RECONNECT_IVL_MAX`). */
  get reconnectIvlMax(): number {
    return this.#s.get("reconnectIvlMax");
  }
  set reconnectIvlMax(v: number) {
    this.#s.set("reconnectIvlMax", v);
  }
  /**
   * Inbound part size limit in bytes, -1 = none (`XS_MAXMSGSIZE`): a number when it
   * fits a safe integer, else a bigint.
   */
  get maxmsgsize(): number | bigint {
    return this.#s.get("maxmsgsize");
  }
  set maxmsgsize(v: number | bigint) {
    this.#s.set("maxmsgsize", v);
  }
  /** Default receive timeout in ms; -1 = none (`XS_RCVTIMEO`). */
  get rcvtimeo(): number {
    return this.#s.get("rcvtimeo");
  }
  set rcvtimeo(v: number) {
    this.#s.set("rcvtimeo", v);
  }
  /** Default send timeout in ms; -1 = none (`XS_SNDTIMEO`). */
  get sndtimeo(): number {
    return this.#s.get("sndtimeo");
  }
  set sndtimeo(v: number) {
    this.#s.set("sndtimeo", v);
  }
  /** SURVEYOR deadline in ms (`XS_SURVEY_TIMEOUT`); ENOTSUP on other types. */
  get surveyTimeout(): number {
    return this.#s.get("surveyTimeout");
  }
  set surveyTimeout(v: number) {
    this.#s.set("surveyTimeout", v);
  }
  /** Listen backlog of tcp/ipc binds (`XS_BACKLOG`). */
  get backlog(): number {
    return this.#s.get("backlog");
  }
  set backlog(v: number) {
    this.#s.set("backlog", v);
  }
  /** I/O thread bitmask for new connections (`XS_AFFINITY`). */
  get affinity(): bigint {
    return this.#s.get("affinity");
  }
  set affinity(v: number | bigint) {
    this.#s.set("affinity", v);
  }
  /** Multicast rate in kbit/s (`XS_RATE`). */
  get rate(): number {
    return this.#s.get("rate");
  }
  set rate(v: number) {
    this.#s.set("rate", v);
  }
  /** Multicast recovery interval in ms (`XS_RECOVERY_IVL`). */
  get recoveryIvl(): number {
    return this.#s.get("recoveryIvl");
  }
  set recoveryIvl(v: number) {
    this.#s.set("recoveryIvl", v);
  }
  /** OS send buffer size, 0 = OS default (`XS_SNDBUF`). */
  get sndbuf(): number {
    return this.#s.get("sndbuf");
  }
  set sndbuf(v: number) {
    this.#s.set("sndbuf", v);
  }
  /** OS receive buffer size, 0 = OS default (`XS_RCVBUF`). */
  get rcvbuf(): number {
    return this.#s.get("rcvbuf");
  }
  set rcvbuf(v: number) {
    this.#s.set("rcvbuf", v);
  }
  /** Multicast TTL (`XS_MULTICAST_HOPS`). */
  get multicastHops(): number {
    return this.#s.get("multicastHops");
  }
  set multicastHops(v: number) {
    this.#s.set("multicastHops", v);
  }
  /** tcp: IPv4 only; false = dual-stack IPv6 (`XS_IPV4ONLY`). */
  get ipv4only(): boolean {
    return this.#s.get("ipv4only");
  }
  set ipv4only(v: boolean) {
    this.#s.set("ipv4only", v);
  }
  /** tcp: SO_KEEPALIVE (`XS_KEEPALIVE`). */
  get keepalive(): boolean {
    return this.#s.get("keepalive");
  }
  set keepalive(v: boolean) {
    this.#s.set("keepalive", v);
  }
  /** 1 = 0MQ/2.1-compatible PUB/SUB wire (`XS_PROTOCOL`). */
  get protocol(): number {
    return this.#s.get("protocol");
  }
  set protocol(v: number) {
    this.#s.set("protocol", v);
  }
  /** Filter id used by later subscriptions (`XS_FILTER`). */
  get filter(): number {
    return this.#s.get("filter");
  }
  set filter(v: number) {
    this.#s.set("filter", v);
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
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array<ArrayBuffer>[], void, undefined> {
    yield* eachMessage(() => this.receive());
  }
}
