/**
 * The Crossroads C face: `xs_init`, `xs_term`, `xs_setctxopt`, `xs_socket`, `xs_close`,
 * `xs_setsockopt`, `xs_getsockopt`, `xs_bind`, `xs_connect`, `xs_shutdown`, `xs_send`,
 * `xs_recv`, `xs_sendmsg`, `xs_recvmsg`, `xs_version`, `xs_errno`, `xs_strerror`
 * (docs/api.md §1 rule 1, docs/behaviour.md §2), and the extensions `xs_unbind`,
 * `xs_disconnect` (libzmq's) and `xs_last_endpoint`. Messages are in msg.ts, polling and the
 * stopwatch in poll.ts.
 *
 * This file holds the context and socket life cycle, endpoints, version and errors; the
 * handles and their state are in _handles.ts, the option calls (`xs_setctxopt`,
 * `xs_setsockopt`, `xs_getsockopt`) in options.ts, and the part-wise send and receive
 * (`xs_send`, `xs_recv`, `xs_sendmsg`, `xs_recvmsg`) in io.ts; all are exported from
 * here (lib/xs/mod.ts lists what is public).
 *
 * Every `int` function returns the C success value or -1 with `xs_errno()` set; pointer
 * functions return an object or null. Nothing here throws for a condition the man pages
 * list. Blocking calls block the calling thread (lib/core/socket.ts waits on the context's
 * doorbell).
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { fail, getErrno, strerror } from "../errors.ts";
import { ContextCore } from "../core/mod.ts";
import {
  ctxOf,
  newContextHandle,
  newSocketHandle,
  sockOf,
  type SockState,
  sockState,
  type XsContext,
  type XsSocket,
} from "./_handles.ts";
import { releaseHeld } from "./io.ts";

export { sockEvents, sockOf, type SockState, sockState, XsContext, XsSocket } from "./_handles.ts";
export { xs_getsockopt, xs_setctxopt, xs_setsockopt } from "./options.ts";
export { xs_recv, xs_recvmsg, xs_send, xs_sendmsg } from "./io.ts";

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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const major = { value: 0 }, minor = { value: 0 }, patch = { value: 0 };
 * xs.xs_version(major, minor, patch);
 * assert.equal(`${major.value}.${minor.value}.${patch.value}`, "1.2.0");
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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * assert.equal(xs.xs_close(null), -1);
 * assert.equal(xs.xs_errno(), xs.ENOTSOCK);
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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * assert.equal(xs.xs_strerror(xs.ETERM), "Context was terminated");
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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * assert.equal(xs.xs_term(ctx), 0);
 * ```
 */
export function xs_init(): XsContext {
  return newContextHandle({ core: new ContextCore(), freed: false });
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
  const sock: SockState = { core, ctx: st, closed: false, out: [], inParts: [], inNext: 0 };
  // Closed by xs_close or by xs_term: what the face still holds is let go (io.ts).
  core.onClose = () => releaseHeld(sock);
  return newSocketHandle(sock);
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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PULL);
 * assert.deepEqual([xs.xs_close(s), xs.xs_close(s)], [0, -1]);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_close(s: XsSocket | null): number {
  const st = sockOf(s);
  if (!st) return fail(C.ENOTSOCK);
  st.closed = true;
  releaseHeld(st);
  // After xs_term the engine closed it already; closing it again is still success.
  if (!st.core.closed) st.core.close();
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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PULL);
 * assert.equal(xs.xs_bind(s, "inproc://example"), 0);
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
 * inproc connect before the bind waits for it, docs/behaviour.md §10.1).
 *
 * @param s a socket handle
 * @param endpoint the endpoint
 * @returns the endpoint id (0 for inproc), or -1 with errno ENOTSOCK, ETERM, EINVAL,
 *   EPROTONOSUPPORT...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PUSH);
 * assert.equal(xs.xs_connect(s, "inproc://later"), 0);
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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PUSH);
 * assert.deepEqual([xs.xs_shutdown(s, 0), xs.xs_errno() === xs.ENOTSUP], [-1, true]);
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

/**
 * Extension, not in Crossroads 1.2.0 (libzmq's zmq_unbind(3)): stops the socket's bind to
 * `endpoint`, as `xs_shutdown` does by id (its listener and the connections it accepted
 * end; docs/behaviour.md §2.3). A tcp bind is named by its resolved address: after a bind
 * to a wildcard (`tcp://*:*`), the one `xs_last_endpoint` gives. An inproc unbind frees the
 * name and leaves the connections made through it.
 *
 * @param s a socket handle
 * @param endpoint the bound endpoint
 * @returns 0, or -1 with errno ENOTSOCK, ETERM, EINVAL (not an endpoint string),
 *   EPROTONOSUPPORT (unknown transport), ENOENT (the socket has not bound it)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PULL);
 * xs.xs_bind(s, "inproc://unbind-example");
 * assert.equal(xs.xs_unbind(s, "inproc://unbind-example"), 0);
 * assert.deepEqual([xs.xs_unbind(s, "inproc://unbind-example"), xs.xs_errno()], [-1, xs.ENOENT]);
 * xs.xs_close(s);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_unbind(s: XsSocket | null, endpoint: string): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  return st!.core.unbind(endpoint);
}

/**
 * Extension, not in Crossroads 1.2.0 (libzmq's zmq_disconnect(3)): ends the socket's
 * connects to `endpoint`, named as it was given to `xs_connect` (every connect of that
 * string), as `xs_shutdown` does by id: the connection and its reconnection attempts end,
 * messages queued on it follow `XS_LINGER`.
 *
 * @param s a socket handle
 * @param endpoint the connected endpoint
 * @returns 0, or -1 with errno ENOTSOCK, ETERM, EINVAL (not an endpoint string),
 *   EPROTONOSUPPORT (unknown transport), ENOENT (the socket is not connected to it)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PUSH);
 * xs.xs_connect(s, "inproc://disconnect-example");
 * assert.equal(xs.xs_disconnect(s, "inproc://disconnect-example"), 0);
 * assert.deepEqual([xs.xs_disconnect(s, "inproc://elsewhere"), xs.xs_errno()], [-1, xs.ENOENT]);
 * xs.xs_close(s);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_disconnect(s: XsSocket | null, endpoint: string): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  return st!.core.disconnect(endpoint);
}

/**
 * Extension, not in Crossroads 1.2.0 `xs.h` (which has no `XS_LAST_ENDPOINT`): the
 * endpoint of the socket's last successful bind or connect, with a port chosen by
 * `tcp://host:*` filled in (docs/api.md §3).
 *
 * @param s a socket handle
 * @returns the endpoint ("" before any), or null with errno ENOTSOCK or ETERM
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PULL);
 * xs.xs_bind(s, "inproc://last-endpoint-example");
 * assert.equal(xs.xs_last_endpoint(s), "inproc://last-endpoint-example");
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
