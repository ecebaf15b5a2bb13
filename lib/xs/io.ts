/**
 * Sending and receiving on the C face: `xs_send`, `xs_recv`, `xs_sendmsg`, `xs_recvmsg`
 * (docs/behaviour.md §2), one message part per call.
 *
 * Multi-part messages: the engine moves whole messages, so parts sent with `XS_SNDMORE`
 * are collected here and handed over with the last part; the first part checks that
 * the socket can send (waiting per `XS_SNDTIMEO`, EAGAIN under `XS_DONTWAIT`), as
 * upstream writes the first part to a pipe at once. Received messages are handed out
 * one part per call, with `XS_RCVMORE` following them. Blocking calls block the calling
 * thread (lib/core/socket.ts `waitWritable` and its blocking calls, which wait through
 * lib/core/waiting.ts).
 *
 * Content sent by reference (`xs_msg_init_data`, lib/pipe/shared_content.ts): the
 * reference of a part sent with `XS_SNDMORE` waits with it here and is released once
 * the whole message went (each inproc queue holds its own), or when the message is given
 * up; a received part's reference stays here until `xs_recvmsg` hands it to a message,
 * `xs_recv` copied it, or the socket closes (`releaseHeld`).
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { fail, getErrno } from "../errors.ts";
import {
  msgEmpty,
  msgLive,
  msgPayload,
  msgReceived,
  msgSent,
  partDropped,
  type xs_msg_t,
} from "./msg.ts";
import { sockOf, type SockState, sockState, type XsSocket } from "./_handles.ts";

/** Types that can never send: ENOTSUP already at the first part (upstream xsend). */
const CANNOT_SEND = new Set([C.XS_PULL, C.XS_SUB]);

/**
 * Waits until the socket can take a message whose first part is `first` (per
 * flags/SNDTIMEO). A ROUTER with XS_ROUTER_MANDATORY refuses here a message it cannot route
 * (EHOSTUNREACH) and waits for room at its peer, as libzmq does at the first part, so a
 * refused message leaves nothing half sent.
 */
function waitWritable(st: SockState, flags: number, first: Uint8Array): number {
  const core = st.core;
  if (CANNOT_SEND.has(core.info.number)) return fail(C.ENOTSUP);
  const ev = core.events();
  if (ev < 0) return ev;
  let rc = core.sendable(first, true);
  if (rc !== C.EAGAIN) return rc === 0 ? 0 : fail(rc);
  const timeout = flags & C.XS_DONTWAIT ? 0 : core.options.sndtimeo;
  if (timeout === 0) return fail(C.EAGAIN);
  const deadline = timeout < 0 ? Infinity : performance.now() + timeout;
  const ok = core.waitWritable(deadline, first, true);
  const e = sockState(st);
  if (e) return fail(e);
  if (!ok) return fail(C.EAGAIN);
  // Ready, or refused after all (the peer left while we waited).
  rc = core.sendable(first, true);
  return rc === 0 || rc === C.EAGAIN ? 0 : fail(rc);
}

/** Sends one part: 0 or -1 with errno. The part is owned by the library on success. */
function sendPart(st: SockState, part: Uint8Array, flags: number): number {
  if (st.out.length === 0) {
    // Out of turn (REQ awaiting a reply, REP before a request): EFSM at the first part.
    const state = st.core.sendState((flags & C.XS_SNDMORE) !== 0);
    if (state) return fail(state);
  }
  if (st.out.length === 0 && flags & C.XS_SNDMORE) {
    if (waitWritable(st, flags, part) < 0) return -1;
  }
  if (flags & C.XS_SNDMORE) {
    st.out.push(part);
    return 0;
  }
  const msg = st.out.length ? [...st.out, part] : [part];
  if (st.core.send(msg, flags) < 0) {
    // EAGAIN may be retried with the last part; any other failure ends the message.
    if (getErrno() !== C.EAGAIN) dropOut(st);
    return -1;
  }
  // The pipes that took the message hold their own references now.
  dropOut(st);
  return 0;
}

/** Gives up the parts collected with XS_SNDMORE (sent, or never to be). */
function dropOut(st: SockState): void {
  const out = st.out;
  st.out = [];
  for (const p of out) partDropped(p);
}

/**
 * Releases what the C face holds for a socket: the parts of a message half sent and of
 * one half received (xs_close, or the context's term closing the socket).
 */
export function releaseHeld(st: SockState): void {
  dropOut(st);
  const rest = st.inParts.slice(st.inNext);
  st.inParts = [];
  st.inNext = 0;
  for (const p of rest) partDropped(p);
}

/** Receives one part, or null with errno. */
function recvPart(
  st: SockState,
  flags: number,
):
  | { part: Uint8Array<ArrayBuffer>; more: boolean; properties: Record<string, string> | null }
  | null {
  let part: Uint8Array<ArrayBuffer>;
  if (st.inNext < st.inParts.length) {
    part = st.inParts[st.inNext++]!;
  } else {
    const state = st.core.recvState();
    if (state) return fail(state), null;
    const parts = st.core.recv(flags);
    if (!parts) return null;
    st.inParts = parts;
    st.inNext = 1;
    part = parts[0] ?? new Uint8Array(0);
  }
  const more = st.inNext < st.inParts.length;
  const properties = (st.inParts as { properties?: Record<string, string> }).properties ?? null;
  if (!more) {
    st.inParts = [];
    st.inNext = 0;
  }
  st.core.rcvmore = more ? 1 : 0;
  return { part, more, properties };
}

/** The socket behind `s` when it and `buf`/`len` are usable; else null with errno set. */
function usable(s: XsSocket | null, buf: Uint8Array | null, len: number): SockState | null {
  const st = sockOf(s);
  const e = sockState(st) || checkBuf(buf, len);
  if (e) {
    fail(e);
    return null;
  }
  return st;
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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL), push = xs.xs_socket(ctx, xs.XS_PUSH);
 * xs.xs_bind(pull, "inproc://send-example");
 * xs.xs_connect(push, "inproc://send-example");
 * assert.equal(xs.xs_send(push, new TextEncoder().encode("hi"), 2, 0), 2);
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
  const st = usable(s, buf, len);
  if (st === null) return -1;
  const part = len === 0 ? new Uint8Array(0) : buf!.slice(0, len);
  return sendPart(st, part, flags | 0) < 0 ? -1 : len;
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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL);
 * assert.equal(xs.xs_recv(pull, new Uint8Array(8), 8, xs.XS_DONTWAIT), -1); // EAGAIN
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
  const st = usable(s, buf, len);
  if (st === null) return -1;
  const r = recvPart(st, flags | 0);
  if (!r) return -1;
  const n = Math.min(len, r.part.length);
  if (n > 0) buf!.set(r.part.subarray(0, n));
  partDropped(r.part);
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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL), push = xs.xs_socket(ctx, xs.XS_PUSH);
 * xs.xs_bind(pull, "inproc://sendmsg-example");
 * xs.xs_connect(push, "inproc://sendmsg-example");
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init_size(msg, 6);
 * xs.xs_msg_data(msg).fill(0x41);
 * assert.deepEqual([xs.xs_sendmsg(push, msg, 0), xs.xs_msg_size(msg)], [6, 0]);
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
  // The message's reference goes with its part (released after the whole message went).
  const more = (flags & C.XS_SNDMORE) !== 0;
  if (sendPart(st!, part, flags | 0) < 0) return -1;
  msgSent(msg, more);
  return size;
}

/**
 * Receives a message part into `msg` (`xs_recvmsg(3)`), releasing its old content.
 * A receive that fails with EAGAIN empties `msg` (docs/behaviour.md §8 trap 3).
 *
 * @param s a socket handle
 * @param msg a live message
 * @param flags `XS_DONTWAIT`
 * @returns the part's size, or -1 with errno EAGAIN, ENOTSUP, EFSM, ETERM, ENOTSOCK,
 *   EFAULT (message not live)...
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL);
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init(msg);
 * assert.equal(xs.xs_recvmsg(pull, msg, xs.XS_DONTWAIT), -1); // EAGAIN
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
  msgReceived(msg, r.part, r.more, r.properties);
  return r.part.length;
}
