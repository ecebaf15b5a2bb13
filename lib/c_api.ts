/**
 * The Crossroads C face: `xs_init`, `xs_term`, `xs_setctxopt`, `xs_socket`, `xs_close`,
 * `xs_setsockopt`, `xs_getsockopt`, `xs_bind`, `xs_connect`, `xs_shutdown`, `xs_send`,
 * `xs_recv`, `xs_sendmsg`, `xs_recvmsg`, `xs_version`, `xs_errno`, `xs_strerror`
 * (api.md rule 1, crossroads-behavior.md §2). Messages are in c_msg.ts, polling and the
 * stopwatch in c_poll.ts.
 *
 * Every `int` function returns the C success value or -1 with `xs_errno()` set; pointer
 * functions return an object or null. Nothing here throws for a condition the man pages
 * list. Blocking calls block the calling thread (lib/socket.ts waits on the context's
 * doorbell).
 *
 * Multi-part messages: the engine moves whole messages, so parts sent with `XS_SNDMORE`
 * are collected here and handed over with the last part; the first part checks that
 * the socket can send (waiting per `XS_SNDTIMEO`, EAGAIN under `XS_DONTWAIT`), as
 * upstream writes the first part to a pipe at once. Received messages are handed out
 * one part per call, with `XS_RCVMORE` following them.
 *
 * Runs on: API thread.
 */
import * as C from "./constants.ts";
import { fail, getErrno, strerror } from "./errors.ts";
import { GET_ONLY, optionKind } from "./options.ts";
import { ContextCore } from "./context.ts";
import type { SocketCore } from "./socket.ts";
import {
  msgEmpty,
  msgLive,
  msgPayload,
  msgReceived,
  msgSent,
  readI64,
  readInt,
  writeI64,
  writeInt,
  type xs_msg_t,
} from "./c_msg.ts";

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

interface CtxState {
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
  inParts: Uint8Array[];
  inNext: number;
}

const contexts = new WeakMap<object, CtxState>();
const sockets = new WeakMap<object, SockState>();

/** Types that can never send: ENOTSUP already at the first part (upstream xsend). */
const CANNOT_SEND = new Set([C.XS_PULL, C.XS_SUB]);

function ctxOf(ctx: unknown): CtxState | null {
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

// ---------------------------------------------------------------- version, errors

/**
 * Reports the library version (`xs_version(3)`): 1, 2, 0.
 *
 * @param major holder for the major version
 * @param minor holder for the minor version
 * @param patch holder for the patch level
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const major = { value: 0 }, minor = { value: 0 }, patch = { value: 0 };
 * xs.xs_version(major, minor, patch);
 * console.log(`${major.value}.${minor.value}.${patch.value}`); // 1.2.0
 * ```
 */
export function xs_version(
  major: { value: number } | null,
  minor: { value: number } | null,
  patch: { value: number } | null,
): void {
  if (major) major.value = C.XS_VERSION_MAJOR;
  if (minor) minor.value = C.XS_VERSION_MINOR;
  if (patch) patch.value = C.XS_VERSION_PATCH;
}

/**
 * The calling thread's errno, set by the last failing call (`xs_errno(3)`).
 *
 * @returns the error number
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * if (xs.xs_close(null) === -1) console.log(xs.xs_errno() === xs.ENOTSOCK); // true
 * ```
 */
export function xs_errno(): number {
  return getErrno();
}

/**
 * A readable text for an error number (`xs_strerror(3)`); never empty.
 *
 * @param errnum the error number
 * @returns the text
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * console.log(xs.xs_strerror(xs.ETERM)); // "Context was terminated"
 * ```
 */
export function xs_strerror(errnum: number): string {
  return strerror(errnum);
}

// ---------------------------------------------------------------- context

/**
 * Creates a context (`xs_init(3)`). No thread starts until a socket needs one.
 *
 * @returns a context handle
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * console.log(xs.xs_term(ctx)); // 0
 * ```
 */
export function xs_init(): XsContext {
  const h = new XsContext(TOKEN);
  contexts.set(h, { core: new ContextCore(), freed: false });
  return h;
}

/**
 * Terminates a context (`xs_term(3)`): calls on its sockets fail with ETERM from now
 * on, sockets still open are closed, and the call blocks until every socket finished
 * lingering (`XS_LINGER`), then stops the I/O worker. The handle is dead afterwards.
 *
 * @param ctx a context handle
 * @returns 0, or -1 with errno EFAULT (not a live context)
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PAIR);
 * xs.xs_close(s);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_term(ctx: XsContext | null): number {
  const st = ctxOf(ctx);
  if (!st) return fail(C.EFAULT);
  const rc = st.core.termSync();
  if (rc !== 0) return rc;
  st.freed = true;
  return 0;
}

/**
 * Sets a context option (`xs_setctxopt(3)`): `XS_MAX_SOCKETS` (≥ 0) or `XS_IO_THREADS`
 * (≥ 1), each a C `int` with `optvallen` 4. Accepted and ignored once the context made
 * its first socket. `XS_PLUGIN` (filter plug-ins) is not supported: ENOTSUP.
 *
 * @param ctx a context handle
 * @param option the option number
 * @param optval an `Int32Array` (any view in platform byte order) or a plain number
 * @param optvallen must be 4 for a view (optional with a plain number)
 * @returns 0, or -1 with errno EFAULT (bad context), EINVAL (option, size or value)
 *
 * @example Limiting a context to one socket
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * xs.xs_setctxopt(ctx, xs.XS_MAX_SOCKETS, new Int32Array([1]), 4);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_setctxopt(
  ctx: XsContext | null,
  option: number,
  optval: ArrayBufferView | number | null,
  optvallen?: number,
): number {
  const st = ctxOf(ctx);
  if (!st) return fail(C.EFAULT);
  if (option === C.XS_PLUGIN) return fail(optval == null ? C.EFAULT : C.ENOTSUP);
  if (option !== C.XS_MAX_SOCKETS && option !== C.XS_IO_THREADS) return fail(C.EINVAL);
  const v = intArg(optval, optvallen);
  if (typeof v !== "number" || v < 0) return fail(typeof v === "object" ? v.errno : C.EINVAL);
  if (option === C.XS_IO_THREADS && v < 1) return fail(C.EINVAL);
  // The numeric options are read once, when the first socket is made.
  if (!st.core.started) {
    if (option === C.XS_MAX_SOCKETS) st.core.maxSockets = v;
    else st.core.ioThreads = v;
  }
  return 0;
}

/** Reads a C int argument: a view with length 4, or a plain integer. */
function intArg(optval: unknown, optvallen: number | undefined): number | { errno: number } {
  if (typeof optval === "number") {
    if (optvallen !== undefined && optvallen !== 4) return { errno: C.EINVAL };
    if (!Number.isInteger(optval) || optval < -0x80000000 || optval > 0x7fffffff) {
      return { errno: C.EINVAL };
    }
    return optval;
  }
  if (ArrayBuffer.isView(optval)) {
    if (optvallen !== 4) return { errno: C.EINVAL };
    if (optval.byteLength < 4) return { errno: C.EFAULT };
    return readInt(optval);
  }
  return { errno: optval == null ? C.EFAULT : C.EINVAL };
}

// ---------------------------------------------------------------- sockets

/**
 * Creates a socket of `type` (`xs_socket(3)`), e.g. `XS_PUSH`.
 *
 * @param ctx a context handle
 * @param type a socket type constant
 * @returns the socket, or null with errno EFAULT (bad context), ETERM, EMFILE
 *   (`XS_MAX_SOCKETS` reached) or EINVAL (unknown or not yet implemented type)
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const push = xs.xs_socket(ctx, xs.XS_PUSH);
 * xs.xs_close(push);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_socket(ctx: XsContext | null, type: number): XsSocket | null {
  const st = ctxOf(ctx);
  if (!st) return fail(C.EFAULT), null;
  const core = st.core.socket(type);
  if (typeof core === "number") return fail(core), null;
  const h = new XsSocket(TOKEN);
  sockets.set(h, { core, ctx: st, closed: false, out: [], inParts: [], inNext: 0 });
  return h;
}

/**
 * Closes a socket (`xs_close(3)`) at once; queued outbound messages are flushed in the
 * background per `XS_LINGER`, a message half-sent with `XS_SNDMORE` is discarded.
 *
 * @param s a socket handle
 * @returns 0, or -1 with errno ENOTSOCK (not a socket, or already closed)
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PULL);
 * console.log(xs.xs_close(s), xs.xs_close(s)); // 0 -1
 * xs.xs_term(ctx);
 * ```
 */
export function xs_close(s: XsSocket | null): number {
  const st = sockOf(s);
  if (!st) return fail(C.ENOTSOCK);
  st.closed = true;
  st.out = [];
  st.inParts = [];
  // After xs_term the engine closed it already; closing it again is still success.
  if (!st.core.closed) st.core.close();
  return 0;
}

/**
 * Sets a socket option (`xs_setsockopt(3)`). `optval` is a view in platform byte order
 * with `optvallen` checked as in C (`Int32Array` and 4 for `int` options,
 * `BigInt64Array`/`BigUint64Array` and 8 for `XS_AFFINITY`/`XS_MAXMSGSIZE`, a
 * `Uint8Array` and its length for binary ones), or for convenience a plain `number`,
 * `bigint` or `string` (UTF-8), with `optvallen` optional.
 *
 * @param s a socket handle
 * @param option the option number
 * @param optval the value
 * @param optvallen its size in bytes
 * @returns 0, or -1 with errno ENOTSOCK, ETERM, EINVAL (unknown, get-only, bad size or
 *   value), ENOTSUP (`XS_SURVEY_TIMEOUT` on a type other than SURVEYOR), EFAULT
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PULL);
 * xs.xs_setsockopt(s, xs.XS_RCVHWM, new Int32Array([10]), 4);
 * xs.xs_setsockopt(s, xs.XS_LINGER, 0);
 * xs.xs_close(s);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_setsockopt(
  s: XsSocket | null,
  option: number,
  optval: ArrayBufferView | number | bigint | string | null,
  optvallen?: number,
): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  const core = st!.core;
  if (option === C.XS_SURVEY_TIMEOUT && core.info.number !== C.XS_SURVEYOR) return fail(C.ENOTSUP);
  const kind = optionKind(option);
  if (kind === undefined || GET_ONLY.has(option)) return fail(C.EINVAL);
  let value: number | bigint | Uint8Array;
  if (kind === "int") {
    if (typeof optval === "bigint") optval = Number(optval);
    const v = intArg(optval, optvallen);
    if (typeof v !== "number") return fail(v.errno);
    value = v;
  } else if (kind === "i64") {
    if (typeof optval === "number" || typeof optval === "bigint") {
      if (optvallen !== undefined && optvallen !== 8) return fail(C.EINVAL);
      if (typeof optval === "number" && !Number.isSafeInteger(optval)) return fail(C.EINVAL);
      value = BigInt(optval);
    } else if (ArrayBuffer.isView(optval)) {
      if (optvallen !== 8) return fail(C.EINVAL);
      if (optval.byteLength < 8) return fail(C.EFAULT);
      value = readI64(optval, option === C.XS_MAXMSGSIZE);
    } else {
      return fail(optval == null ? C.EFAULT : C.EINVAL);
    }
    if (option === C.XS_MAXMSGSIZE) value = BigInt.asIntN(64, value);
    else value = BigInt.asUintN(64, value);
  } else {
    let bytes: Uint8Array;
    if (typeof optval === "string") bytes = new TextEncoder().encode(optval);
    else if (ArrayBuffer.isView(optval)) {
      bytes = new Uint8Array(optval.buffer, optval.byteOffset, optval.byteLength);
    } else if (optval == null) {
      if (optvallen) return fail(C.EFAULT);
      bytes = new Uint8Array(0);
    } else return fail(C.EINVAL);
    const len = optvallen ?? bytes.length;
    if (!Number.isSafeInteger(len) || len < 0) return fail(C.EINVAL);
    if (len > bytes.length) return fail(C.EFAULT);
    value = bytes.slice(0, len);
  }
  return core.setOption(option, value);
}

/**
 * Reads a socket option (`xs_getsockopt(3)`) into `optval` (a view in platform byte
 * order: `Int32Array` for `int` options, `BigInt64Array`/`BigUint64Array` for 64-bit,
 * `Uint8Array` for binary). `optvallen.value` must be at least the value's size and is
 * set to it.
 *
 * @param s a socket handle
 * @param option the option number
 * @param optval where the value is written
 * @param optvallen `{ value }`: the size of `optval` in, the value's size out
 * @returns 0, or -1 with errno ENOTSOCK, ETERM, EINVAL (unknown or set-only option,
 *   buffer too small), ENOTSUP
 *
 * @example Reading XS_RCVMORE
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PULL);
 * const more = new Int32Array(1), len = { value: 4 };
 * xs.xs_getsockopt(s, xs.XS_RCVMORE, more, len);
 * console.log(more[0], len.value); // 0 4
 * xs.xs_close(s);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_getsockopt(
  s: XsSocket | null,
  option: number,
  optval: ArrayBufferView | null,
  optvallen: { value: number } | null,
): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  if (!optvallen || typeof optvallen.value !== "number") return fail(C.EFAULT);
  let v: number | bigint | Uint8Array | null;
  if (option === C.XS_EVENTS) {
    const ev = sockEvents(st!);
    if (ev < 0) return -1;
    v = ev;
  } else {
    v = st!.core.getOption(option);
    if (v === null) return -1;
  }
  if (typeof v === "number") {
    if (optvallen.value < 4) return fail(C.EINVAL);
    if (!optval || !writeInt(optval, v)) return fail(C.EFAULT);
    optvallen.value = 4;
  } else if (typeof v === "bigint") {
    if (optvallen.value < 8) return fail(C.EINVAL);
    if (!optval || !writeI64(optval, v)) return fail(C.EFAULT);
    optvallen.value = 8;
  } else {
    if (optvallen.value < v.length) return fail(C.EINVAL);
    if (v.length) {
      if (!optval || !ArrayBuffer.isView(optval) || optval.byteLength < v.length) {
        return fail(C.EFAULT);
      }
      new Uint8Array(optval.buffer, optval.byteOffset, v.length).set(v);
    }
    optvallen.value = v.length;
  }
  return 0;
}

/**
 * Binds the socket to an endpoint (`xs_bind(3)`): `inproc://name`, `ipc:///path`,
 * `tcp://host:port` (`*` or `0` port picks a free one).
 *
 * @param s a socket handle
 * @param endpoint the endpoint
 * @returns the endpoint id (0 for inproc), or -1 with errno ENOTSOCK, ETERM, EINVAL,
 *   EPROTONOSUPPORT, EADDRINUSE, EADDRNOTAVAIL, ENODEV...
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PULL);
 * console.log(xs.xs_bind(s, "inproc://example")); // 0
 * xs.xs_close(s);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_bind(s: XsSocket | null, endpoint: string): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  return st!.core.bind(endpoint);
}

/**
 * Connects the socket to an endpoint (`xs_connect(3)`); never waits for the peer (an
 * inproc connect before the bind waits for it, crossroads-behavior.md §10.1).
 *
 * @param s a socket handle
 * @param endpoint the endpoint
 * @returns the endpoint id (0 for inproc), or -1 with errno ENOTSOCK, ETERM, EINVAL,
 *   EPROTONOSUPPORT...
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PUSH);
 * console.log(xs.xs_connect(s, "inproc://later")); // 0
 * xs.xs_close(s);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_connect(s: XsSocket | null, endpoint: string): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  return st!.core.connect(endpoint);
}

/**
 * Stops using an endpoint that `xs_bind` or `xs_connect` returned (`xs_shutdown(3)`).
 *
 * @param s a socket handle
 * @param how the endpoint id
 * @returns 0, or -1 with errno ENOTSOCK, ETERM, ENOTSUP (id ≤ 0, e.g. inproc), EINVAL
 *   (unknown id)
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PUSH);
 * console.log(xs.xs_shutdown(s, 0), xs.xs_errno() === xs.ENOTSUP); // -1 true
 * xs.xs_close(s);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_shutdown(s: XsSocket | null, how: number): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  return st!.core.shutdown(how);
}

// ---------------------------------------------------------------- send / receive

/** Waits until the socket can take the first part of a message (per flags/SNDTIMEO). */
function waitWritable(st: SockState, flags: number): number {
  const core = st.core, ctx = st.ctx.core;
  if (CANNOT_SEND.has(core.info.number)) return fail(C.ENOTSUP);
  const ev = core.events();
  if (ev < 0) return ev;
  if (ev & C.XS_POLLOUT) return 0;
  const timeout = flags & C.XS_DONTWAIT ? 0 : core.options.sndtimeo;
  if (timeout === 0) return fail(C.EAGAIN);
  const deadline = timeout < 0 ? Infinity : performance.now() + timeout;
  const ok = ctx.waitSync(deadline, () => core.closed || ctx.terminating || core.proto.hasOut());
  const e = sockState(st);
  if (e) return fail(e);
  return ok ? 0 : fail(C.EAGAIN);
}

/** Sends one part: 0 or -1 with errno. The part is owned by the library on success. */
function sendPart(st: SockState, part: Uint8Array, flags: number): number {
  if (st.out.length === 0) {
    // Out of turn (REQ awaiting a reply, REP before a request): EFSM at the first part.
    const state = st.core.proto.sendState?.((flags & C.XS_SNDMORE) !== 0) ?? 0;
    if (state) return fail(state);
  }
  if (st.out.length === 0 && flags & C.XS_SNDMORE) {
    if (waitWritable(st, flags) < 0) return -1;
  }
  if (flags & C.XS_SNDMORE) {
    st.out.push(part);
    return 0;
  }
  const msg = st.out.length ? [...st.out, part] : [part];
  if (st.core.send(msg, flags) < 0) {
    // EAGAIN may be retried with the last part; any other failure ends the message.
    if (getErrno() !== C.EAGAIN) st.out = [];
    return -1;
  }
  st.out = [];
  return 0;
}

/** Receives one part, or null with errno. */
function recvPart(st: SockState, flags: number): { part: Uint8Array; more: boolean } | null {
  let part: Uint8Array;
  if (st.inNext < st.inParts.length) {
    part = st.inParts[st.inNext++];
  } else {
    const state = st.core.proto.recvState?.() ?? 0;
    if (state) return fail(state), null;
    const parts = st.core.recv(flags);
    if (!parts) return null;
    st.inParts = parts;
    st.inNext = 1;
    part = parts[0] ?? new Uint8Array(0);
  }
  const more = st.inNext < st.inParts.length;
  if (!more) {
    st.inParts = [];
    st.inNext = 0;
  }
  st.core.rcvmore = more ? 1 : 0;
  return { part, more };
}

function checkBuf(buf: Uint8Array | null, len: number): number {
  if (!Number.isSafeInteger(len) || len < 0) return C.EINVAL;
  if (buf === null || buf === undefined) return len === 0 ? 0 : C.EFAULT;
  if (!(buf instanceof Uint8Array)) return C.EFAULT;
  return len > buf.length ? C.EFAULT : 0;
}

/**
 * Sends `len` bytes of `buf` as one message part (`xs_send(3)`); the bytes are copied.
 *
 * @param s a socket handle
 * @param buf the bytes (null allowed when `len` is 0)
 * @param len how many bytes to send
 * @param flags `XS_DONTWAIT`, `XS_SNDMORE`
 * @returns `len`, or -1 with errno EAGAIN, ENOTSUP, EFSM, ETERM, ENOTSOCK, EFAULT...
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL), push = xs.xs_socket(ctx, xs.XS_PUSH);
 * xs.xs_bind(pull, "inproc://send-example");
 * xs.xs_connect(push, "inproc://send-example");
 * console.log(xs.xs_send(push, new TextEncoder().encode("hi"), 2, 0)); // 2
 * xs.xs_close(push);
 * xs.xs_close(pull);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_send(
  s: XsSocket | null,
  buf: Uint8Array | null,
  len: number,
  flags: number,
): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  const b = checkBuf(buf, len);
  if (b) return fail(b);
  const part = len === 0 ? new Uint8Array(0) : buf!.slice(0, len);
  return sendPart(st!, part, flags | 0) < 0 ? -1 : len;
}

/**
 * Receives one message part into `buf` (`xs_recv(3)`): copies at most `len` bytes and
 * returns the full size of the part, which may be larger (silent truncation, as in C).
 *
 * @param s a socket handle
 * @param buf where the bytes go (null allowed when `len` is 0)
 * @param len room in `buf`
 * @param flags `XS_DONTWAIT`
 * @returns the part's size, or -1 with errno EAGAIN, ENOTSUP, EFSM, ETERM, ENOTSOCK...
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL);
 * console.log(xs.xs_recv(pull, new Uint8Array(8), 8, xs.XS_DONTWAIT)); // -1 (EAGAIN)
 * xs.xs_close(pull);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_recv(
  s: XsSocket | null,
  buf: Uint8Array | null,
  len: number,
  flags: number,
): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  const b = checkBuf(buf, len);
  if (b) return fail(b);
  const r = recvPart(st!, flags | 0);
  if (!r) return -1;
  const n = Math.min(len, r.part.length);
  if (n > 0) buf!.set(r.part.subarray(0, n));
  return r.part.length;
}

/**
 * Sends a message part (`xs_sendmsg(3)`). On success the library takes the content and
 * `msg` becomes a valid empty message; on failure `msg` is untouched.
 *
 * @param s a socket handle
 * @param msg a live message
 * @param flags `XS_DONTWAIT`, `XS_SNDMORE`
 * @returns the number of bytes sent, or -1 with errno EAGAIN, ENOTSUP, EFSM, ETERM,
 *   ENOTSOCK, EFAULT (message not live)...
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL), push = xs.xs_socket(ctx, xs.XS_PUSH);
 * xs.xs_bind(pull, "inproc://sendmsg-example");
 * xs.xs_connect(push, "inproc://sendmsg-example");
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init_size(msg, 6);
 * xs.xs_msg_data(msg).fill(0x41);
 * console.log(xs.xs_sendmsg(push, msg, 0), xs.xs_msg_size(msg)); // 6 0
 * xs.xs_msg_close(msg);
 * xs.xs_close(push);
 * xs.xs_close(pull);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_sendmsg(s: XsSocket | null, msg: xs_msg_t, flags: number): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  if (!msgLive(msg)) return fail(C.EFAULT);
  const part = msgPayload(msg);
  const size = part.length;
  if (sendPart(st!, part, flags | 0) < 0) return -1;
  msgSent(msg);
  return size;
}

/**
 * Receives a message part into `msg` (`xs_recvmsg(3)`), releasing its old content.
 * A receive that fails with EAGAIN empties `msg` (crossroads-behavior.md trap 3).
 *
 * @param s a socket handle
 * @param msg a live message
 * @param flags `XS_DONTWAIT`
 * @returns the part's size, or -1 with errno EAGAIN, ENOTSUP, EFSM, ETERM, ENOTSOCK,
 *   EFAULT (message not live)...
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL);
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init(msg);
 * console.log(xs.xs_recvmsg(pull, msg, xs.XS_DONTWAIT)); // -1 (EAGAIN)
 * xs.xs_msg_close(msg);
 * xs.xs_close(pull);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_recvmsg(s: XsSocket | null, msg: xs_msg_t, flags: number): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  if (!msgLive(msg)) return fail(C.EFAULT);
  const r = recvPart(st!, flags | 0);
  if (!r) {
    if (getErrno() === C.EAGAIN && st!.core.info.number !== C.XS_XPUB) msgEmpty(msg);
    return -1;
  }
  msgReceived(msg, r.part, r.more);
  return r.part.length;
}

/**
 * Extension, not in Crossroads 1.2.0 `xs.h` (which has no `XS_LAST_ENDPOINT`): the
 * endpoint of the socket's last successful bind or connect, with a port chosen by
 * `tcp://host:*` filled in (api.md §3).
 *
 * @param s a socket handle
 * @returns the endpoint ("" before any), or null with errno ENOTSOCK or ETERM
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PULL);
 * xs.xs_bind(s, "inproc://last-endpoint-example");
 * console.log(xs.xs_last_endpoint(s)); // "inproc://last-endpoint-example"
 * xs.xs_close(s);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_last_endpoint(s: XsSocket | null): string | null {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e), null;
  return st!.core.lastEndpoint;
}
