/**
 * SocketCore: one Crossroads socket on the API thread — its options, endpoints, pipes
 * and socket type — and the one place where "would block" turns into waiting. Both
 * faces sit on it: the C face (lib/xs/api.ts) calls the blocking methods, the idiomatic
 * face (lib/api/mod.ts) the promise-returning ones.
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
import { fail, getErrno } from "../errors.ts";
import { defaultOptions, GET_ONLY, OPTIONS, type OptionValues, WIRE_MODES } from "../options.ts";
import type { Protocol, ProtocolInfo } from "../protocols/mod.ts";
import type { BindCommand, Pipe, Reply, RingPipe, ToWorker, WireOptions } from "../pipe/mod.ts";
import { type Endpoint, formatEndpoint, parseEndpoint } from "../transports/endpoint.ts";
import { OpQueue } from "./waiting.ts";

/** One bind or connect endpoint of a socket. */
interface EndpointRecord {
  id: number;
  bind: boolean;
  endpoint: Endpoint;
  /** The connect-side pipe (tcp/ipc), which lives as long as the endpoint. */
  pipe: RingPipe | null;
  /** Options captured at bind time for the pipes of accepted connections. */
  sndhwm: number;
  rcvhwm: number;
}

/**
 * What a socket needs of its context: ContextCore (context.ts) implements it, so the socket
 * does not import the context (no cycle in the core).
 */
export interface SocketHost {
  /** True once term has begun. */
  readonly terminating: boolean;
  /** Sends a command to the I/O worker (starting it if needed). */
  post(cmd: ToWorker): void;
  /** Sends a bind and blocks until the worker's reply. */
  request(cmd: BindCommand): Reply;
  /** Sends a bind; resolves with the worker's reply. */
  requestAsync(cmd: BindCommand): Promise<Reply>;
  /** Resolves once the worker is up; rejects with EMTHREAD if it cannot start. */
  workerUp(): Promise<void>;
  /** Acts on every worker event waiting. */
  process(): void;
  /** `process()` if events wait (one atomic load when none). */
  processIfPending(): void;
  /** Blocks until `cond()` or `deadline` (performance.now()); the C face's waiting. */
  waitSync(deadline: number, cond: () => boolean): boolean;
  /** Registers a socket with pending async operations. */
  watch(s: SocketCore): void;
  /** Re-tries pending operations soon (something happened locally). */
  kick(): void;
  /** A new worker-served pipe (its shared block from the pool). */
  newRingPipe(sndhwm: number, rcvhwm: number, sock?: SocketCore): RingPipe;
  /** The shared block of ring pipe `id`. */
  pipeBlock(id: number): SharedArrayBuffer;
  /** The socket no longer uses `pipe`. */
  pipeReleased(pipe: Pipe): void;
  /** Binds inproc name `name` for `s`: 0 or an errno. */
  inprocBind(s: SocketCore, name: string): number;
  /** Connects `s` to inproc name `name`: 0 or an errno. */
  inprocConnect(s: SocketCore, name: string): number;
  /** `s` closed; `pipes` were its pipes. */
  socketClosed(s: SocketCore, pipes: Set<Pipe>): void;
}

/** The engine-side socket. */
export class SocketCore {
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
  readonly #endpoints = new Map<number, EndpointRecord>();
  readonly #ops = new OpQueue({
    attempt: (kind, msg) => kind === "send" ? this.proto.send(msg!) : this.#tryRecv(),
    deadline: () => this.proto.deadline?.() ?? Infinity,
    service: () => this.service(),
    watch: () => this.ctx.watch(this),
  });

  constructor(ctx: SocketHost, id: number, info: ProtocolInfo) {
    this.ctx = ctx;
    this.id = id;
    this.info = info;
    this.options = defaultOptions();
    if (info.defaults?.sndhwm !== undefined) this.options.sndhwm = info.defaults.sndhwm;
    if (info.defaults?.linger !== undefined) this.options.linger = info.defaults.linger;
    this.proto = info.create({ options: this.options });
  }

  /** True once `close` was called. */
  get closed(): boolean {
    return this.#closed;
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
    this.ctx.kick();
    return true;
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

  /** Options the worker needs for a new endpoint. */
  wireOptions(): WireOptions {
    const o = this.options;
    return {
      type: this.info.zmtpName,
      peers: this.info.peers,
      sendsIdentity: this.info.sendsIdentity,
      identity: Array.from(o.identity),
      maxmsgsize: o.maxmsgsize < 0n ? -1 : Number(o.maxmsgsize),
      reconnectIvl: o.reconnectIvl,
      reconnectIvlMax: o.reconnectIvlMax,
      backlog: o.backlog,
      keepalive: o.keepalive === 1,
      ipv4only: o.ipv4only === 1,
      mode: WIRE_MODES[o.wireMode] ?? "auto",
    };
  }

  /** Capacities (send, receive) for a pipe of an endpoint. */
  endpointHwms(epId: number): [number, number] {
    const ep = this.#endpoints.get(epId);
    return ep ? [ep.sndhwm, ep.rcvhwm] : [this.options.sndhwm, this.options.rcvhwm];
  }

  // ---------------------------------------------------------------- endpoints

  #nextEndpointId(): number {
    let id = 1;
    while (this.#endpoints.has(id)) id++;
    return id;
  }

  /** `xs_bind`: an endpoint id ≥ 0, or -1 with errno. Blocks until the worker answers. */
  bind(url: unknown): number {
    const b = this.#bindStart(url);
    if (typeof b === "number") return b;
    return this.#bindDone(b.id, this.ctx.request(b.cmd));
  }

  /**
   * The idiomatic bind: never blocks the thread. Resolves with the endpoint id, or
   * rejects with `{ errno, error }` (`error`: the worker's reason, if it gave one).
   */
  async bindAsync(url: unknown): Promise<number> {
    const b = this.#bindStart(url);
    if (typeof b === "number") {
      if (b < 0) throw { errno: getErrno() };
      return b;
    }
    const res = await this.ctx.requestAsync(b.cmd);
    const id = this.#bindDone(b.id, res);
    if (id < 0) throw { errno: getErrno(), error: res.error };
    return id;
  }

  #bindStart(url: unknown): number | { id: number; cmd: BindCommand } {
    const st = this.#state();
    if (st) return fail(st);
    const ep = parseEndpoint(url, true, this.options.ipv4only === 1);
    if (typeof ep === "number") return fail(ep);
    if (ep.scheme === "inproc") {
      const rc = this.ctx.inprocBind(this, ep.name);
      if (rc !== 0) return fail(rc);
      this.lastEndpoint = formatEndpoint(ep);
      return 0;
    }
    const id = this.#nextEndpointId();
    // Reserved until the reply, so a second bind meanwhile gets another id.
    this.#endpoints.set(id, null as unknown as EndpointRecord);
    const cmd: BindCommand = {
      t: "bind",
      sock: this.id,
      ep: id,
      endpoint: ep,
      opts: this.wireOptions(),
    };
    return { id, cmd };
  }

  #bindDone(id: number, res: Reply): number {
    this.#endpoints.delete(id);
    if (res.errno || !res.endpoint) return fail(res.errno || C.EINVAL);
    const bound = res.endpoint;
    if (this.#closed) {
      // Closed while the bind was on its way: the worker closes the listener at `close`.
      return fail(C.ENOTSOCK);
    }
    this.#endpoints.set(id, {
      id,
      bind: true,
      endpoint: bound,
      pipe: null,
      sndhwm: this.options.sndhwm,
      rcvhwm: this.options.rcvhwm,
    });
    this.lastEndpoint = formatEndpoint(bound);
    return id;
  }

  /** `xs_connect`: an endpoint id ≥ 0, or -1 with errno. Never waits for the peer. */
  connect(url: unknown): number {
    const st = this.#state();
    if (st) return fail(st);
    const ep = parseEndpoint(url, false, this.options.ipv4only === 1);
    if (typeof ep === "number") return fail(ep);
    if (ep.scheme === "inproc") {
      const rc = this.ctx.inprocConnect(this, ep.name);
      if (rc !== 0) return fail(rc);
      this.lastEndpoint = formatEndpoint(ep);
      return 0;
    }
    const id = this.#nextEndpointId();
    const pipe = this.ctx.newRingPipe(this.options.sndhwm, this.options.rcvhwm, this);
    this.#endpoints.set(id, {
      id,
      bind: false,
      endpoint: ep,
      pipe,
      sndhwm: this.options.sndhwm,
      rcvhwm: this.options.rcvhwm,
    });
    this.ctx.post({
      t: "connect",
      sock: this.id,
      ep: id,
      endpoint: ep,
      opts: this.wireOptions(),
      pipe: pipe.id,
      sab: this.ctx.pipeBlock(pipe.id),
      rcvhwm: this.options.rcvhwm,
    });
    this.#pipes.add(pipe);
    this.proto.attach(pipe);
    this.lastEndpoint = formatEndpoint(ep);
    return id;
  }

  /** `xs_shutdown`: 0, or -1 with errno. */
  shutdown(id: number): number {
    const st = this.#state();
    if (st) return fail(st);
    if (!(id > 0)) return fail(C.ENOTSUP);
    const ep = this.#endpoints.get(id);
    if (!ep) return fail(C.EINVAL);
    this.#endpoints.delete(id);
    this.ctx.post({ t: "shutdown", sock: this.id, ep: id, linger: this.options.linger });
    if (ep.pipe) {
      ep.pipe.flush();
      this.#dropPipe(ep.pipe);
    }
    return 0;
  }

  #dropPipe(pipe: Pipe): void {
    if (!this.#pipes.delete(pipe)) return;
    this.#dying.delete(pipe);
    this.proto.detach(pipe);
    this.ctx.pipeReleased(pipe);
  }

  /** True while endpoint `epId` is open (not shut down); connections it accepts get pipes. */
  hasEndpoint(epId: number): boolean {
    return this.#endpoints.has(epId);
  }

  // ---------------------------------------------------------------- send / receive

  /**
   * Sends one whole message. Blocks per XS_SNDTIMEO unless `flags` has XS_DONTWAIT.
   * Returns 0 or -1 with errno.
   */
  send(msg: Uint8Array[], flags: number): number {
    let st = this.#state();
    if (st) return fail(st);
    // Worker events (a peer gone, a connection up) change where a message may go; seeing
    // whether any wait costs one atomic load (upstream processes commands on every call).
    this.ctx.processIfPending();
    let rc = this.proto.send(msg);
    if (rc === 0) return this.#sent();
    if (rc !== C.EAGAIN) return fail(rc);
    const timeout = flags & C.XS_DONTWAIT ? 0 : this.options.sndtimeo;
    if (timeout === 0) {
      this.ctx.process();
      rc = this.proto.send(msg);
      return rc === 0 ? this.#sent() : fail(rc);
    }
    const deadline = timeout < 0 ? Infinity : performance.now() + timeout;
    for (;;) {
      if (!this.waitWritable(deadline)) return fail(C.EAGAIN);
      st = this.#state();
      if (st) return fail(st);
      rc = this.proto.send(msg);
      if (rc === 0) return this.#sent();
      if (rc !== C.EAGAIN) return fail(rc);
    }
  }

  #sent(): number {
    // Blocking callers expect the message on its way when the call returns.
    for (const p of this.#pipes) p.flush();
    return 0;
  }

  /**
   * Receives one whole message. Blocks per XS_RCVTIMEO unless XS_DONTWAIT. Returns the
   * parts, or null with errno.
   */
  recv(flags: number): Uint8Array[] | null {
    let st = this.#state();
    if (st) return fail(st), null;
    this.ctx.processIfPending();
    let r = this.#tryRecv();
    if (typeof r !== "number") return r;
    if (r !== C.EAGAIN) return fail(r), null;
    const timeout = flags & C.XS_DONTWAIT ? 0 : this.options.rcvtimeo;
    if (timeout === 0) {
      this.ctx.process();
      r = this.#tryRecv();
      return typeof r === "number" ? (fail(r), null) : r;
    }
    const deadline = timeout < 0 ? Infinity : performance.now() + timeout;
    for (;;) {
      // The socket type may stop answering EAGAIN at its own deadline (SURVEYOR): wake
      // then too and ask again.
      const until = Math.min(deadline, this.proto.deadline?.() ?? Infinity);
      if (!this.waitReadable(until) && until === deadline) return fail(C.EAGAIN), null;
      st = this.#state();
      if (st) return fail(st), null;
      r = this.#tryRecv();
      if (typeof r !== "number") return r;
      if (r !== C.EAGAIN) return fail(r), null;
    }
  }

  #tryRecv(): Uint8Array[] | number {
    const r = this.proto.recv();
    if (this.#dying.size) this.#sweep();
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
    return this.proto.hasOut();
  }

  /** True if the socket type has a message to hand out now (no worker events taken in). */
  canRecv(): boolean {
    return this.proto.hasIn();
  }

  /**
   * Blocks until the socket can send, is closed or its context terminates, or `deadline`
   * (performance.now(); Infinity: no limit) passes; false on the deadline.
   */
  waitWritable(deadline: number): boolean {
    return this.ctx.waitSync(
      deadline,
      () => this.#closed || this.ctx.terminating || this.canSend(),
    );
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
  sendAsync(msg: Uint8Array[], timeout: number, signal?: AbortSignal): Promise<void> {
    return this.#queue("send", msg, timeout, signal) as Promise<void>;
  }

  /** Async receive: resolves with the parts of one whole message. */
  recvAsync(timeout: number, signal?: AbortSignal): Promise<Uint8Array[]> {
    return this.#queue("recv", null, timeout, signal) as Promise<Uint8Array[]>;
  }

  #queue(kind: "send" | "recv", msg: Uint8Array[] | null, timeout: number, signal?: AbortSignal) {
    const st = this.#state();
    if (st) return Promise.reject(st);
    return this.#ops.start(kind, msg, timeout, signal);
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
    if (this.proto.setOption) {
      const r = this.proto.setOption(id, value as number | Uint8Array);
      if (r !== undefined && r !== C.EINVAL) return r === 0 ? 0 : fail(r);
      if (r === C.EINVAL && !OPTIONS.has(id)) return fail(r);
    }
    if (id === C.XS_SURVEY_TIMEOUT && this.info.number !== C.XS_SURVEYOR) return fail(C.ENOTSUP);
    const def = OPTIONS.get(id);
    if (!def || !def.settable) return fail(C.EINVAL);
    if (def.valid && !def.valid(value)) return fail(C.EINVAL);
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
      case C.XS_FD:
        // There is no descriptor to poll in JavaScript; -1 says so (see xs_poll).
        return -1;
    }
    if (id === C.XS_SURVEY_TIMEOUT && this.info.number !== C.XS_SURVEYOR) {
      return fail(C.ENOTSUP), null;
    }
    const def = OPTIONS.get(id);
    if (!def || GET_ONLY.has(id)) return fail(C.EINVAL), null;
    const v = (this.options as unknown as Record<string, number | bigint | Uint8Array>)[def.key];
    return v instanceof Uint8Array ? new Uint8Array(v) : v;
  }

  // ---------------------------------------------------------------- close

  /** `xs_close`: 0, or -1/ENOTSOCK. Never waits; lingering happens in the worker. */
  close(): number {
    if (this.#closed) return fail(C.ENOTSOCK);
    this.#closed = true;
    if (this.info.dropsOnClose) this.options.linger = 0;
    for (const p of this.#pipes) p.flush();
    this.#ops.failAll(C.ENOTSOCK);
    this.ctx.socketClosed(this, this.#pipes as Set<Pipe>);
    this.#pipes.clear();
    this.#dying.clear();
    this.#endpoints.clear();
    return 0;
  }
}
