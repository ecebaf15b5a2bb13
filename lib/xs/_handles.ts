/**
 * The handles of the C face: the opaque `XsContext` / `XsSocket` objects that `xs_init`
 * and `xs_socket` hand out, and what the C face keeps behind each (the engine's
 * ContextCore / SocketCore, the closed flags, parts of a message being sent with
 * `XS_SNDMORE` and parts of a received one not yet handed out). Shared by api.ts,
 * options.ts, io.ts and poll.ts.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import type { ContextCore, SocketCore } from "../core/mod.ts";

const TOKEN = Symbol("xs handle");

/**
 * An opaque context handle, as returned by {@linkcode xs_init} (C's `void *`).
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx: xs.XsContext = xs.xs_init();
 * xs.xs_term(ctx);
 * ```
 */
export class XsContext {
  /**
   * Not for users: contexts come from `xs_init()`.
   * @param token internal
   */
  constructor(token: symbol) {
    if (token !== TOKEN) throw new TypeError("Use xs_init() to make a context");
  }
}

/**
 * An opaque socket handle, as returned by {@linkcode xs_socket} (C's `void *`).
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s: xs.XsSocket | null = xs.xs_socket(ctx, xs.XS_PUSH);
 * xs.xs_close(s);
 * xs.xs_term(ctx);
 * ```
 */
export class XsSocket {
  /**
   * Not for users: sockets come from `xs_socket()`.
   * @param token internal
   */
  constructor(token: symbol) {
    if (token !== TOKEN) throw new TypeError("Use xs_socket() to make a socket");
  }
}

/** What the C face keeps per context beyond the engine's ContextCore. */
export interface CtxState {
  core: ContextCore;
  /** xs_term returned: the handle is dead. */
  freed: boolean;
}

/** What the C face keeps per socket beyond the engine's SocketCore. */
export interface SockState {
  core: SocketCore;
  ctx: CtxState;
  /** xs_close was called on this handle. */
  closed: boolean;
  /** Parts of a message being sent with XS_SNDMORE. */
  out: Uint8Array[];
  /** Parts of the last received message not yet handed out, from `inNext`. */
  inParts: Uint8Array<ArrayBuffer>[];
  inNext: number;
}

const contexts = new WeakMap<object, CtxState>();
const sockets = new WeakMap<object, SockState>();

/** The context state of a handle, or null (not a context or terminated). */
export function ctxOf(ctx: unknown): CtxState | null {
  if (typeof ctx !== "object" || ctx === null) return null;
  const st = contexts.get(ctx);
  return st && !st.freed ? st : null;
}

/** The socket state of a handle, or null (not a socket or closed by the user). */
export function sockOf(s: unknown): SockState | null {
  if (typeof s !== "object" || s === null) return null;
  const st = sockets.get(s);
  return st && !st.closed ? st : null;
}

/** The errno a socket call must fail with before doing anything, or 0. */
export function sockState(st: SockState | null): number {
  if (!st) return C.ENOTSOCK;
  if (st.ctx.core.terminating) return C.ETERM;
  if (st.core.closed) return C.ENOTSOCK;
  return 0;
}

/** XS_EVENTS as the C face sees it (parts still to hand out count as POLLIN). */
export function sockEvents(st: SockState): number {
  const e = st.core.events();
  if (e < 0) return e;
  return st.inNext < st.inParts.length ? e | C.XS_POLLIN : e;
}

/** Makes the handle of a new context and records its state. */
export function newContextHandle(st: CtxState): XsContext {
  const h = new XsContext(TOKEN);
  contexts.set(h, st);
  return h;
}

/** Makes the handle of a new socket and records its state. */
export function newSocketHandle(st: SockState): XsSocket {
  const h = new XsSocket(TOKEN);
  sockets.set(h, st);
  return h;
}
