/**
 * The message functions of the Crossroads C face: `xs_msg_*` and `xs_getmsgopt`
 * (docs/behaviour.md §2.5), the C `int` / 64-bit value helpers they share with
 * options.ts, and the hooks io.ts uses to hand a message to a socket and back. The
 * message storage (`xs_msg_t`, its content and state) is in msg_t.ts.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { fail } from "../errors.ts";
import { contentOf, shareContent } from "../core/mod.ts";
import {
  type Content,
  EMPTY,
  init,
  live,
  liveOrThrow,
  release,
  type xs_free_fn,
  xs_msg_t,
} from "./msg_t.ts";

// io.ts takes the message type from here, with the hooks at the end of this file.
export type { xs_msg_t } from "./msg_t.ts";

/**
 * Initialises `msg` as an empty message (`xs_msg_init(3)`).
 *
 * @param msg the storage to initialise
 * @returns 0, or -1 with errno EFAULT if `msg` is not an `xs_msg_t`
 *
 * @example Receiving into an empty message
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init(msg);
 * assert.equal(xs.xs_msg_size(msg), 0);
 * xs.xs_msg_close(msg);
 * ```
 */
export function xs_msg_init(msg: xs_msg_t): number {
  return init(msg, null);
}

/**
 * Initialises `msg` with `size` zeroed bytes the caller may fill (`xs_msg_init_size(3)`).
 *
 * @param msg the storage to initialise
 * @param size number of bytes
 * @returns 0, or -1 with errno EINVAL (size not a non-negative integer), ENOMEM or EFAULT
 *
 * @example Filling a message
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init_size(msg, 3);
 * xs.xs_msg_data(msg).set([1, 2, 3]);
 * xs.xs_msg_close(msg);
 * ```
 */
export function xs_msg_init_size(msg: xs_msg_t, size: number): number {
  if (!(msg instanceof xs_msg_t)) return fail(C.EFAULT);
  if (!Number.isSafeInteger(size) || size < 0) return fail(C.EINVAL);
  let data: Uint8Array;
  try {
    data = size === 0 ? EMPTY : new Uint8Array(size);
  } catch {
    return fail(C.ENOMEM);
  }
  return init(msg, { data, refs: 1, free: null, local: true });
}

/**
 * Initialises `msg` over the caller's buffer without copying it (`xs_msg_init_data(3)`).
 * `ffn(data, hint)`, if given, is called exactly once when the library no longer needs
 * the buffer: when the last message sharing it was closed. Sent over inproc, the buffer
 * itself reaches the receivers (no copy: they see the same memory), and `ffn` runs
 * once the last of them closed its message (or received into it); sent over tcp, ipc
 * or ws, the bytes are copied when the send succeeds, and `ffn` runs then
 * (docs/behaviour.md §10.17).
 *
 * @param msg the storage to initialise
 * @param data the bytes (an `ArrayBuffer` or any view)
 * @param size how many bytes of `data` form the message
 * @param ffn the free function, or null/undefined for none
 * @param hint passed to `ffn`
 * @returns 0, or -1 with errno EINVAL (`size` larger than `data`) or EFAULT
 *
 * @example Wrapping a buffer
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const buf = new TextEncoder().encode("hello");
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init_data(msg, buf, buf.length, (d, hint) => console.log("freed", hint), 7);
 * xs.xs_msg_close(msg); // logs "freed 7"
 * ```
 */
export function xs_msg_init_data(
  msg: xs_msg_t,
  data: ArrayBuffer | ArrayBufferView,
  size: number,
  ffn?: xs_free_fn | null,
  hint?: unknown,
): number {
  if (!(msg instanceof xs_msg_t)) return fail(C.EFAULT);
  let view: Uint8Array;
  if (
    data instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer !== "undefined" && data instanceof SharedArrayBuffer)
  ) {
    view = new Uint8Array(data as ArrayBuffer);
  } else if (ArrayBuffer.isView(data)) {
    view = new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  } else {
    return fail(C.EFAULT);
  }
  if (!Number.isSafeInteger(size) || size < 0 || size > view.length) return fail(C.EINVAL);
  if (ffn != null && typeof ffn !== "function") return fail(C.EINVAL);
  const free = ffn ? () => ffn(data, hint) : null;
  return init(msg, { data: view.subarray(0, size), refs: 1, free });
}

/**
 * Releases the message (`xs_msg_close(3)`); it is dead afterwards.
 *
 * @param msg a live message
 * @returns 0, or -1 with errno EFAULT if `msg` is not live
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init(msg);
 * assert.deepEqual([xs.xs_msg_close(msg), xs.xs_msg_close(msg)], [0, -1]);
 * ```
 */
export function xs_msg_close(msg: xs_msg_t): number {
  const st = live(msg);
  if (!st) return fail(C.EFAULT);
  st.live = false;
  const c = st.content;
  st.content = null;
  release(c);
  return 0;
}

/**
 * Moves the content of `src` into `dest` (`xs_msg_move(3)`): `dest`'s old content is
 * released and `src` becomes empty.
 *
 * @param dest a live message
 * @param src a live message
 * @returns 0, or -1 with errno EFAULT if either is not live
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const a = new xs.xs_msg_t(), b = new xs.xs_msg_t();
 * xs.xs_msg_init_size(a, 4);
 * xs.xs_msg_init(b);
 * xs.xs_msg_move(b, a);
 * assert.deepEqual([xs.xs_msg_size(a), xs.xs_msg_size(b)], [0, 4]);
 * ```
 */
export function xs_msg_move(dest: xs_msg_t, src: xs_msg_t): number {
  const d = live(dest), s = live(src);
  if (!d || !s) return fail(C.EFAULT);
  if (d === s) return 0;
  release(d.content);
  d.content = s.content;
  d.more = s.more;
  s.content = null;
  s.more = false;
  return 0;
}

/**
 * Makes `dest` share the content of `src` without copying bytes (`xs_msg_copy(3)`);
 * `dest`'s old content is released.
 *
 * @param dest a live message
 * @param src a live message
 * @returns 0, or -1 with errno EFAULT if either is not live
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const a = new xs.xs_msg_t(), b = new xs.xs_msg_t();
 * xs.xs_msg_init_size(a, 4);
 * xs.xs_msg_init(b);
 * xs.xs_msg_copy(b, a);
 * assert.equal(xs.xs_msg_data(a).buffer === xs.xs_msg_data(b).buffer, true);
 * ```
 */
export function xs_msg_copy(dest: xs_msg_t, src: xs_msg_t): number {
  const d = live(dest), s = live(src);
  if (!d || !s) return fail(C.EFAULT);
  if (d === s) return 0;
  const c = s.content;
  if (c) c.refs++;
  release(d.content);
  d.content = c;
  d.more = s.more;
  return 0;
}

/**
 * A `Uint8Array` over the message content (`xs_msg_data(3)`), writable for a message
 * the caller owns. Received content is backed by an `ArrayBuffer`; content given to
 * `xs_msg_init_data` is the caller's memory as it is (which may be a `SharedArrayBuffer`),
 * hence the wider type.
 *
 * @param msg a live message
 * @returns the content view
 * @throws {TypeError} if the message is not live (C would crash)
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init_size(msg, 2);
 * xs.xs_msg_data(msg)[0] = 42;
 * xs.xs_msg_close(msg);
 * ```
 */
export function xs_msg_data(msg: xs_msg_t): Uint8Array {
  return liveOrThrow(msg, "data").content?.data ?? EMPTY;
}

/**
 * The size of the message content in bytes (`xs_msg_size(3)`).
 *
 * @param msg a live message
 * @returns the size
 * @throws {TypeError} if the message is not live (C would crash)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init_size(msg, 9);
 * assert.equal(xs.xs_msg_size(msg), 9);
 * xs.xs_msg_close(msg);
 * ```
 */
export function xs_msg_size(msg: xs_msg_t): number {
  return liveOrThrow(msg, "size").content?.data.length ?? 0;
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes a C `int` into `view` in platform byte order; false if it does not fit. */
export function writeInt(view: ArrayBufferView, value: number): boolean {
  if (!ArrayBuffer.isView(view) || view.byteLength < 4) return false;
  new DataView(view.buffer, view.byteOffset, view.byteLength).setInt32(0, value, LITTLE);
  return true;
}

/** Writes a 64-bit value into `view` in platform byte order; false if it does not fit. */
export function writeI64(view: ArrayBufferView, value: bigint): boolean {
  if (!ArrayBuffer.isView(view) || view.byteLength < 8) return false;
  new DataView(view.buffer, view.byteOffset, view.byteLength).setBigUint64(
    0,
    BigInt.asUintN(64, value),
    LITTLE,
  );
  return true;
}

/** Reads a C `int` from `view` in platform byte order. */
export function readInt(view: ArrayBufferView): number {
  return new DataView(view.buffer, view.byteOffset, view.byteLength).getInt32(0, LITTLE);
}

/** Reads a 64-bit value from `view` in platform byte order, signed or unsigned. */
export function readI64(view: ArrayBufferView, signed: boolean): bigint {
  const dv = new DataView(view.buffer, view.byteOffset, view.byteLength);
  return signed ? dv.getBigInt64(0, LITTLE) : dv.getBigUint64(0, LITTLE);
}

/**
 * Reads a message property (`xs_getmsgopt(3)`); only `XS_MORE` exists: 1 if more parts
 * of the message follow this one.
 *
 * @param msg a live message
 * @param option `XS_MORE`
 * @param optval where the `int` is written (an `Int32Array` or any view of ≥ 4 bytes)
 * @param optvallen `{ value }` holding the size of `optval`; set to 4
 * @returns 0, or -1 with errno EINVAL (other option, `optvallen` < 4) or EFAULT
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init(msg);
 * const more = new Int32Array(1), len = { value: 4 };
 * xs.xs_getmsgopt(msg, xs.XS_MORE, more, len);
 * assert.equal(more[0], 0);
 * ```
 */
export function xs_getmsgopt(
  msg: xs_msg_t,
  option: number,
  optval: ArrayBufferView,
  optvallen: { value: number },
): number {
  const st = live(msg);
  if (!st) return fail(C.EFAULT);
  if (option !== C.XS_MORE) return fail(C.EINVAL);
  if (!optvallen || typeof optvallen.value !== "number" || optvallen.value < 4) {
    return fail(C.EINVAL);
  }
  if (!writeInt(optval, st.more ? 1 : 0)) return fail(C.EFAULT);
  optvallen.value = 4;
  return 0;
}

/**
 * Reads a property of the connection a received message came from (extension, libzmq's
 * `zmq_msg_gets(3)`; docs/security.md): `"User-Id"` (what the ZAP handler answered),
 * `"Socket-Type"`, `"Identity"`, `"Peer-Address"`, and the properties of the ZAP reply's
 * metadata. Only messages received through a PLAIN or CURVE connection, or a NULL one
 * whose socket set `XS_ZAP_DOMAIN`, have properties. Names are compared without case.
 *
 * @param msg a live message
 * @param property the property's name
 * @returns the value, or null with errno EINVAL (no such property) or EFAULT (`msg` not live)
 *
 * @example A message made locally has no properties
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init(msg);
 * assert.equal(xs.xs_msg_gets(msg, "User-Id"), null);
 * assert.equal(xs.xs_errno(), xs.EINVAL);
 * xs.xs_msg_close(msg);
 * ```
 */
export function xs_msg_gets(msg: xs_msg_t, property: string): string | null {
  const st = live(msg);
  if (!st) return fail(C.EFAULT), null;
  const props = st.properties;
  if (props && typeof property === "string") {
    const want = property.toLowerCase();
    for (const k in props) if (k.toLowerCase() === want) return props[k]!;
  }
  return fail(C.EINVAL), null;
}

// ---------------------------------------------------------------- for io.ts

/** True if `msg` is a live message. */
export function msgLive(msg: unknown): boolean {
  return live(msg) !== null;
}

/**
 * The bytes `xs_sendmsg` hands to a socket: the content's own view. Content of
 * `xs_msg_init_data` (and content received by reference) is registered to travel with
 * it, the message's reference going along (lib/pipe/shared_content.ts); other content is
 * plain bytes.
 */
export function msgPayload(msg: xs_msg_t): Uint8Array {
  const c = live(msg)!.content;
  if (!c) return new Uint8Array(0);
  return c.local ? c.data : shareContent(c);
}

/**
 * After a successful send: the message becomes a valid empty message. With `kept`, its
 * reference went with the part (the rest of a multi-part message is still to come,
 * lib/xs/io.ts releases it once the whole message was sent); otherwise it is released.
 */
export function msgSent(msg: xs_msg_t, kept = false): void {
  const st = live(msg)!;
  const c = st.content;
  st.content = null;
  st.more = false;
  if (!kept || !c || c.local) release(c);
}

/**
 * Replaces the content of a live message with a received part: the content the part
 * carries when it came by reference (the reference the socket handed out becomes the
 * message's), else the part itself over an ArrayBuffer.
 */
export function msgReceived(
  msg: xs_msg_t,
  part: Uint8Array,
  more: boolean,
  properties: Record<string, string> | null = null,
): void {
  const st = live(msg)!;
  const c = st.content;
  st.content = (contentOf(part) as Content | undefined) ??
    { data: part, refs: 1, free: null, local: true };
  st.more = more;
  st.properties = properties;
  release(c);
}

/** Lets go of a received or half-sent part that never reached a message. */
export function partDropped(part: Uint8Array): void {
  const c = contentOf(part);
  if (c) release(c);
}

/** Trap 3: a receive that failed with EAGAIN empties the message passed in. */
export function msgEmpty(msg: xs_msg_t): void {
  msgSent(msg);
}
