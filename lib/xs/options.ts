/**
 * The option calls of the C face: `xs_setctxopt`, `xs_setsockopt` and `xs_getsockopt`
 * (docs/behaviour.md §2). Marshals `optval` as in C: a view in platform byte order
 * whose `optvallen` is checked per option kind (`int` 4, 64-bit 8, binary its length),
 * or for convenience a plain `number`, `bigint` or `string`; option kinds and get-only
 * options come from options.ts. Failures return -1 with `xs_errno()` set.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { fail } from "../errors.ts";
import { GET_ONLY, optionKind } from "../options.ts";
import { readI64, readInt, writeI64, writeInt } from "./msg.ts";
import { ctxOf, sockEvents, sockOf, sockState, type XsContext, type XsSocket } from "./_handles.ts";

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
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const s = xs.xs_socket(ctx, xs.XS_PULL);
 * const more = new Int32Array(1), len = { value: 4 };
 * xs.xs_getsockopt(s, xs.XS_RCVMORE, more, len);
 * assert.deepEqual([more[0], len.value], [0, 4]);
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
