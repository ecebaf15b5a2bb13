/**
 * SocketCore: one Crossroads socket on the API thread — its options, endpoints, pipes
 * and socket type, and its sends and receives, blocking or not. Both faces sit on it: the
 * C face (lib/xs/api.ts) calls the blocking methods, the idiomatic face (lib/api/mod.ts)
 * the promise-returning ones. The endpoint table is endpoints.ts; how a call waits is
 * waiting.ts.
 *
 * Failure convention: methods that mirror a C call return -1 (or null) and set the
 * thread's errno (errors.ts `fail`), exactly as the C face returns them.
 *
 * Waiting: a blocking call first tries; on EAGAIN it waits (`waitWritable` /
 * `waitReadable`, the context's `waitSync`: the API doorbell, which the I/O worker rings
 * when it delivers data, frees room or reports an event) and re-tries after every wake
 * until success, another error, or its deadline. Async calls queue an operation in the
 * socket's OpQueue, which the context re-tries after each wake message or local (inproc)
 * activity. How either waits is in waiting.ts.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { fail } from "../errors.ts";
import { defaultOptions, GET_ONLY, OPTIONS, type OptionValues } from "../options.ts";
import type { Protocol, ProtocolInfo } from "../protocols/mod.ts";
import {
  contentOf,
  lastRead,
  type MonitorEvent,
  type PartHolder,
  type Pipe,
  releaseContent,
  type RingPipe,
  type SharedContent,
} from "../pipe/mod.ts";
import { type EndpointHost, Endpoints, mechanismNumber } from "./endpoints.ts";
import type { WsPipe, WsPipeOwner } from "../transports/ws_pipe.ts";
import { OpQueue, type Watched } from "./waiting.ts";

/**
 * What a socket needs of its context: ContextCore (context.ts) implements it, so the socket
 * does not import the context (no cycle in the core).
 */
export interface SocketHost extends EndpointHost {
  /** True once term has begun. */
  readonly terminating: boolean;
  /** Resolves once the worker is up; rejects with EMTHREAD if it cannot start. */
  workerUp(): Promise<void>;
  /** Acts on every worker event waiting. */
  process(): void;
  /** `process()` if events wait (one atomic load when none). */
  processIfPending(): void;
  /** Blocks until `cond()` or `deadline` (performance.now()); the C face's waiting. */
  waitSync(deadline: number, cond: () => boolean): boolean;
  /** Registers something with pending async waits (a socket's operations, a poll). */
  watch(s: Watched): void;
  /** Re-tries pending operations soon (something happened locally). */
  kick(): void;
  /** A new worker-served pipe (its shared block from the pool). */
  newRingPipe(sndhwm: number, rcvhwm: number, sock?: SocketCore): RingPipe;
  /** The socket no longer uses `pipe`. */
  pipeReleased(pipe: Pipe): void;
  /** Binds inproc name `name` for `s`: 0 or an errno. */
  inprocBind(s: SocketCore, name: string): number;
  /** Connects `s` to inproc name `name`: 0 or an errno. */
  inprocConnect(s: SocketCore, name: string): number;
  /** `s` closed; `pipes` were its pipes. */
  socketClosed(s: SocketCore, pipes: Set<Pipe>): void;
  /** A fresh pipe id (a mounted WebSocket's pipe: lib/api/ws_endpoint.ts). */
  newPipeId(): number;
}

/** What ends a socket's inproc endpoints by name (InprocNames, lib/core/inproc.ts): 0 or an errno. */
export interface InprocEnds {
  /** Frees `name` if `s` bound it, else ENOENT. */
  unbind(s: SocketCore, name: string): number;
  /** Ends every connect of `s` to `name`, else ENOENT. */
  disconnect(s: SocketCore, name: string): number;
}

/** The engine-side socket. */
export class SocketCore implements PartHolder {
  /** Unique id within the context (used in messages to the worker). */
  readonly id: number;
  readonly ctx: SocketHost;
  readonly info: ProtocolInfo;
  readonly proto: Protocol;
  readonly options: OptionValues;
  /** Value of XS_RCVMORE (maintained by the C face). */
  rcvmore = 0;
  /** The endpoint of the last successful bind or connect. */
  lastEndpoint = "";
  #closed = false;
  readonly #pipes = new Set<Pipe>();
  readonly #dying = new Set<Pipe>();
  /**
   * Parts with reference-counted content (lib/pipe/shared_content.ts) read from this
   * socket's inproc pipes and not yet handed out: one reference each, per time read.
   */
  readonly #held = new Map<Uint8Array, { c: SharedContent; n: number }>();
  /**
   * Called when the socket closes (by `close` or by term): the face lets go of what it
   * still holds (the C face: parts of a message half sent or half received).
   */
  onClose: (() => void) | null = null;
  readonly #endpoints: Endpoints;
  readonly #ops = new OpQueue({
    attempt: (kind, msg) => kind === "send" ? this.#trySend(msg!) : this.#tryRecv(),
    deadline: () => this.proto.deadline?.() ?? Infinity,
    service: () => this.service(),
    watch: () => this.ctx.watch(this),
    state: () => this.#state(),
    process: () => this.ctx.process(),
    wait: (kind, deadline, msg) =>
      kind === "send"
        ? this.waitWritable(deadline, msg?.[0], (msg?.length ?? 0) > 1)
        : this.waitReadable(deadline),
  });

  constructor(ctx: SocketHost, id: number, info: ProtocolInfo) {
    this.ctx = ctx;
    this.id = id;
    this.info = info;
    this.options = defaultOptions();
    if (info.defaults?.sndhwm !== undefined) this.options.sndhwm = info.defaults.sndhwm;
    if (info.defaults?.linger !== undefined) this.options.linger = info.defaults.linger;
    this.proto = info.create({ options: this.options });
    this.#endpoints = new Endpoints(id, info, this.options, ctx, {
      state: () => this.#state(),
      closed: () => this.#closed,
      inproc: (bind, name, routingId) => {
        if (bind) return ctx.inprocBind(this, name);
        // The connect's pipe is made inside the call; inproc.ts reads the id from here.
        this.#inprocRoutingId = routingId;
        try {
          return ctx.inprocConnect(this, name);
        } finally {
          this.#inprocRoutingId = undefined;
        }
      },
      inprocEnd: (bind, name) => {
        const t = this.inprocEnds;
        if (t === null) return C.ENOENT;
        return bind ? t.unbind(this, name) : t.disconnect(this, name);
      },
      routes: (id) => this.proto.routes?.(id) ?? false,
      wsPipeOwner: () => this.wsPipeOwner(),
      newRingPipe: (snd, rcv) => ctx.newRingPipe(snd, rcv, this),
      attach: (pipe) => {
        this.#pipes.add(pipe);
        this.proto.attach(pipe);
      },
      drop: (pipe) => this.#dropPipe(pipe),
      bound: (ep) => void (this.lastEndpoint = ep),
    });
  }

  /** True once `close` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #inprocRoutingId: Uint8Array | undefined;

  /**
   * The context's inproc name table, once this socket bound or connected an inproc endpoint
   * (lib/core/inproc.ts sets it): `xs_unbind` and `xs_disconnect` of inproc endpoints.
   */
  inprocEnds: InprocEnds | null = null;

  /**
   * The routing id (XS_CONNECT_ROUTING_ID) the inproc connect under way gives its pipe, if
   * any (lib/core/inproc.ts reads it while it makes the pipe).
   */
  get inprocRoutingId(): Uint8Array | undefined {
    return this.#inprocRoutingId;
  }

  /**
   * The socket's side of a WebSocket peer served on this thread (lib/transports/ws_pipe.ts:
   * a mounted WebSocket, or a ws:// connect of a page); `gone` hears of its end too.
   */
  wsPipeOwner(gone?: (p: WsPipe) => void): WsPipeOwner {
    const o = this.options;
    return {
      type: this.info.zmtpName,
      peers: this.info.peers,
      sendsIdentity: this.info.sendsIdentity,
      identity: o.identity,
      subscriptions: this.info.subscriptions ?? "none",
      maxmsgsize: o.maxmsgsize < 0n ? -1 : Number(o.maxmsgsize),
      sndhwm: o.sndhwm,
      ready: (p) => !this.#closed && this.attachPipe(p),
      gone: (p) => {
        gone?.(p);
        this.pipeGone(p);
      },
      activity: () => this.ctx.kick(),
    };
  }

  // ---------------------------------------------------------------- events

  #monitor: ((ev: MonitorEvent) => void) | null = null;
  #monitorEnd: (() => void) | null = null;

  /**
   * Reports what the socket's connections do to `fn` (`socket.events`, `xs_socket_monitor`),
   * and its close to `end`; null stops. The worker reports only for watched sockets: no
   * cost otherwise.
   */
  watch(fn: ((ev: MonitorEvent) => void) | null, end: (() => void) | null): void {
    this.#monitor = fn;
    this.#monitorEnd = end;
    if (!this.#closed) this.#endpoints.setMonitored(fn !== null);
  }

  /** One event of this socket (from the worker, or inproc's own on this thread). */
  monitorEvent(ev: MonitorEvent): void {
    this.#monitor?.(ev);
  }

  /** The errno every call must fail with now, or 0. */
  #state(): number {
    if (this.#closed) return C.ENOTSOCK;
    if (this.ctx.terminating) return C.ETERM;
    return 0;
  }

  // ---------------------------------------------------------------- pipes

  /** Offers a new pipe to the socket type; false if refused (the caller closes it). */
  attachPipe(pipe: Pipe): boolean {
    if (this.#closed || (this.proto.accepts && !this.proto.accepts(pipe))) return false;
    this.#pipes.add(pipe);
    this.proto.attach(pipe);
    if (this.#held.size) this.#settle();
    this.ctx.kick();
    return true;
  }

  // ---------------------------------------------------------------- shared content

  /** An inproc pipe of this socket handed out `part` (registered content): ours now. */
  hold(part: Uint8Array): void {
    const h = this.#held.get(part);
    if (h) h.n++;
    else this.#held.set(part, { c: contentOf(part)!, n: 1 });
  }

  /**
   * Releases what was read and dropped since: every held part that the socket type does
   * not keep (`Protocol.retained`). Runs after each call into the socket type that may
   * read, only while something is held (upstream closes a dropped message at once).
   */
  #settle(): void {
    const kept = new Map<Uint8Array, number>();
    for (const p of this.proto.retained?.() ?? []) {
      if (this.#held.has(p)) kept.set(p, (kept.get(p) ?? 0) + 1);
    }
    for (const [p, h] of this.#held) {
      const keep = Math.min(h.n, kept.get(p) ?? 0);
      for (let i = keep; i < h.n; i++) releaseContent(h.c);
      if (keep) h.n = keep;
      else this.#held.delete(p);
    }
  }

  /**
   * The parts of a message handed out: their references go to the caller (the C face
   * keeps them with the received message, lib/xs/io.ts).
   */
  #handOut(msg: Uint8Array[]): void {
    for (const p of msg) {
      const h = this.#held.get(p);
      if (!h) {
        // Not read by us (cannot happen today): the caller still gets a reference of its own.
        const c = contentOf(p);
        if (c) c.refs++;
      } else if (--h.n === 0) {
        this.#held.delete(p);
      }
    }
  }

  /** At close: what is held or queued for this socket is dropped, as upstream does. */
  #releaseAll(): void {
    for (const h of this.#held.values()) for (let i = 0; i < h.n; i++) releaseContent(h.c);
    this.#held.clear();
    for (const p of this.#pipes) p.closing?.();
  }

  /**
   * A connect-side pipe got (again) a connection: the socket type hears of it through
   * `Protocol.pipeUp` (SUB/XSUB resend their subscriptions: docs/wire.md §2.3,
   * docs/behaviour.md §4.6).
   */
  pipeUp(pipe: Pipe): void {
    if (this.#pipes.has(pipe)) this.proto.pipeUp?.(pipe);
    this.ctx.kick();
  }

  /** A pipe's far end is gone; detach it once its inbound messages are read. */
  pipeGone(pipe: Pipe): void {
    if (!this.#pipes.has(pipe)) return;
    if (pipe.checkRead()) {
      this.#dying.add(pipe);
    } else {
      this.#pipes.delete(pipe);
      this.proto.detach(pipe);
      this.ctx.pipeReleased(pipe);
    }
    this.ctx.kick();
  }

  #sweep(): void {
    for (const p of this.#dying) {
      if (!p.checkRead()) {
        this.#dying.delete(p);
        this.#pipes.delete(p);
        this.proto.detach(p);
        this.ctx.pipeReleased(p);
      }
    }
  }

  /** Every attached pipe (for flushing and overflow pumping). */
  get pipes(): ReadonlySet<Pipe> {
    return this.#pipes;
  }

  /** Capacities (send, receive) for a pipe of an endpoint. */
  endpointHwms(epId: number): [number, number] {
    return this.#endpoints.hwms(epId);
  }

  #dropPipe(pipe: Pipe): void {
    if (!this.#pipes.delete(pipe)) return;
    this.#dying.delete(pipe);
    this.proto.detach(pipe);
    this.ctx.pipeReleased(pipe);
  }

  /** The socket lets go of `pipe` at once, unread messages and all (an inproc disconnect). */
  dropPipe(pipe: Pipe): void {
    this.#dropPipe(pipe);
    this.ctx.kick();
  }

  // ---------------------------------------------------------------- endpoints (endpoints.ts)

  /** `xs_bind`: an endpoint id ≥ 0, or -1 with errno. Blocks until the worker answers. */
  bind(url: unknown): number {
    return this.#endpoints.bind(url);
  }

  /**
   * The idiomatic bind: never blocks the thread. Resolves with the endpoint id, or
   * rejects with `{ errno, error }` (`error`: the worker's reason, if it gave one).
   */
  bindAsync(url: unknown): Promise<number> {
    return this.#endpoints.bindAsync(url);
  }

  /** `xs_connect`: an endpoint id ≥ 0, or -1 with errno. Never waits for the peer. */
  connect(url: unknown): number {
    return this.#endpoints.connect(url);
  }

  /**
   * The idiomatic connect (as `bindAsync`): resolves with the id, or rejects. `routingId`
   * (a ROUTER's, checked by the caller) stands in for XS_CONNECT_ROUTING_ID, which it leaves
   * as it is.
   */
  connectAsync(url: unknown, routingId?: Uint8Array): Promise<number> {
    return this.#endpoints.connectAsync(url, routingId);
  }

  /** `xs_shutdown`: 0, or -1 with errno. */
  shutdown(id: number): number {
    return this.#endpoints.shutdown(id);
  }

  /** `xs_unbind` (extension, libzmq's zmq_unbind): 0, or -1 with errno. */
  unbind(url: unknown): number {
    return this.#endpoints.end(url, true);
  }

  /** `xs_disconnect` (extension, libzmq's zmq_disconnect): 0, or -1 with errno. */
  disconnect(url: unknown): number {
    return this.#endpoints.end(url, false);
  }

  /** Why the last refused bind, connect, unbind or disconnect was refused, in words, or "". */
  get endpointProblem(): string {
    return this.#endpoints.problem;
  }

  /** True while endpoint `epId` is open (not shut down); connections it accepts get pipes. */
  hasEndpoint(epId: number): boolean {
    return this.#endpoints.has(epId);
  }

  // ---------------------------------------------------------------- send / receive

  /**
   * Sends one whole message. Blocks per XS_SNDTIMEO unless `flags` has XS_DONTWAIT.
   * Returns 0 or -1 with errno. `eager` false lets a message that went beside the ring
   * wait to be handed over with the next ones (`Pipe.flush`).
   */
  send(msg: Uint8Array[], flags: number, eager = true): number {
    const st = this.#state();
    if (st) return fail(st);
    // Worker events (a peer gone, a connection up) change where a message may go; seeing
    // whether any wait costs one atomic load (upstream processes commands on every call).
    this.ctx.processIfPending();
    const timeout = flags & C.XS_DONTWAIT ? 0 : this.options.sndtimeo;
    const rc = this.#ops.block("send", msg, timeout) as number;
    if (rc !== 0) return fail(rc);
    // Blocking callers expect the message on its way when the call returns; the idiomatic
    // face's trySend (`eager` false) leaves it to the pipe's own timing (it publishes at the
    // end of the burst, RingPipe).
    if (eager) { for (const p of this.#pipes) p.flush(); }
    return 0;
  }

  /**
   * Receives one whole message. Blocks per XS_RCVTIMEO unless XS_DONTWAIT. Returns the
   * parts (backed by ArrayBuffers: `Pipe.read`), or null with errno.
   */
  recv(flags: number): Uint8Array<ArrayBuffer>[] | null {
    const st = this.#state();
    if (st) return fail(st), null;
    this.ctx.processIfPending();
    const timeout = flags & C.XS_DONTWAIT ? 0 : this.options.rcvtimeo;
    const r = this.#ops.block("recv", null, timeout);
    return typeof r === "number" ? (fail(r), null) : r;
  }

  #trySend(msg: Uint8Array[]): number {
    const rc = this.proto.send(msg);
    if (this.#held.size) this.#settle();
    return rc;
  }

  #tryRecv(): Uint8Array<ArrayBuffer>[] | number {
    lastRead.properties = null;
    const r = this.proto.recv();
    if (this.#held.size) {
      if (typeof r !== "number") this.#handOut(r);
      this.#settle();
    }
    if (this.#dying.size) this.#sweep();
    // A secured connection's properties go with its message (docs/security.md).
    const props = lastRead.properties;
    if (props !== null && typeof r !== "number") withProperties(r, props);
    return r;
  }

  /** `XS_EVENTS`: XS_POLLIN / XS_POLLOUT readiness, or -1 with errno. */
  events(): number {
    const st = this.#state();
    if (st) return fail(st);
    this.ctx.process();
    if (this.#dying.size) this.#sweep();
    return (this.canRecv() ? C.XS_POLLIN : 0) | (this.canSend() ? C.XS_POLLOUT : 0);
  }

  /** True if the socket type could take a message now (no worker events taken in). */
  canSend(): boolean {
    const ok = this.proto.hasOut();
    if (this.#held.size) this.#settle();
    return ok;
  }

  /** True if the socket type has a message to hand out now (no worker events taken in). */
  canRecv(): boolean {
    const ok = this.proto.hasIn();
    if (this.#held.size) this.#settle();
    return ok;
  }

  /**
   * Whether a message whose first part is `first` (with parts after it if `more`) could be
   * sent now: 0, EAGAIN (not yet), or the errno its send fails with (a ROUTER with
   * XS_ROUTER_MANDATORY: EHOSTUNREACH for a peer it does not know). No worker events taken in.
   */
  sendable(first: Uint8Array, more: boolean): number {
    return this.proto.sendable?.(first, more) ?? (this.proto.hasOut() ? 0 : C.EAGAIN);
  }

  /**
   * Blocks until the socket can send, is closed or its context terminates, or `deadline`
   * (performance.now(); Infinity: no limit) passes; false on the deadline. Given the first
   * part of the message to send (and whether parts follow it), until that message could go
   * (`sendable` other than EAGAIN), not just any.
   */
  waitWritable(deadline: number, first?: Uint8Array, more = false): boolean {
    const proto = this.proto;
    const ready = first !== undefined && proto.sendable
      ? () => proto.sendable!(first, more) !== C.EAGAIN
      : () => this.canSend();
    return this.ctx.waitSync(deadline, () => this.#closed || this.ctx.terminating || ready());
  }

  /** Like `waitWritable`, for a message to receive. */
  waitReadable(deadline: number): boolean {
    return this.ctx.waitSync(
      deadline,
      () => this.#closed || this.ctx.terminating || this.canRecv(),
    );
  }

  /**
   * The errno a send of a first part must fail with now because of the socket type's state
   * (REQ awaiting a reply, REP before a request: EFSM), or 0.
   */
  sendState(more: boolean): number {
    return this.proto.sendState?.(more) ?? 0;
  }

  /** Like `sendState`, for a receive. */
  recvState(): number {
    return this.proto.recvState?.() ?? 0;
  }

  /**
   * Async send: resolves when the message was queued, rejects with an errno number
   * (the faces turn it into XsError) or the signal's reason.
   */
  sendAsync(
    msg: Uint8Array[],
    timeout: number,
    signal?: AbortSignal,
    fail?: (e: unknown) => unknown,
  ): Promise<void> {
    return this.#queue("send", msg, timeout, signal, fail) as Promise<void>;
  }

  /** Async receive: resolves with the parts of one whole message; `fail` maps rejections. */
  recvAsync(
    timeout: number,
    signal?: AbortSignal,
    fail?: (e: unknown) => unknown,
  ): Promise<Uint8Array<ArrayBuffer>[]> {
    return this.#queue("recv", null, timeout, signal, fail) as Promise<Uint8Array<ArrayBuffer>[]>;
  }

  #queue(
    kind: "send" | "recv",
    msg: Uint8Array[] | null,
    timeout: number,
    signal?: AbortSignal,
    fail?: (e: unknown) => unknown,
  ) {
    const st = this.#state();
    if (st) return Promise.reject(fail ? fail(st) : st);
    // As in send/recv: take in worker events first, so that a message is never read before
    // the event that came ahead of it (a ROUTER saw a peer's data before its "up", and so
    // before its identity).
    this.ctx.processIfPending();
    return this.#ops.start(kind, msg, timeout, signal, fail);
  }

  /** True while async operations wait. */
  get hasPending(): boolean {
    return this.#ops.pending;
  }

  /** Re-tries pending async operations in order; called by the context after a wake. */
  service(): void {
    if (this.#closed || this.ctx.terminating) {
      this.#ops.failAll(this.#closed ? C.ENOTSOCK : C.ETERM);
      return;
    }
    this.#ops.run();
  }

  // ---------------------------------------------------------------- options

  /** Sets an option from a typed value: 0 or -1 with errno. */
  setOption(id: number, value: number | bigint | Uint8Array): number {
    const st = this.#state();
    if (st) return fail(st);
    if (ROUTER_ONLY.has(id) && this.info.number !== C.XS_XREP) return fail(C.EINVAL);
    if (this.proto.setOption) {
      const r = this.proto.setOption(id, value as number | Uint8Array);
      if (r !== undefined && r !== C.EINVAL) return r === 0 ? 0 : fail(r);
      if (r === C.EINVAL && !OPTIONS.has(id)) return fail(r);
    }
    if (id === C.XS_SURVEY_TIMEOUT && this.info.number !== C.XS_SURVEYOR) return fail(C.ENOTSUP);
    const def = OPTIONS.get(id);
    if (!def) return fail(C.EINVAL);
    if (def.valid && !def.valid(value)) return fail(C.EINVAL);
    if (def.store) value = def.store(value);
    const o = this.options as unknown as Record<string, unknown>;
    if (def.kind === "bytes") o[def.key] = new Uint8Array(value as Uint8Array);
    else if (def.kind === "i64") o[def.key] = BigInt(value as bigint);
    else o[def.key] = Number(value);
    return 0;
  }

  /** Reads an option: the value, or null with errno. */
  getOption(id: number): number | bigint | Uint8Array | null {
    const st = this.#state();
    if (st) return fail(st), null;
    switch (id) {
      case C.XS_TYPE:
        return this.info.number;
      case C.XS_RCVMORE:
        return this.rcvmore;
      case C.XS_EVENTS: {
        const e = this.events();
        return e < 0 ? null : e;
      }
      case C.XS_MECHANISM:
        return mechanismNumber(this.options);
      case C.XS_FD:
        // There is no descriptor to poll in JavaScript; -1 says so (see xs_poll).
        return -1;
    }
    if (id === C.XS_SURVEY_TIMEOUT && this.info.number !== C.XS_SURVEYOR) {
      return fail(C.ENOTSUP), null;
    }
    if (ROUTER_ONLY.has(id) && this.info.number !== C.XS_XREP) return fail(C.EINVAL), null;
    const def = OPTIONS.get(id);
    if (!def || GET_ONLY.has(id)) return fail(C.EINVAL), null;
    const v: number | bigint | Uint8Array = this.options[def.key];
    return v instanceof Uint8Array ? new Uint8Array(v) : v;
  }

  // ---------------------------------------------------------------- close

  /** `xs_close`: 0, or -1/ENOTSOCK. Never waits; lingering happens in the worker. */
  close(): number {
    if (this.#closed) return fail(C.ENOTSOCK);
    this.#closed = true;
    const end = this.#monitorEnd;
    this.#monitor = this.#monitorEnd = null;
    end?.();
    if (this.info.dropsOnClose) this.options.linger = 0;
    for (const p of this.#pipes) p.flush();
    this.#ops.failAll(C.ENOTSOCK);
    const faceClose = this.onClose;
    this.onClose = null;
    faceClose?.();
    this.#releaseAll();
    this.ctx.socketClosed(this, this.#pipes as Set<Pipe>);
    this.#pipes.clear();
    this.#dying.clear();
    this.#endpoints.clear();
    return 0;
  }
}

/**
 * The options of a ROUTER only (libzmq's router_t and routing_socket_base_t): other types
 * answer EINVAL, as libzmq does for an option it does not know.
 */
const ROUTER_ONLY: ReadonlySet<number> = new Set([
  C.XS_ROUTER_MANDATORY,
  C.XS_CONNECT_ROUTING_ID,
]);

/**
 * Gives a received message its connection's properties: `msg.properties` (not enumerable,
 * so the parts array stays an array of parts to every other reader).
 */
function withProperties(msg: Uint8Array[], props: Record<string, string>): void {
  Object.defineProperty(msg, "properties", { value: props, enumerable: false });
}
