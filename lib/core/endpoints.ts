/**
 * Endpoints: one socket's table of bind and connect endpoints (`xs_bind`, `xs_connect`,
 * `xs_shutdown`, and by endpoint string `xs_unbind` / `xs_disconnect`), and the options a new
 * endpoint hands the I/O worker (`wireOptions`).
 * SocketCore owns one and forwards its calls; the table reaches its socket only through
 * the closures SocketCore gives it (`EndpointHooks`), so it imports neither socket.ts nor
 * context.ts.
 *
 * - inproc endpoints are the context's name table (inproc.ts) and get no record here.
 * - A tcp/ipc bind is a request to the worker (blocking on the C face, awaited on the
 *   idiomatic one); its record keeps the HWMs the pipes of accepted connections get.
 * - A tcp/ipc connect makes its pipe at once (messages queue before any connection,
 *   docs/behaviour.md §4.4); the pipe lives as long as the endpoint. A ROUTER's
 *   XS_CONNECT_ROUTING_ID goes to that pipe (`Pipe.routingId`) and is used up.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { fail, getErrno } from "../errors.ts";
import { type OptionValues, WIRE_MODES } from "../options.ts";
import type { ProtocolInfo } from "../protocols/mod.ts";
import type {
  BindCommand,
  Pipe,
  Reply,
  RequestCommand,
  RingPipe,
  ToWorker,
  WireOptions,
} from "../pipe/mod.ts";
import { currentRuntimeName } from "../runtime/mod.ts";
import {
  cryptoMissing,
  newKeyPair,
  publicKeyOf,
  sameBytes,
  type SecurityConfig,
} from "../security/mod.ts";
import {
  checkEndpoint,
  type Endpoint,
  formatEndpoint,
  isNumericHost,
} from "../transports/endpoint.ts";
import { hasStandardWebSocket, WsDialer } from "../transports/ws_dial.ts";
import type { WsPipeOwner } from "../transports/ws_pipe.ts";

/** What the endpoints need of the context (part of SocketHost, socket.ts). */
export interface EndpointHost {
  /** Sends a command to the I/O worker (starting it if needed). */
  post(cmd: ToWorker): void;
  /** Sends a bind and blocks until the worker's reply. */
  request(cmd: RequestCommand): Reply;
  /** Sends a bind; resolves with the worker's reply. */
  requestAsync(cmd: RequestCommand): Promise<Reply>;
  /** The shared block of ring pipe `id`. */
  pipeBlock(id: number): SharedArrayBuffer;
  /** ws:// connects are served on this thread (lib/transports/ws_dial.ts). */
  readonly wsOnThread: boolean;
  /** A fresh pipe id. */
  newPipeId(): number;
  /** A WebSocket served on this thread is closing; `term` waits for `closed` (bounded). */
  closing(closed: Promise<void>): void;
  /** True if `XS_AFFINITY` value `affinity` names one of the context's I/O workers. */
  hasIoThread(affinity: bigint): boolean;
}

/** What the endpoints need of their socket (SocketCore hands them closures). */
export interface EndpointHooks {
  /** The errno every call must fail with now (closed, terminating), or 0. */
  state(): number;
  /** True once the socket was closed. */
  closed(): boolean;
  /** The socket's side of a WebSocket pipe served on this thread. */
  wsPipeOwner(): WsPipeOwner;
  /**
   * Binds (or connects) the socket to inproc name `name`: 0 or an errno. A connect's pipe
   * gets `routingId` (XS_CONNECT_ROUTING_ID), if given.
   */
  inproc(bind: boolean, name: string, routingId?: Uint8Array): number;
  /**
   * Unbinds (`bind` true) or disconnects the socket's inproc endpoints named `name`: 0 or an
   * errno (ENOENT: none).
   */
  inprocEnd(bind: boolean, name: string): number;
  /** True if the socket type routes `id` to a peer now (a connect routing id in use). */
  routes(id: Uint8Array): boolean;
  /** A new worker-served pipe of this socket. */
  newRingPipe(sndhwm: number, rcvhwm: number): RingPipe;
  /** A connect-side pipe was made: it joins the socket's pipes and its socket type. */
  attach(pipe: RingPipe): void;
  /** Its endpoint was shut down: the connect-side pipe leaves the socket. */
  drop(pipe: RingPipe): void;
  /** A bind or connect succeeded: the socket's `lastEndpoint`. */
  bound(endpoint: string): void;
}

/** One bind or connect endpoint of a socket. */
interface EndpointRecord {
  id: number;
  bind: boolean;
  endpoint: Endpoint;
  /** The connect-side pipe (tcp/ipc), which lives as long as the endpoint. */
  pipe: RingPipe | null;
  /** A connect's endpoint string as given (`disconnect` matches it, as libzmq). */
  given?: string;
  /** A ws:// connect served on this thread: stops its dialling. */
  stop?: () => void;
  /** Options captured at bind time for the pipes of accepted connections. */
  sndhwm: number;
  rcvhwm: number;
}

/**
 * The security a new tcp/ipc endpoint of a socket with options `o` speaks (docs/security.md):
 * CURVE if `curveServer` or a server key is set, else PLAIN if `plainServer` or a username
 * is set, else NULL (with ZAP asked if a ZAP domain is set). Returns what is wrong, in
 * words that never quote a key, when the keys cannot make a CURVE endpoint: a server
 * without its secret key, a public key without the secret one, or a pair that does not
 * match. A CURVE client with no key pair gets a fresh one for this endpoint.
 */
export function securityConfig(o: OptionValues): SecurityConfig | string {
  const zapDomain = new TextDecoder().decode(o.zapDomain);
  const mode = WIRE_MODES[o.wireMode];
  if ((mode === "xs1" || mode === "zmtp1") && (mechanismNumber(o) !== C.XS_NULL || zapDomain)) {
    // The legacy wires have no security: never let them carry a secured socket in clear.
    return `security (PLAIN, CURVE or a ZAP domain) needs ZMTP/3.x; wire "${mode}" has none`;
  }
  if (o.curveServer === 1 || o.curveServerKey.length === 32) {
    const missing = cryptoMissing();
    if (missing !== null) return `CURVE is not available: ${missing}`;
    const server = o.curveServer === 1;
    let pub = o.curvePublicKey.length === 32 ? o.curvePublicKey : null;
    let sec = o.curveSecretKey.length === 32 ? o.curveSecretKey : null;
    if (sec === null) {
      if (server) return "a CURVE server (curveServer) needs its secret key (curveSecretKey)";
      if (pub !== null) return "curvePublicKey is set without curveSecretKey";
      const pair = newKeyPair();
      pub = pair.publicKey;
      sec = pair.secretKey;
    }
    const derived = publicKeyOf(sec);
    if (pub !== null && !sameBytes(pub, derived)) {
      return "curvePublicKey is not the public key of curveSecretKey";
    }
    return {
      mechanism: "CURVE",
      server,
      curvePublicKey: derived,
      curveSecretKey: sec.slice(),
      ...(server ? {} : { curveServerKey: o.curveServerKey.slice() }),
      zapDomain,
    };
  }
  if (o.plainServer === 1 || o.plainUsername.length > 0) {
    const server = o.plainServer === 1;
    return {
      mechanism: "PLAIN",
      server,
      ...(server ? {} : {
        plainUsername: o.plainUsername.slice(),
        plainPassword: o.plainPassword.slice(),
      }),
      zapDomain,
    };
  }
  return { mechanism: "NULL", server: false, zapDomain };
}

/** `XS_MECHANISM`'s value for the options `o`: XS_NULL, XS_PLAIN or XS_CURVE. */
export function mechanismNumber(o: OptionValues): number {
  if (o.curveServer === 1 || o.curveServerKey.length === 32) return C.XS_CURVE;
  if (o.plainServer === 1 || o.plainUsername.length > 0) return C.XS_PLAIN;
  return C.XS_NULL;
}

/** Options the worker needs for a new endpoint of a socket of type `info`. */
export function wireOptions(
  info: ProtocolInfo,
  o: OptionValues,
  security?: SecurityConfig,
): WireOptions {
  return {
    ...(security && (security.mechanism !== "NULL" || security.zapDomain !== "")
      ? { security }
      : {}),
    type: info.zmtpName,
    peers: info.peers,
    sendsIdentity: info.sendsIdentity,
    subscriptions: info.subscriptions ?? "none",
    identity: Array.from(o.identity),
    maxmsgsize: o.maxmsgsize < 0n ? -1 : Number(o.maxmsgsize),
    reconnectIvl: o.reconnectIvl,
    reconnectIvlMax: o.reconnectIvlMax,
    backlog: o.backlog,
    keepalive: o.keepalive === 1,
    ipv4only: o.ipv4only === 1,
    mode: WIRE_MODES[o.wireMode] ?? "auto",
    heartbeatIvl: o.heartbeatIvl,
    heartbeatTimeout: o.heartbeatTimeout,
    heartbeatTtl: o.heartbeatTtl,
    handshakeIvl: o.handshakeIvl,
    ...(wssSet(o)
      ? {
        wss: {
          certPem: text.decode(o.wssCertPem),
          keyPem: text.decode(o.wssKeyPem),
          trustPem: text.decode(o.wssTrustPem),
          hostname: text.decode(o.wssHostname),
          trustSystem: o.wssTrustSystem === 1,
        },
      }
      : {}),
  };
}

const text = new TextDecoder();

/** True if any XS_WSS_* option differs from its default (they then go to the worker). */
function wssSet(o: OptionValues): boolean {
  return o.wssCertPem.length > 0 || o.wssKeyPem.length > 0 || o.wssTrustPem.length > 0 ||
    o.wssHostname.length > 0 || o.wssTrustSystem !== 1;
}

/** The endpoints of one socket. */
export class Endpoints {
  readonly #sock: number;
  readonly #info: ProtocolInfo;
  readonly #options: OptionValues;
  readonly #ctx: EndpointHost;
  readonly #hooks: EndpointHooks;
  readonly #endpoints = new Map<number, EndpointRecord>();
  /** Why the last bind or connect was refused, in words ("" if not known). */
  #problem = "";
  /** The socket's events are watched: bind and connect tell the worker so. */
  #monitored = false;
  /** The security of the bind or connect under way (`#start` checks it). */
  #security: SecurityConfig | undefined;

  /** Starts or stops the worker's events of this socket (`SocketCore.watch`). */
  setMonitored(on: boolean): void {
    if (this.#monitored === on) return;
    this.#monitored = on;
    // tcp/ipc endpoints live in the worker; later binds and connects carry the flag.
    if (this.#endpoints.size > 0) this.#ctx.post({ t: "monitor", sock: this.#sock, on });
  }

  /**
   * @param sock the socket's id (in the worker's commands)
   * @param info the socket's type
   * @param options the socket's live option values
   * @param ctx the context
   * @param hooks the socket's side
   */
  constructor(
    sock: number,
    info: ProtocolInfo,
    options: OptionValues,
    ctx: EndpointHost,
    hooks: EndpointHooks,
  ) {
    this.#sock = sock;
    this.#info = info;
    this.#options = options;
    this.#ctx = ctx;
    this.#hooks = hooks;
  }

  /** True while endpoint `epId` is open (not shut down); connections it accepts get pipes. */
  has(epId: number): boolean {
    return this.#endpoints.has(epId);
  }

  /** Capacities (send, receive) for a pipe of an endpoint. */
  hwms(epId: number): [number, number] {
    const ep = this.#endpoints.get(epId);
    return ep ? [ep.sndhwm, ep.rcvhwm] : [this.#options.sndhwm, this.#options.rcvhwm];
  }

  /** The socket closed: every endpoint goes (the worker closes them at `close`). */
  clear(): void {
    for (const ep of this.#endpoints.values()) ep?.stop?.();
    this.#endpoints.clear();
  }

  /** `xs_bind`: an endpoint id ≥ 0, or -1 with errno. Blocks until the worker answers. */
  bind(url: unknown): number {
    const b = this.#bindStart(url);
    if (typeof b === "number") return b;
    return this.#bindDone(b.id, this.#ctx.request(b.cmd));
  }

  /**
   * The idiomatic bind: never blocks the thread. Resolves with the endpoint id, or
   * rejects with `{ errno, error }` (`error`: the worker's reason, if it gave one).
   */
  async bindAsync(url: unknown): Promise<number> {
    const b = this.#bindStart(url);
    if (typeof b === "number") {
      if (b < 0) throw { errno: getErrno(), error: this.#problem };
      return b;
    }
    const res = await this.#ctx.requestAsync(b.cmd);
    const id = this.#bindDone(b.id, res);
    if (id < 0) throw { errno: getErrno(), error: res.error };
    return id;
  }

  /**
   * `xs_connect`: an endpoint id ≥ 0, or -1 with errno. Never waits for the peer; a tcp
   * connect first asks the worker whether its host resolves (EINVAL, as Crossroads 1.2.0
   * resolves at connect) and whether the runtime may reach it (EACCES: Deno's permission).
   */
  connect(url: unknown): number {
    // XS_CONNECT_ROUTING_ID is this connect's; a connect that fails leaves it set.
    const rid = this.#takeRoutingId();
    const id = this.#connect(url, rid);
    if (id < 0) this.#giveBack(rid);
    return id;
  }

  #connect(url: unknown, rid: Uint8Array | undefined): number {
    const ep = this.#start(url, false, rid);
    if (typeof ep === "number") return ep;
    if (needsCheck(ep)) {
      const r = this.#ctx.request({ t: "check", endpoint: ep });
      if (r.errno) {
        this.#problem = r.error ?? "";
        return fail(r.errno);
      }
    }
    return this.#connectTo(ep, this.#security, url, rid);
  }

  /**
   * The idiomatic connect: as `connect`, without blocking the thread. Resolves with the
   * endpoint id, or rejects with `{ errno, error }` (`error`: what is wrong, in words).
   */
  async connectAsync(url: unknown, routingId?: Uint8Array): Promise<number> {
    // `routingId` given: this connect's, and XS_CONNECT_ROUTING_ID stays for the next one.
    const rid = routingId ?? this.#takeRoutingId();
    try {
      const ep = this.#start(url, false, rid);
      if (typeof ep === "number") {
        if (ep < 0) throw { errno: getErrno(), error: this.#problem };
        return ep;
      }
      const security = this.#security;
      if (needsCheck(ep)) {
        const r = await this.#ctx.requestAsync({ t: "check", endpoint: ep });
        if (r.errno) throw { errno: r.errno, error: r.error };
        const st = this.#hooks.state();
        if (st) throw { errno: st };
      }
      const id = this.#connectTo(ep, security, url, rid);
      if (id < 0) throw { errno: getErrno(), error: this.#problem };
      return id;
    } catch (e) {
      if (routingId === undefined) this.#giveBack(rid);
      throw e;
    }
  }

  /** Takes XS_CONNECT_ROUTING_ID for the connect under way (it is used once), if set. */
  #takeRoutingId(): Uint8Array | undefined {
    const o = this.#options;
    if (o.connectRoutingId.length === 0) return undefined;
    const rid = o.connectRoutingId;
    o.connectRoutingId = new Uint8Array(0);
    return rid;
  }

  /** A connect failed: its XS_CONNECT_ROUTING_ID is there for the next one (unless set anew). */
  #giveBack(rid: Uint8Array | undefined): void {
    if (rid !== undefined && this.#options.connectRoutingId.length === 0) {
      this.#options.connectRoutingId = rid;
    }
  }

  /**
   * Refuses a connect routing id the socket type already routes by (libzmq 4.3 asserts:
   * "not allowed to duplicate an existing rid"; we fail the connect with EINVAL instead).
   */
  #ridInUse(rid: Uint8Array | undefined): boolean {
    if (rid === undefined || !this.#hooks.routes(rid)) return false;
    this.#problem = "the connect routing id (connectRoutingId) is in use by another peer";
    fail(C.EINVAL);
    return true;
  }

  /** What went wrong with the last refused endpoint, in words ("" if nothing is known). */
  get problem(): string {
    return this.#problem;
  }

  #connectTo(
    ep: Endpoint,
    security: SecurityConfig | undefined,
    url: unknown,
    rid: Uint8Array | undefined,
  ): number {
    // Asked again: another connect may have taken the id while a check was on its way.
    if (this.#ridInUse(rid)) return -1;
    const o = this.#options;
    const id = this.#nextId();
    const pipe = this.#hooks.newRingPipe(o.sndhwm, o.rcvhwm);
    if (rid !== undefined) (pipe as Pipe).routingId = rid.slice();
    this.#endpoints.set(id, {
      id,
      bind: false,
      endpoint: ep,
      given: String(url),
      pipe,
      sndhwm: o.sndhwm,
      rcvhwm: o.rcvhwm,
    });
    this.#ctx.post({
      t: "connect",
      sock: this.#sock,
      ep: id,
      endpoint: ep,
      opts: wireOptions(this.#info, o, security),
      pipe: pipe.id,
      sab: this.#ctx.pipeBlock(pipe.id),
      rcvhwm: o.rcvhwm,
      ...(this.#monitored ? { monitor: true } : {}),
    });
    this.#hooks.attach(pipe);
    this.#hooks.bound(formatEndpoint(ep));
    return id;
  }

  /** `xs_shutdown`: 0, or -1 with errno. */
  shutdown(id: number): number {
    const st = this.#hooks.state();
    if (st) return fail(st);
    if (!(id > 0)) return fail(C.ENOTSUP);
    const ep = this.#endpoints.get(id);
    if (!ep) return fail(C.EINVAL);
    this.#endpoints.delete(id);
    if (ep.stop) {
      ep.stop();
      return 0;
    }
    this.#ctx.post({ t: "shutdown", sock: this.#sock, ep: id, linger: this.#options.linger });
    if (ep.pipe) {
      ep.pipe.flush();
      this.#hooks.drop(ep.pipe);
    }
    return 0;
  }

  /**
   * `xs_unbind` (`bind` true) and `xs_disconnect` (extensions, libzmq's zmq_unbind(3) and
   * zmq_disconnect(3)): ends every bind (or connect) endpoint of the socket that `url` names,
   * as `shutdown` ends one by id. 0, or -1 with errno: ENOTSOCK, ETERM; EINVAL for a string
   * that is no endpoint at all (no scheme, nothing after `://`); EPROTONOSUPPORT for an
   * unknown transport; ENOENT when the socket has no such endpoint.
   *
   * What names an endpoint, as libzmq: a bind by its resolved address (`lastEndpoint`: a
   * wildcard host or port names nothing, `localhost` names 127.0.0.1); a connect by the
   * string it was given, or the same address written the same way; every connect of that
   * string goes. An inproc unbind frees the name and leaves the connections made through it;
   * an inproc disconnect ends the socket's connections to that name.
   */
  end(url: unknown, bind: boolean): number {
    const st = this.#hooks.state();
    if (st) return fail(st);
    this.#problem = "";
    const action = bind ? "bound to" : "connected to";
    if (typeof url !== "string") {
      this.#problem = `the endpoint must be a string, not ${typeof url}`;
      return fail(C.EINVAL);
    }
    const i = url.indexOf("://");
    if (i <= 0 || i + 3 === url.length) {
      this.#problem = "not an endpoint: write scheme://address";
      return fail(C.EINVAL);
    }
    const scheme = url.slice(0, i);
    if (!KNOWN_SCHEMES.has(scheme)) {
      this.#problem = `unknown transport "${scheme}"`;
      return fail(C.EPROTONOSUPPORT);
    }
    if (scheme === "inproc") {
      const rc = this.#hooks.inprocEnd(bind, url.slice(i + 3));
      if (rc !== 0) this.#problem = `this socket is not ${action} ${url}`;
      return rc === 0 ? 0 : fail(rc);
    }
    const parsed = checkEndpoint(url, bind, this.#options.ipv4only === 1);
    // A bind's wildcard host or port names no endpoint: the bound one is its lastEndpoint.
    const wildcard = bind && /^[a-z]+:\/\/(\*|\[\*\]):|:(\*|0)(\/|$)/.test(url);
    const same = "errno" in parsed || wildcard ? null : formatEndpoint(parsed);
    const ids: number[] = [];
    for (const rec of this.#endpoints.values()) {
      // A bind still waiting for the worker's answer has no record yet (null).
      if (!rec || rec.bind !== bind) continue;
      if (rec.given === url || formatEndpoint(rec.endpoint) === same) ids.push(rec.id);
    }
    if (ids.length === 0) {
      this.#problem = `this socket is not ${action} ${url}` +
        (wildcard ? " (a wildcard names no endpoint: use lastEndpoint)" : "");
      return fail(C.ENOENT);
    }
    for (const id of ids) this.shutdown(id);
    return 0;
  }

  #nextId(): number {
    let id = 1;
    while (this.#endpoints.has(id)) id++;
    return id;
  }

  /**
   * What bind and connect do first: check the socket and parse `url`. An inproc endpoint is
   * bound or connected right here. Returns a tcp/ipc endpoint to go on with, or the call's
   * result: 0 (inproc done) or -1 with errno.
   */
  #start(url: unknown, bind: boolean, rid?: Uint8Array): Endpoint | number {
    const st = this.#hooks.state();
    if (st) return fail(st);
    this.#problem = "";
    const ep = checkEndpoint(url, bind, this.#options.ipv4only === 1);
    if ("errno" in ep) {
      this.#problem = ep.why;
      return fail(ep.errno);
    }
    if (this.#ridInUse(rid)) return -1;
    if ((ep.scheme === "ws" || ep.scheme === "wss") && this.#ctx.wsOnThread) {
      return this.#wsOnThread(ep, bind, url, rid);
    }
    if (ep.scheme === "wss" && this.#ctx.wsOnThread) {
      this.#problem = "wss:// needs the I/O worker (Deno, Bun or Node)";
      return fail(C.EPROTONOSUPPORT);
    }
    if (ep.scheme === "wss" && bind) {
      const o = this.#options;
      if (o.wssCertPem.length === 0 || o.wssKeyPem.length === 0) {
        this.#problem = "a wss:// bind needs a certificate and its private key: set " +
          "wssCertPem and wssKeyPem (XS_WSS_CERT_PEM, XS_WSS_KEY_PEM) first";
        return fail(C.EINVAL);
      }
    }
    if (ep.scheme !== "inproc" && !this.#ctx.hasIoThread(this.#options.affinity)) {
      // Upstream asserts in choose_io_thread; xs_bind(3) and xs_connect(3) name EMTHREAD.
      this.#problem = `XS_AFFINITY 0x${this.#options.affinity.toString(16)} names none of ` +
        "the context's I/O threads (XS_IO_THREADS)";
      return fail(C.EMTHREAD);
    }
    if (ep.scheme !== "inproc") {
      const sec = securityConfig(this.#options);
      if (typeof sec === "string") {
        this.#problem = sec;
        return fail(C.EINVAL);
      }
      this.#security = sec;
      return ep;
    }
    const rc = this.#hooks.inproc(bind, ep.name, rid);
    if (rc !== 0) return fail(rc);
    this.#hooks.bound(formatEndpoint(ep));
    return 0;
  }

  /**
   * A ws:// or wss:// endpoint served on this thread: connect only (lib/transports/ws_dial.ts);
   * wss's TLS, its trust and its name check are the platform WebSocket's (a browser's own).
   */
  #wsOnThread(ep: Endpoint, bind: boolean, url: unknown, rid?: Uint8Array): number {
    if (bind) {
      this.#problem = "ws:// binds need the I/O worker (a page cannot listen); bind in a server";
      return fail(C.EPROTONOSUPPORT);
    }
    if (mechanismNumber(this.#options) !== C.XS_NULL) {
      this.#problem = "a ws:// connect served on this thread speaks no security mechanism";
      return fail(C.EINVAL);
    }
    if (!hasStandardWebSocket()) {
      this.#problem = "this platform has no standard WebSocket";
      return fail(C.EPROTONOSUPPORT);
    }
    const o = this.#options;
    const id = this.#nextId();
    // A routing id given for this connect goes to each pipe it makes; there is none before the
    // WebSocket opens (the pipe is made then), so until then the peer is not routable.
    const owner = (): WsPipeOwner => {
      const own = this.#hooks.wsPipeOwner();
      if (rid === undefined) return own;
      return {
        ...own,
        ready: (p) => {
          (p as Pipe).routingId = rid.slice();
          return own.ready(p);
        },
      };
    };
    const dialer = new WsDialer(
      String(url),
      owner,
      () => this.#ctx.newPipeId(),
      o.reconnectIvl,
      o.reconnectIvlMax,
    );
    this.#endpoints.set(id, {
      id,
      bind: false,
      endpoint: ep,
      pipe: null,
      given: String(url),
      sndhwm: o.sndhwm,
      rcvhwm: o.rcvhwm,
      stop: () => this.#ctx.closing(dialer.stop()),
    });
    this.#hooks.bound(formatEndpoint(ep));
    return id;
  }

  #bindStart(url: unknown): number | { id: number; cmd: BindCommand } {
    const ep = this.#start(url, true);
    if (typeof ep === "number") return ep;
    const id = this.#nextId();
    // Reserved until the reply, so a second bind meanwhile gets another id.
    this.#endpoints.set(id, null as unknown as EndpointRecord);
    const cmd: BindCommand = {
      t: "bind",
      sock: this.#sock,
      ep: id,
      endpoint: ep,
      opts: wireOptions(this.#info, this.#options, this.#security),
      ...(this.#monitored ? { monitor: true } : {}),
    };
    return { id, cmd };
  }

  #bindDone(id: number, res: Reply): number {
    this.#endpoints.delete(id);
    if (res.errno || !res.endpoint) {
      this.#problem = res.error ?? "";
      return fail(res.errno || C.EINVAL);
    }
    const bound = res.endpoint;
    if (this.#hooks.closed()) {
      // Closed while the bind was on its way: the worker closes the listener at `close`.
      return fail(C.ENOTSOCK);
    }
    this.#endpoints.set(id, {
      id,
      bind: true,
      endpoint: bound,
      pipe: null,
      sndhwm: this.#options.sndhwm,
      rcvhwm: this.#options.rcvhwm,
    });
    this.#hooks.bound(formatEndpoint(bound));
    return id;
  }
}

/** The schemes an unbind or disconnect may name (others: EPROTONOSUPPORT, as libzmq). */
const KNOWN_SCHEMES: ReadonlySet<string> = new Set(["inproc", "ipc", "tcp", "ws", "wss"]);

/**
 * Whether a connect to `ep` asks the worker first: tcp to a host name (it must resolve), and
 * any tcp on Deno (its net permission). A numeric address elsewhere has nothing to check.
 */
function needsCheck(ep: Endpoint): boolean {
  if (ep.scheme !== "tcp" && ep.scheme !== "ws" && ep.scheme !== "wss") return false;
  if (ep.scheme === "tcp" && ep.sourceIface) return true;
  return currentRuntimeName() === "deno" || !isNumericHost(ep.host);
}
