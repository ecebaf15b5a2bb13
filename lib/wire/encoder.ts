/**
 * Whole-frame encoders for ZMTP/3.x and ZMTP/1.0, writing into a caller-provided buffer
 * (the caller sizes it with `encodedSize3` / `encodedSize1`; nothing is allocated here
 * except by `encodeMessage3` / `encodeMessage1`, which are conveniences for tests and
 * handshakes, not for hot paths).
 *
 * Runs on: I/O worker
 */
import { FLAG_MORE, header1Size, header3Size, writeHeader1, writeHeader3 } from "./frame.ts";

/**
 * Bytes a ZMTP/3.x frame with a `size`-byte body occupies on the wire.
 *
 * @param size Body length.
 * @returns Header plus body length.
 * @example
 * ```ts
 * import { encodedSize3 } from "./encoder.ts";
 * encodedSize3(5); // 7
 * ```
 */
export function encodedSize3(size: number): number {
  return header3Size(size) + size;
}

/**
 * Bytes a ZMTP/1.0 frame with a `size`-byte body occupies on the wire.
 *
 * @param size Body length.
 * @returns Header plus body length.
 * @example
 * ```ts
 * import { encodedSize1 } from "./encoder.ts";
 * encodedSize1(300); // 310
 * ```
 */
export function encodedSize1(size: number): number {
  return header1Size(size) + size;
}

/**
 * Encodes one ZMTP/3.x frame (header, then body) at `dst[off]`.
 *
 * @param dst Buffer with room for `encodedSize3(body.length)` bytes at `off`.
 * @param off Where the frame starts.
 * @param flags `FLAG_MORE` and/or `FLAG_COMMAND`; LONG is computed.
 * @param body Frame body.
 * @returns Bytes written.
 * @throws {RangeError} If `dst` is too small (from `Uint8Array.set`).
 * @example
 * ```ts
 * import { encodeFrame3 } from "./encoder.ts";
 * const b = new Uint8Array(7);
 * encodeFrame3(b, 0, 0, new TextEncoder().encode("hello")); // 00 05 68 65 6C 6C 6F
 * ```
 */
export function encodeFrame3(
  dst: Uint8Array,
  off: number,
  flags: number,
  body: Uint8Array,
): number {
  return putBody(dst, off, writeHeader3(dst, off, flags, body.length), body);
}

/**
 * Encodes one ZMTP/1.0 frame (length, flags, body) at `dst[off]`.
 *
 * @param dst Buffer with room for `encodedSize1(body.length)` bytes at `off`.
 * @param off Where the frame starts.
 * @param more Whether more frames of this message follow.
 * @param body Frame body.
 * @returns Bytes written.
 * @throws {RangeError} If `dst` is too small (from `Uint8Array.set`).
 * @example
 * ```ts
 * import { encodeFrame1 } from "./encoder.ts";
 * const b = new Uint8Array(7);
 * encodeFrame1(b, 0, false, new TextEncoder().encode("hello")); // 06 00 68 65 6C 6C 6F
 * ```
 */
export function encodeFrame1(
  dst: Uint8Array,
  off: number,
  more: boolean,
  body: Uint8Array,
): number {
  return putBody(dst, off, writeHeader1(dst, off, more, body.length), body);
}

/** The rest of either frame: `body` after the `h`-byte header at `dst[off]`; returns the total. */
function putBody(dst: Uint8Array, off: number, h: number, body: Uint8Array): number {
  dst.set(body, off + h);
  return h + body.length;
}

/**
 * Encodes a whole message (MORE on every frame but the last) in ZMTP/3.x framing into a
 * new buffer.
 *
 * @param parts The frames of the message.
 * @returns The encoded bytes.
 * @example
 * ```ts
 * import { encodeMessage3 } from "./encoder.ts";
 * encodeMessage3([new Uint8Array(0), new Uint8Array([0x68, 0x69])]); // 01 00 00 02 68 69
 * ```
 */
export function encodeMessage3(parts: Uint8Array[]): Uint8Array {
  return encodeMessage(parts, false);
}

/**
 * Encodes a whole message (MORE on every frame but the last) in ZMTP/1.0 framing into a
 * new buffer.
 *
 * @param parts The frames of the message.
 * @returns The encoded bytes.
 * @example
 * ```ts
 * import { encodeMessage1 } from "./encoder.ts";
 * encodeMessage1([new Uint8Array(0), new Uint8Array([0x68, 0x69])]); // 01 01 03 00 68 69
 * ```
 */
export function encodeMessage1(parts: Uint8Array[]): Uint8Array {
  return encodeMessage(parts, true);
}

/** Both `encodeMessage*`: sizes every frame, then encodes them in one new buffer. */
function encodeMessage(parts: Uint8Array[], v1: boolean): Uint8Array {
  let total = 0;
  for (const p of parts) total += v1 ? encodedSize1(p.length) : encodedSize3(p.length);
  const out = new Uint8Array(total);
  let off = 0;
  for (let i = 0; i < parts.length; i++) {
    const more = i < parts.length - 1;
    off += v1
      ? encodeFrame1(out, off, more, parts[i]!)
      : encodeFrame3(out, off, more ? FLAG_MORE : 0, parts[i]!);
  }
  return out;
}

/**
 * Encodes whole messages, one after the other, as the chunks of a gathered write: each
 * part's header, and each part of at most `smallPart` bytes, are copied together into
 * chunks of about `gather` bytes; a larger part becomes a chunk of its own, uncopied (its
 * header closes the chunk before it). Writing the chunks in order puts the messages on the
 * wire in ZMTP/3.x (and 2.0) framing, or ZMTP/1.0 framing with `v1`.
 *
 * @param messages The messages, each a list of frames (MORE on all but its last).
 * @param v1 True for the ZMTP/1.0 framing.
 * @param smallPart Parts up to this size are copied beside their headers.
 * @param gather A chunk of copied bytes is closed once it reaches this size.
 * @returns The chunks to write, in order (at least one).
 * @example A large part is passed as it is
 * ```ts
 * import { messageChunks } from "./encoder.ts";
 * import assert from "node:assert/strict";
 * const big = new Uint8Array(300);
 * const chunks = messageChunks([[new Uint8Array([0x61]), big]], false, 10, 1000);
 * assert.deepEqual(chunks.map((c) => c.length), [12, 300]); // 01 01 61 and 02 + 8-byte size, then big
 * assert.equal(chunks[1], big);
 * ```
 */
export function messageChunks(
  messages: Uint8Array[][],
  v1: boolean,
  smallPart: number,
  gather: number,
): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let small: Uint8Array[] = [];
  let smallBytes = 0;
  const close = () => {
    if (!small.length) return;
    const b = new Uint8Array(smallBytes);
    let o = 0;
    for (const x of small) {
      b.set(x, o);
      o += x.length;
    }
    chunks.push(b);
    small = [];
    smallBytes = 0;
  };
  for (const parts of messages) {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const more = i < parts.length - 1;
      const h = new Uint8Array(10);
      const hl = v1
        ? writeHeader1(h, 0, more, part.length)
        : writeHeader3(h, 0, more ? FLAG_MORE : 0, part.length);
      small.push(h.subarray(0, hl));
      smallBytes += hl;
      if (part.length <= smallPart) {
        small.push(part);
        smallBytes += part.length;
        if (smallBytes >= gather) close();
      } else {
        close();
        chunks.push(part);
      }
    }
  }
  close();
  return chunks;
}
