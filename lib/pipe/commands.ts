/**
 * The vocabulary of the thread boundary: every message the API thread and the I/O worker
 * exchange, as discriminated unions on `t`, used by both sides (lib/core/context.ts and
 * lib/core/socket.ts send `ToWorker` and read `ToApi`; lib/io/loop.ts the reverse). The bytes
 * of messages travel in the pipe rings (layout.ts); these records carry everything else.
 *
 * Three channels carry them:
 * - `ToWorker`: `postMessage` to the worker (SharedArrayBuffers inside are shared, the
 *   `ext` batch's buffer is transferred);
 * - `ToApi`: the control ring, as JSON (control.ts), read by `ContextCore.process`;
 * - `WorkerNote`: `postMessage` from the worker: wake-ups, start-up and failures.
 *
 * Types only: nothing here runs.
 *
 * Runs on: both threads.
 */
import type { WireMode } from "../options.ts";
import type { Endpoint } from "../transports/mod.ts";
import type { ExternalBatch } from "./ring_pipe.ts";
import type { SubscriptionRole } from "./subscription.ts";
import type { SecurityConfig } from "../security/mod.ts";

/** Options the worker needs for a bind or connect, captured when the call is made. */
export interface WireOptions {
  /** The socket type's ZMTP name (`"PUSH"`, `"ROUTER"`…). */
  type: string;
  /** ZMTP names of the peer types this type may talk to. */
  peers: readonly string[];
  /** True if the type sends its identity in the handshake (the REQ/REP family). */
  sendsIdentity: boolean;
  /** Whether this type's connections send or receive subscriptions (`ProtocolInfo.subscriptions`). */
  subscriptions: SubscriptionRole;
  /** XS_IDENTITY, as bytes. */
  identity: number[];
  /** XS_MAXMSGSIZE; -1 = no limit. */
  maxmsgsize: number;
  /** XS_RECONNECT_IVL and XS_RECONNECT_IVL_MAX, ms. */
  reconnectIvl: number;
  reconnectIvlMax: number;
  /** XS_BACKLOG. */
  backlog: number;
  /** XS_KEEPALIVE. */
  keepalive: boolean;
  /** XS_IPV4ONLY. */
  ipv4only: boolean;
  /** XS_WIRE_MODE. */
  mode: WireMode;
  /**
   * XS_HEARTBEAT_IVL, XS_HEARTBEAT_TIMEOUT (-1: the interval), XS_HEARTBEAT_TTL, ms;
   * absent: no heartbeats.
   */
  heartbeatIvl?: number;
  heartbeatTimeout?: number;
  heartbeatTtl?: number;
  /** XS_HANDSHAKE_IVL, ms; 0 = no limit; absent: the default, 30 s. */
  handshakeIvl?: number;
  /** PLAIN or CURVE, or NULL with a ZAP domain (lib/security); absent: NULL without ZAP. */
  security?: SecurityConfig;
  /** wss:// (XS_WSS_* options, as text); absent: none set and the system roots trusted. */
  wss?: WssOptions;
}

/** The TLS material of a wss:// endpoint (XS_WSS_*); an unset PEM or name is "". */
export interface WssOptions {
  /** XS_WSS_CERT_PEM, XS_WSS_KEY_PEM: a bind's certificate chain and key. */
  certPem: string;
  keyPem: string;
  /** XS_WSS_TRUST_PEM: a connect's extra trust anchors (one or more certificates). */
  trustPem: string;
  /** XS_WSS_HOSTNAME: the name the server's certificate must carry ("" = the endpoint's host). */
  hostname: string;
  /** XS_WSS_TRUST_SYSTEM: the runtime's roots are trusted too. */
  trustSystem: boolean;
}

/** Commands from the API thread to the worker. */
export type ToWorker =
  /** First message: the context block (doorbells, control ring, worker state word). */
  | { t: "init"; sab: SharedArrayBuffer; bell: SharedArrayBuffer }
  /**
   * The port written batch buffers go back on (lib/pipe/ext_buffers.ts): the API thread
   * takes them from it synchronously, even in the middle of a burst of sends.
   */
  | { t: "port"; port: MessagePort }
  /** The API thread published or freed ring room while the worker was parked. */
  | { t: "wake" }
  /** Messages that did not fit in a pipe's OUT ring, with their ring positions. */
  | ({ t: "ext" } & ExternalBatch)
  /** Listen on `endpoint` for socket `sock`; answered by a `reply` with `req`. */
  | {
    t: "bind";
    req: number;
    sock: number;
    ep: number;
    endpoint: Endpoint;
    opts: WireOptions;
    /** The socket is monitored: report its events (as a `monitor` command would). */
    monitor?: boolean;
  }
  /**
   * Before a tcp connect: may the runtime reach `endpoint` (Deno's net permission) and does
   * its host resolve? Answered by a `reply` with `req` (errno EACCES or EINVAL and why).
   */
  | { t: "check"; req: number; endpoint: Endpoint }
  /** Dial `endpoint`, reconnecting for ever, serving the connect-side pipe `pipe`. */
  | {
    t: "connect";
    sock: number;
    ep: number;
    endpoint: Endpoint;
    opts: WireOptions;
    pipe: number;
    sab: SharedArrayBuffer;
    rcvhwm: number;
    /** The socket is monitored: report its events (as a `monitor` command would). */
    monitor?: boolean;
  }
  /** The socket took accepted connection `conn`: serve it with pipe `pipe` (block `sab`). */
  | { t: "pipe"; conn: number; pipe: number; sab: SharedArrayBuffer }
  /** The socket refused accepted connection `conn` (closed, or its type says no). */
  | { t: "refuse"; conn: number }
  /** Report (or stop reporting) what socket `sock`'s connections do: `monitor` events. */
  | { t: "monitor"; sock: number; on: boolean }
  /** `xs_shutdown`: end endpoint `ep`, its connections lingering `linger` ms. */
  | { t: "shutdown"; sock: number; ep: number; linger: number }
  /** `xs_close`: the socket is gone; linger counts from `at` (Date.now() at the call). */
  | { t: "close"; sock: number; linger: number; at: number }
  /** ZAP's answer to the worker's request `zap` (a `zap` event); status "" = no handler. */
  | {
    t: "zap";
    zap: number;
    status: string;
    text: string;
    userId: string;
    metadata: [string, number[]][];
  };

/** A `bind` command before the context numbers it (`req`). */
export type BindCommand = Omit<Extract<ToWorker, { t: "bind" }>, "req">;
/** A `check` command before the context numbers it (`req`). */
export type CheckCommand = Omit<Extract<ToWorker, { t: "check" }>, "req">;
/** The commands the worker answers with a `reply`. */
export type RequestCommand = BindCommand | CheckCommand;

/**
 * A reply to a `bind` or `check` (`req` names it): errno 0 and the bound endpoint, or an errno. The
 * API thread makes one itself (EMTHREAD) when the worker cannot start.
 */
export interface Reply {
  t: "reply";
  req: number;
  errno: number;
  /** The endpoint as bound (a wildcard port resolved). */
  endpoint?: Endpoint;
  /** What went wrong, in words. */
  error?: string;
}

/**
 * What a monitored socket's connections do (`socket.events`, docs/api.md §2.1), with the
 * names zeromq.js uses. `address` is the endpoint (as bound: a chosen port filled in).
 */
export type MonitorEvent =
  | { type: "listening"; address: string }
  | { type: "bind:error"; address: string; error: string; errno: number }
  | { type: "accept"; address: string; remote: string }
  | { type: "accept:error"; address: string; error: string }
  | { type: "connect"; address: string; remote: string }
  | { type: "connect:delay"; address: string }
  | { type: "connect:retry"; address: string; interval: number; error: string }
  | {
    type: "handshake";
    address: string;
    remote: string;
    /** The peer's socket type (ZMTP/2.0 and later say it; null for older dialects). */
    peerType: string | null;
    peerIdentity: number[];
    /** The dialect: "3.1", "3.0", "2.0", "1.0", "xs1" or "zmtp1". */
    version: string;
    /** The security mechanism: "NULL", "PLAIN" or "CURVE" (older dialects have none: "NULL"). */
    mechanism: string;
    /** ZAP's user id ("" when ZAP was not asked or gave none). */
    userId?: string;
  }
  | { type: "handshake:error:protocol"; address: string; remote: string; error: string }
  | { type: "handshake:error:auth"; address: string; remote: string; error: string }
  | { type: "handshake:error:other"; address: string; remote: string; error: string }
  | { type: "disconnect"; address: string; remote: string; cause: string }
  | { type: "close"; address: string };

/** Events from the worker, through the control ring. */
export type ToApi =
  | Reply
  /** A connection to endpoint `ep` finished its handshake: give it a pipe or refuse it. */
  | {
    t: "accept";
    sock: number;
    ep: number;
    conn: number;
    /** The peer's socket type, if its dialect tells (ZMTP/2.0 and later). */
    peerType: string | null;
    peerIdentity: number[];
    /** The dialect spoken: "3.1", "3.0", "2.0", "1.0", "xs1" or "zmtp1". */
    version: string;
    /** The connection's properties (`User-Id`, `Socket-Type`, ...) when secured or asked of ZAP. */
    properties?: Record<string, string>;
  }
  /** The connect-side pipe `pipe` has a connection (again), handshake done. */
  | {
    t: "up";
    pipe: number;
    peerType: string | null;
    peerIdentity: number[];
    version: string;
    /** The connection's properties (`User-Id`, `Socket-Type`, ...) when secured or asked of ZAP. */
    properties?: Record<string, string>;
  }
  /** The connect-side pipe `pipe` lost its connection; the worker is reconnecting. */
  | { t: "down"; pipe: number }
  /** The accepted connection of pipe `pipe` ended: the pipe is gone for good. */
  | { t: "gone"; pipe: number }
  /** Socket `sock` finished closing; `pipes` are its connect-side pipes, now released. */
  | { t: "closed"; sock: number; pipes: number[] }
  /** What one of monitored socket `sock`'s connections did. */
  | { t: "monitor"; sock: number; ev: MonitorEvent }
  /**
   * A server handshake asks ZAP (RFC 27; lib/core/zap.ts): the request's frames after the
   * request id, as docs/security.md §7 lists them. Answered by a `zap` command.
   */
  | {
    t: "zap";
    zap: number;
    domain: string;
    address: string;
    identity: number[];
    mechanism: string;
    credentials: number[][];
  };

/** Notes the worker posts to the API thread. */
export type WorkerNote =
  /** The worker published events or ring data while the API thread was parked. */
  | { t: "wake" }
  /** The worker is up (its runtime adapter loaded, the context block known). */
  | { t: "ready" }
  /** Something failed; `fatal` if the worker cannot go on. */
  | { t: "error"; error: string; fatal?: boolean };
