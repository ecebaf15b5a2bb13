/**
 * The idiomatic face's `Socket` (docs/api.md §2): promise-based `send`/`receive` of whole
 * messages (arrays of parts), `trySend`/`tryReceive`, subscriptions, async iteration
 * and one typed accessor per socket option. A shell over lib/core/socket.ts's SocketCore;
 * option tables and value conversion are in options.ts.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { getErrno, XsError } from "../errors.ts";
import type { SocketCore } from "../core/mod.ts";
import {
  OPTION_IDS,
  type OptionKey,
  optionValue,
  timeoutOf,
  toBytes,
  toMessage,
  WIRE_MODES,
  type WireMode,
} from "./options.ts";

/** One part of a message on send: bytes, or a string sent as UTF-8. */
export type Part = Uint8Array | ArrayBuffer | string;

/** Options of `send` and `receive`. */
export interface WaitOptions {
  /** Cancels the wait; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Milliseconds to wait before rejecting with `XsError` code `EAGAIN`; 0 = do not
   * wait, negative = no limit. Default: the socket's `sndtimeo` / `rcvtimeo`.
   */
  timeout?: number;
}

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
  readonly #core: SocketCore;
  #closed = false;

  /**
   * Not for users: sockets come from `Context.socket`.
   * @param core the engine socket
   */
  constructor(core: SocketCore) {
    if (typeof core !== "object" || core === null || !("proto" in core)) {
      throw new TypeError("Use Context.socket() to make a socket");
    }
    this.#core = core;
  }

  /** The errno a call must fail with now, or 0. */
  #state(): number {
    if (this.#closed) return C.ENOTSOCK;
    if (this.#core.ctx.terminating) return C.ETERM;
    if (this.#core.closed) return C.ENOTSOCK;
    return 0;
  }

  #check(action: string): void {
    const e = this.#state();
    if (e) throw new XsError(e, action);
  }

  /** Turns an engine rejection (an errno number) into an XsError. */
  #error(e: unknown, action: string): unknown {
    if (typeof e !== "number") return e;
    if (e === C.ENOTSOCK && !this.#closed && this.#core.ctx.terminating) e = C.ETERM;
    return new XsError(e as number, action);
  }

  /** The socket type's name, e.g. "PUSH" (DEALER and ROUTER report "XREQ" and "XREP"). */
  get type(): string {
    return this.#core.info.name;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Readiness now: `XS_POLLIN` if a message can be received, `XS_POLLOUT` if one can be
   * sent (`XS_EVENTS`).
   * @throws {XsError} ENOTSOCK, ETERM
   */
  get events(): number {
    this.#check("Cannot read the events");
    const e = this.#core.events();
    if (e < 0) throw new XsError(getErrno(), "Cannot read the events");
    return e;
  }

  /** The endpoint of the last bind or connect, with a chosen port filled in. */
  get lastEndpoint(): string {
    return this.#core.lastEndpoint;
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
    return this.#endpoint(endpoint, true);
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
    return this.#endpoint(endpoint, false);
  }

  async #endpoint(endpoint: string, bind: boolean): Promise<number> {
    const action = `Cannot ${bind ? "bind to" : "connect to"} ${endpoint}`;
    if (typeof endpoint !== "string") throw new TypeError("The endpoint must be a string");
    this.#check(action);
    try {
      if (bind) return await this.#core.bindAsync(endpoint);
      const id = this.#core.connect(endpoint);
      if (id < 0) throw { errno: getErrno() };
      // A tcp/ipc connect needs the I/O worker: a worker that cannot start fails here.
      if (!endpoint.startsWith("inproc://")) await this.#core.ctx.workerUp();
      return id;
    } catch (e) {
      const f = e as { errno?: number; error?: string };
      if (typeof f?.errno !== "number") throw e;
      const err = new XsError(f.errno, action);
      if (f.error && f.errno === C.EMTHREAD) err.message = `${action}: ${f.error}`;
      throw err;
    }
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
    if (typeof id !== "number") throw new TypeError("The endpoint id must be a number");
    this.#check("Cannot shut down an endpoint");
    if (this.#core.shutdown(id) < 0) {
      throw new XsError(getErrno(), `Cannot shut down endpoint ${id}`);
    }
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
    let msg: Uint8Array[], timeout: number;
    try {
      msg = toMessage(parts);
      timeout = timeoutOf(options.timeout, this.#core.options.sndtimeo);
      this.#check("Cannot send");
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#core.sendAsync(msg, timeout, options.signal).catch((e) => {
      throw this.#error(e, `Cannot send on a ${this.type} socket`);
    });
  }

  /**
   * Receives one whole message, all its parts.
   *
   * @param options `signal`, and `timeout` in ms (default the socket's `rcvtimeo`; 0 =
   *   reject with EAGAIN at once if nothing is queued)
   * @returns the parts
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
  receive(options: WaitOptions = {}): Promise<Uint8Array[]> {
    let timeout: number;
    try {
      timeout = timeoutOf(options.timeout, this.#core.options.rcvtimeo);
      this.#check("Cannot receive");
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#core.recvAsync(timeout, options.signal).catch((e) => {
      throw this.#error(e, `Cannot receive on a ${this.type} socket`);
    });
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
    const msg = toMessage(parts);
    this.#check("Cannot send");
    if (this.#core.send(msg, C.XS_DONTWAIT) === 0) return true;
    const e = getErrno();
    if (e === C.EAGAIN) return false;
    throw this.#error(e, `Cannot send on a ${this.type} socket`);
  }

  /**
   * Receives one message if one is queued, never waiting.
   *
   * @returns the parts, or null if nothing is queued
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
  tryReceive(): Uint8Array[] | null {
    this.#check("Cannot receive");
    const r = this.#core.recv(C.XS_DONTWAIT);
    if (r) return r;
    const e = getErrno();
    if (e === C.EAGAIN) return null;
    throw this.#error(e, `Cannot receive on a ${this.type} socket`);
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
    if (this.#core.info.number === C.XS_XSUB) this.#subscription(1, prefix, "Cannot subscribe");
    else this.#setBytes(C.XS_SUBSCRIBE, prefix, "Cannot subscribe");
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
    if (this.#core.info.number === C.XS_XSUB) this.#subscription(2, prefix, "Cannot unsubscribe");
    else this.#setBytes(C.XS_UNSUBSCRIBE, prefix, "Cannot unsubscribe");
  }

  /**
   * XSUB: sends the subscription message `[u16 cmd][u16 XS_FILTER][body]` (docs/behaviour.md §4.5).
   */
  #subscription(cmd: number, v: unknown, action: string): void {
    const body = toBytes(v, "The value");
    this.#check(action);
    const filter = this.#core.options.filter;
    const msg = new Uint8Array(4 + body.length);
    msg.set([cmd >> 8, cmd & 255, (filter >> 8) & 255, filter & 255]);
    msg.set(body, 4);
    if (this.#core.send([msg], C.XS_DONTWAIT) < 0) throw new XsError(getErrno(), action);
  }

  #setBytes(id: number, v: unknown, action: string): void {
    const bytes = toBytes(v, "The value");
    this.#check(action);
    if (this.#core.setOption(id, bytes) < 0) throw new XsError(getErrno(), action);
  }

  #set(key: OptionKey, v: unknown): void {
    const [id, value] = optionValue(key, v);
    const action = `Cannot set ${key}`;
    this.#check(action);
    if (this.#core.setOption(id, value) < 0) throw new XsError(getErrno(), action);
  }

  #get(key: OptionKey): number | bigint | Uint8Array {
    const action = `Cannot read ${key}`;
    this.#check(action);
    const v = this.#core.getOption(OPTION_IDS[key][0]);
    if (v === null) throw new XsError(getErrno(), action);
    return v;
  }

  /** Wire dialect of later tcp/ipc endpoints (extension `XS_WIRE_MODE`, docs/wire.md §4.4). */
  get wire(): WireMode {
    return WIRE_MODES[this.#get("wire") as number];
  }
  set wire(v: WireMode) {
    this.#set("wire", v);
  }
  /** Outbound queue limit per peer, in messages; 0 = none (`XS_SNDHWM`). */
  get sndhwm(): number {
    return this.#get("sndhwm") as number;
  }
  set sndhwm(v: number) {
    this.#set("sndhwm", v);
  }
  /** Inbound queue limit per peer, in messages; 0 = none (`XS_RCVHWM`). */
  get rcvhwm(): number {
    return this.#get("rcvhwm") as number;
  }
  set rcvhwm(v: number) {
    this.#set("rcvhwm", v);
  }
  /** ms to keep flushing queued messages after close; negative = forever (`XS_LINGER`). */
  get linger(): number {
    return this.#get("linger") as number;
  }
  set linger(v: number) {
    this.#set("linger", v);
  }
  /** Socket identity, 1–255 bytes not starting with 0; empty if unset (`XS_IDENTITY`). */
  get identity(): Uint8Array {
    return this.#get("identity") as Uint8Array;
  }
  set identity(v: Uint8Array | string) {
    this.#set("identity", v);
  }
  /** Reconnect delay in ms (`XS_RECONNECT_IVL`). */
  get reconnectIvl(): number {
    return this.#get("reconnectIvl") as number;
  }
  set reconnectIvl(v: number) {
    this.#set("reconnectIvl", v);
  }
  /** Reconnect back-off cap in ms; used if above `reconnectIvl` (`XS_RECONNECT_IVL_MAX`). */
  get reconnectIvlMax(): number {
    return this.#get("reconnectIvlMax") as number;
  }
  set reconnectIvlMax(v: number) {
    this.#set("reconnectIvlMax", v);
  }
  /**
   * Inbound part size limit in bytes, -1 = none (`XS_MAXMSGSIZE`): a number when it
   * fits a safe integer, else a bigint.
   */
  get maxmsgsize(): number | bigint {
    const v = this.#get("maxmsgsize") as bigint;
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v;
  }
  set maxmsgsize(v: number | bigint) {
    this.#set("maxmsgsize", v);
  }
  /** Default receive timeout in ms; -1 = none (`XS_RCVTIMEO`). */
  get rcvtimeo(): number {
    return this.#get("rcvtimeo") as number;
  }
  set rcvtimeo(v: number) {
    this.#set("rcvtimeo", v);
  }
  /** Default send timeout in ms; -1 = none (`XS_SNDTIMEO`). */
  get sndtimeo(): number {
    return this.#get("sndtimeo") as number;
  }
  set sndtimeo(v: number) {
    this.#set("sndtimeo", v);
  }
  /** SURVEYOR deadline in ms (`XS_SURVEY_TIMEOUT`); ENOTSUP on other types. */
  get surveyTimeout(): number {
    return this.#get("surveyTimeout") as number;
  }
  set surveyTimeout(v: number) {
    this.#set("surveyTimeout", v);
  }
  /** Listen backlog of tcp/ipc binds (`XS_BACKLOG`). */
  get backlog(): number {
    return this.#get("backlog") as number;
  }
  set backlog(v: number) {
    this.#set("backlog", v);
  }
  /** I/O thread bitmask for new connections (`XS_AFFINITY`). */
  get affinity(): bigint {
    return this.#get("affinity") as bigint;
  }
  set affinity(v: number | bigint) {
    this.#set("affinity", v);
  }
  /** Multicast rate in kbit/s (`XS_RATE`). */
  get rate(): number {
    return this.#get("rate") as number;
  }
  set rate(v: number) {
    this.#set("rate", v);
  }
  /** Multicast recovery interval in ms (`XS_RECOVERY_IVL`). */
  get recoveryIvl(): number {
    return this.#get("recoveryIvl") as number;
  }
  set recoveryIvl(v: number) {
    this.#set("recoveryIvl", v);
  }
  /** OS send buffer size, 0 = OS default (`XS_SNDBUF`). */
  get sndbuf(): number {
    return this.#get("sndbuf") as number;
  }
  set sndbuf(v: number) {
    this.#set("sndbuf", v);
  }
  /** OS receive buffer size, 0 = OS default (`XS_RCVBUF`). */
  get rcvbuf(): number {
    return this.#get("rcvbuf") as number;
  }
  set rcvbuf(v: number) {
    this.#set("rcvbuf", v);
  }
  /** Multicast TTL (`XS_MULTICAST_HOPS`). */
  get multicastHops(): number {
    return this.#get("multicastHops") as number;
  }
  set multicastHops(v: number) {
    this.#set("multicastHops", v);
  }
  /** tcp: IPv4 only; false = dual-stack IPv6 (`XS_IPV4ONLY`). */
  get ipv4only(): boolean {
    return this.#get("ipv4only") === 1;
  }
  set ipv4only(v: boolean) {
    this.#set("ipv4only", v);
  }
  /** tcp: SO_KEEPALIVE (`XS_KEEPALIVE`). */
  get keepalive(): boolean {
    return this.#get("keepalive") === 1;
  }
  set keepalive(v: boolean) {
    this.#set("keepalive", v);
  }
  /** 1 = 0MQ/2.1-compatible PUB/SUB wire (`XS_PROTOCOL`). */
  get protocol(): number {
    return this.#get("protocol") as number;
  }
  set protocol(v: number) {
    this.#set("protocol", v);
  }
  /** Filter id used by later subscriptions (`XS_FILTER`). */
  get filter(): number {
    return this.#get("filter") as number;
  }
  set filter(v: number) {
    this.#set("filter", v);
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
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#core.closed) this.#core.close();
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
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array[], void, undefined> {
    for (;;) {
      let msg: Uint8Array[];
      try {
        msg = await this.receive();
      } catch (e) {
        if (e instanceof XsError && (e.errno === C.ENOTSOCK || e.errno === C.ETERM)) return;
        throw e;
      }
      yield msg;
    }
  }
}
