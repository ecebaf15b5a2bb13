/**
 * ZMTP frame constants and header writers: the first file to read about bytes on the wire.
 *
 * Two framings live here:
 * - ZMTP/3.x (also 2.0): `flags (1) | size (1 or 8, BE) | body`, the size counts only the
 *   body, LONG iff size > 255 (docs/wire.md §3.2).
 * - ZMTP/1.0 (Crossroads I/O 1.2.0, 0MQ 2.x): `L (1) | flags (1) | body` or
 *   `FF | L (8, BE) | flags (1) | body`, where L = body length + 1 counts the flags byte;
 *   short form iff L < 255 (docs/wire.md §2.1).
 *
 * 64-bit sizes are written and read as two 32-bit halves, so sizes up to
 * `Number.MAX_SAFE_INTEGER` round-trip without BigInt.
 *
 * Runs on: I/O worker
 */

/** ZMTP/3.x flag bit 0: more frames of this message follow. */
export const FLAG_MORE = 1;
/** ZMTP/3.x flag bit 1: the size field is 8 bytes long. */
export const FLAG_LONG = 2;
/** ZMTP/3.x flag bit 2: the frame is a command, not message data. */
export const FLAG_COMMAND = 4;

/**
 * Largest frame body accepted when no `maxmsgsize` is set (docs/wire.md §8.1 row 23): a peer's
 * size field above it closes the connection before anything is allocated.
 */
export const MAX_FRAME_HARD_CAP = 2 ** 31 - 1;

/**
 * Largest body of a handshake frame (greeting aside: READY, HELLO, WELCOME, INITIATE, ERROR,
 * a ZMTP/2.0 or 1.0 identity), whatever `maxmsgsize` says, and the least a command frame
 * after the handshake (PING, PONG, SUBSCRIBE, CANCEL) may have (docs/wire.md §8.4).
 * `maxmsgsize` limits message parts only, as in Crossroads 1.2.0, whose wire has no
 * command frames: a small limit must not stop a connection from coming up. 64 KiB holds
 * every handshake with room to spare (the largest, a CURVE INITIATE, is 257 bytes plus
 * metadata).
 */
export const MAX_COMMAND_SIZE = 65_536;

/**
 * The largest message part (data frame body) accepted for `maxmsgsize`: the limit itself,
 * or `MAX_FRAME_HARD_CAP` when there is none (negative) or it is above the cap.
 *
 * @param maxMsgSize The socket's `maxmsgsize` (negative: no limit).
 * @returns The per-part limit in bytes.
 * @example
 * ```ts
 * import { dataLimit, MAX_FRAME_HARD_CAP } from "./frame.ts";
 * dataLimit(10); // 10
 * dataLimit(-1) === MAX_FRAME_HARD_CAP; // true
 * ```
 */
export function dataLimit(maxMsgSize: number): number {
  return maxMsgSize < 0 || maxMsgSize > MAX_FRAME_HARD_CAP ? MAX_FRAME_HARD_CAP : maxMsgSize;
}

/**
 * The largest command frame body accepted after the handshake for `maxmsgsize`: never
 * below `MAX_COMMAND_SIZE` (a heartbeat or a subscription is not a message part), and no
 * lower than what a part may have.
 *
 * @param maxMsgSize The socket's `maxmsgsize` (negative: no limit).
 * @returns The per-command limit in bytes.
 * @example
 * ```ts
 * import { commandLimit, MAX_COMMAND_SIZE } from "./frame.ts";
 * commandLimit(10) === MAX_COMMAND_SIZE; // true
 * commandLimit(1_000_000); // 1000000
 * ```
 */
export function commandLimit(maxMsgSize: number): number {
  return Math.max(dataLimit(maxMsgSize), MAX_COMMAND_SIZE);
}

const TWO_32 = 2 ** 32;

/**
 * Writes `value` (an integer 0..2^53-1) as an 8-byte big-endian integer.
 *
 * @param dst Destination buffer.
 * @param off Offset of the first byte.
 * @param value The integer to write.
 * @example Write 300
 * ```ts
 * import { writeU64 } from "./frame.ts";
 * const b = new Uint8Array(8);
 * writeU64(b, 0, 300); // b = 00 00 00 00 00 00 01 2C
 * ```
 */
export function writeU64(dst: Uint8Array, off: number, value: number): void {
  const hi = Math.floor(value / TWO_32);
  const lo = value >>> 0;
  dst[off] = hi >>> 24;
  dst[off + 1] = (hi >>> 16) & 0xff;
  dst[off + 2] = (hi >>> 8) & 0xff;
  dst[off + 3] = hi & 0xff;
  dst[off + 4] = lo >>> 24;
  dst[off + 5] = (lo >>> 16) & 0xff;
  dst[off + 6] = (lo >>> 8) & 0xff;
  dst[off + 7] = lo & 0xff;
}

/**
 * Reads an 8-byte big-endian integer; returns -1 when it exceeds `Number.MAX_SAFE_INTEGER`
 * (so the caller can refuse it instead of losing precision).
 *
 * @param src Source buffer (at least `off + 8` bytes).
 * @param off Offset of the first byte.
 * @returns The value, or -1 if it does not fit in a safe integer.
 * @example Read 300
 * ```ts
 * import { readU64 } from "./frame.ts";
 * readU64(new Uint8Array([0, 0, 0, 0, 0, 0, 1, 0x2c]), 0); // 300
 * ```
 */
export function readU64(src: Uint8Array, off: number): number {
  // The caller checked that the 8 bytes are there.
  const hi = ((src[off]! << 24) | (src[off + 1]! << 16) | (src[off + 2]! << 8) | src[off + 3]!) >>>
    0;
  const lo =
    ((src[off + 4]! << 24) | (src[off + 5]! << 16) | (src[off + 6]! << 8) | src[off + 7]!) >>> 0;
  // 2^53 - 1 has a high half of 0x1FFFFF.
  if (hi > 0x1fffff) return -1;
  return hi * TWO_32 + lo;
}

/**
 * Size of a ZMTP/3.x frame header for a body of `size` bytes: 2 (short) or 9 (long).
 *
 * @param size Body length in bytes.
 * @returns 2 if `size <= 255`, else 9.
 * @example
 * ```ts
 * import { header3Size } from "./frame.ts";
 * header3Size(255); // 2
 * header3Size(256); // 9
 * ```
 */
export function header3Size(size: number): number {
  return size <= 255 ? 2 : 9;
}

/**
 * Writes a ZMTP/3.x frame header. Only MORE and COMMAND of `flags` are kept; LONG is set
 * iff `size > 255` (libzmq v3_1_encoder), reserved bits are never sent.
 *
 * @param dst Destination buffer with room for `header3Size(size)` bytes at `off`.
 * @param off Offset of the flags byte.
 * @param flags `FLAG_MORE` and/or `FLAG_COMMAND`.
 * @param size Body length, 0..2^53-1.
 * @returns Bytes written (2 or 9).
 * @example Header of a 5-byte last frame
 * ```ts
 * import { writeHeader3 } from "./frame.ts";
 * const b = new Uint8Array(9);
 * writeHeader3(b, 0, 0, 5); // 2; b starts 00 05
 * ```
 */
export function writeHeader3(dst: Uint8Array, off: number, flags: number, size: number): number {
  const f = flags & (FLAG_MORE | FLAG_COMMAND);
  if (size <= 255) {
    dst[off] = f;
    dst[off + 1] = size;
    return 2;
  }
  dst[off] = f | FLAG_LONG;
  writeU64(dst, off + 1, size);
  return 9;
}

/**
 * Size of a ZMTP/1.0 frame header (length field plus flags byte) for a body of `size`
 * bytes: 2 (short form) or 10 (long form).
 *
 * @param size Body length in bytes.
 * @returns 2 if `size + 1 < 255`, else 10.
 * @example
 * ```ts
 * import { header1Size } from "./frame.ts";
 * header1Size(253); // 2
 * header1Size(254); // 10
 * ```
 */
export function header1Size(size: number): number {
  return size + 1 < 255 ? 2 : 10;
}

/**
 * Writes a ZMTP/1.0 frame header: the length (body + 1, short form iff < 255, else `FF`
 * and a 64-bit length), then the flags byte `01` (MORE) or `00`.
 *
 * @param dst Destination buffer with room for `header1Size(size)` bytes at `off`.
 * @param off Offset of the first byte.
 * @param more Whether more frames of this message follow.
 * @param size Body length, 0..2^53-2.
 * @returns Bytes written (2 or 10).
 * @example Header of "hello"
 * ```ts
 * import { writeHeader1 } from "./frame.ts";
 * const b = new Uint8Array(10);
 * writeHeader1(b, 0, false, 5); // 2; b starts 06 00
 * ```
 */
export function writeHeader1(dst: Uint8Array, off: number, more: boolean, size: number): number {
  const len = size + 1;
  if (len < 255) {
    dst[off] = len;
    dst[off + 1] = more ? 1 : 0;
    return 2;
  }
  dst[off] = 0xff;
  writeU64(dst, off + 1, len);
  dst[off + 9] = more ? 1 : 0;
  return 10;
}
