/**
 * The contract every socket type implements, in the manner of nng's `protocol.h`.
 *
 * A socket type is a small state machine on the API thread. It sees its peers only as
 * {@linkcode Pipe}s and moves whole messages (arrays of parts) between the application
 * and those pipes. It never blocks, never sleeps and never touches threads, sockets or
 * shared memory: "would block" is the return value `EAGAIN`, and lib/core/socket.ts turns it
 * into waiting, timeouts or `XS_DONTWAIT` failures as the Crossroads man pages say.
 *
 * Call order, all on the API thread, from lib/core/socket.ts only:
 * - `attach(pipe)` when a peer appears (inproc connect/bind, a tcp/ipc connection
 *   accepted, or a connect endpoint created: its pipe exists before any connection);
 *   `accepts(pipe)`, if present, is asked first and may refuse (PAIR exclusivity).
 * - `detach(pipe)` when the pipe is gone for good. The socket type forgets it at once;
 *   messages still queued in it are dropped unless the type says otherwise.
 * - `send(msg)` / `recv()` for each application call; `hasOut()` / `hasIn()` for
 *   polling (`XS_EVENTS`) and for deciding whether a blocked call can proceed.
 * - `setOption` / `getOption` for type-specific options before the generic table.
 *
 * Ownership: `send` takes the parts (they may be written to a pipe by reference); `recv`
 * returns parts the application owns; parts read and kept across calls are listed by
 * `retained` (for reference-counted content).
 *
 * Runs on: API thread.
 */
import type { Pipe, SubscriptionRole } from "../pipe/mod.ts";

/** What a socket type can read of its socket. */
export interface ProtocolHost {
  /** The socket's current option values (read at call time). */
  readonly options: {
    readonly sndhwm: number;
    readonly rcvhwm: number;
    readonly identity: Uint8Array;
    readonly surveyTimeout: number;
    readonly filter: number;
    readonly protocol: number;
    readonly routerMandatory?: number;
  };
}

/** One socket instance's type-specific behaviour. */
export interface Protocol {
  /** May this new pipe join? Absent = always. A refused pipe is closed by the caller. */
  accepts?(pipe: Pipe): boolean;
  /** A peer's pipe is ready for use. */
  attach(pipe: Pipe): void;
  /** A pipe is gone; forget it. */
  detach(pipe: Pipe): void;
  /**
   * A connect-side pipe (attached since `connect`) got a connection (`pipe.connections`
   * counts them): its peer, `peerIdentity` and `peerVersion` may have changed. On a
   * re-made connection (connections > 1) unsent subscription traffic was lost with the
   * old one; SUB/XSUB write their whole set again then. The first connection carries
   * what was queued before it.
   */
  pipeUp?(pipe: Pipe): void;
  /** Sends one whole message: 0, or an errno (`EAGAIN`, `ENOTSUP`, `EFSM`, `EINVAL`). */
  send(msg: Uint8Array[]): number;
  /**
   * Receives one whole message, or returns an errno (`EAGAIN`, `ENOTSUP`, `EFSM`, ...).
   * Its parts are backed by ArrayBuffers, as `Pipe.read` gives them.
   */
  recv(): Uint8Array<ArrayBuffer>[] | number;
  /** True if `recv` would return a message now. */
  hasIn(): boolean;
  /** True if `send` would succeed now. */
  hasOut(): boolean;
  /**
   * Whether a message whose first part is `first` (with parts after it if `more`) could be
   * sent now: 0, `EAGAIN` (not yet: its peer is at its HWM), or the errno its send fails with
   * (XREP with XS_ROUTER_MANDATORY: `EHOSTUNREACH`). A send blocked on that message waits
   * for this rather than `hasOut`, and the C face asks it at a message's first part. Absent =
   * `hasOut() ? 0 : EAGAIN`.
   */
  sendable?(first: Uint8Array, more: boolean): number;
  /**
   * True if messages addressed to `id` reach a peer now (XREP: a routing id in use, which a
   * connect's XS_CONNECT_ROUTING_ID must not repeat). Absent = false.
   */
  routes?(id: Uint8Array): boolean;
  /**
   * Why a send cannot start now regardless of room: 0 (it may), `ENOTSUP` (this type
   * never sends), `EFSM` (wrong state, e.g. REQ awaiting a reply) or `EINVAL` (`more`:
   * the first part has XS_SNDMORE and this type takes single-part messages only). The C
   * face asks this at the first part of a message, where upstream fails at once.
   * Absent = 0.
   */
  sendState?(more: boolean): number;
  /** Like `sendState` for receiving (absent = 0). */
  recvState?(): number;
  /**
   * A time (performance.now() based) at which `recv` stops answering EAGAIN without any
   * message arriving (SURVEYOR: the survey deadline, after which it answers
   * `ETIMEDOUT`), or Infinity if none. lib/core/socket.ts wakes a waiting receive then and
   * calls `recv` again. Absent = Infinity.
   */
  deadline?(): number;
  /**
   * The parts read from pipes that the type keeps between calls: a message taken ahead
   * (SUB, SURVEYOR), the route of a request being answered (REP, RESPONDENT), queued
   * subscription messages (XPUB). lib/core/socket.ts asks after each call while it holds
   * parts with reference-counted content (lib/pipe/shared_content.ts): what was read and
   * is neither handed out nor kept here was dropped, and its reference is released.
   * Absent = keeps nothing.
   */
  retained?(): readonly Uint8Array[];
  /**
   * Sets a type-specific option. Returns 0, an errno, or `undefined` when the option is
   * not one of this type's (the generic table then handles it).
   */
  setOption?(option: number, value: number | Uint8Array): number | undefined;
}

/** The identity of a socket type: one per file in this folder. */
export interface ProtocolInfo {
  /** The `XS_*` number. */
  readonly number: number;
  /** The Crossroads name ("XREQ"). */
  readonly name: string;
  /** The name announced in ZMTP/3 READY ("DEALER" for XREQ). */
  readonly zmtpName: string;
  /** ZMTP names of the compatible peer types (docs/wire.md §3.5). */
  readonly peers: readonly string[];
  /** True if connections of this type exchange identity frames (REQ/REP/XREQ/XREP). */
  readonly sendsIdentity: boolean;
  /**
   * Subscriptions on this type's connections (lib/pipe/subscription.ts): `"sends"` for
   * SUB/XSUB, `"receives"` for PUB/XPUB. Absent = `"none"`. The worker's session reads
   * it (through `WireOptions`) instead of the type's name.
   */
  readonly subscriptions?: SubscriptionRole;
  /** Default option overrides (SUB/XSUB: sndhwm 0, linger 0). */
  readonly defaults?: { sndhwm?: number; linger?: number };
  /**
   * True if messages not yet sent are discarded at close whatever XS_LINGER says
   * (XSURVEYOR/SURVEYOR: upstream `delay_on_close = false`; the responses could not be
   * routed anyway). lib/core/socket.ts then closes with linger 0. Absent = false.
   */
  readonly dropsOnClose?: boolean;
  /** Makes the state machine of one socket. */
  create(host: ProtocolHost): Protocol;
}
