/**
 * Streaming frame decoders: `Decoder3` for ZMTP/3.x (and 2.0) framing, `Decoder1` for
 * ZMTP/1.0 framing (Crossroads I/O 1.2.0, 0MQ 2.x). Both push frames into a `FrameSink`.
 *
 * Contract, shared by both:
 * - `feed(chunk)` walks the chunk and returns how many bytes it consumed; the caller keeps
 *   the unconsumed tail and offers it again (prepended to newer bytes) on the next call.
 * - A header split across chunks is buffered inside the decoder (at most 10 bytes, in a
 *   buffer allocated once); its bytes count as consumed.
 * - Bodies are handed out as `subarray` views of the fed chunk: no per-frame allocation.
 * - Backpressure: the sink may refuse a frame in `start()` or accept only part of a body in
 *   `body()`; the decoder then stops and resumes at exactly that point on the next feed.
 * - Every limit is checked on the header, before any body byte is offered, so a peer's
 *   size field never makes anyone allocate (docs/wire.md §2.1, §8.1 rows 22-24); a ZMTP/1.0
 *   length (0, or over a limit) as soon as its length field is in, without waiting for the
 *   flags byte. After an error `feed` returns -1 forever and `error` says why; the caller
 *   closes the connection.
 * - `maxMsgSize` limits message parts (data frames) only; a ZMTP/3.x command frame (PING,
 *   PONG, SUBSCRIBE, CANCEL) is held to `commandLimit(maxMsgSize)`, never below
 *   `MAX_COMMAND_SIZE` (docs/wire.md §8.4). ZMTP/1.0 has no commands: every frame is a part.
 *
 * Tolerances copied from libzmq (docs/wire.md §8.1 rows 19-21): LONG with a small size is
 * accepted, reserved flag bits are dropped, MORE on a command is dropped.
 *
 * Runs on: I/O worker
 */
import {
  commandLimit,
  dataLimit,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  MAX_FRAME_HARD_CAP,
  readU64,
} from "./frame.ts";

/** Receives the frames a decoder finds. Called synchronously from `feed()`. */
export interface FrameSink {
  /**
   * A frame starts. `flags`: only MORE (1) and COMMAND (4) are kept (LONG and reserved
   * bits stripped; MORE stripped on commands); `Decoder1` only ever reports MORE.
   * `size`: body length, already checked against the limits.
   * Return false to refuse for now (backpressure): the decoder keeps the header pending and
   * calls `start()` again for the same frame on the next `feed()`.
   */
  start(flags: number, size: number): boolean;
  /**
   * Body bytes of the current frame, a view into the fed chunk, valid only during the call
   * (copy what must outlive it). Return how many bytes were accepted (0..bytes.length);
   * fewer stops this `feed()` and the rest is offered again on the next one.
   * Never called for size-0 frames, never with an empty view.
   */
  body(bytes: Uint8Array): number;
}

const S_HEADER = 0;
const S_START = 1;
const S_BODY = 2;
const S_ERROR = 3;

/**
 * The decoding loop shared by `Decoder3` and `Decoder1`; the two subclasses only choose
 * the header layout.
 */
export class FrameDecoder {
  #sink: FrameSink;
  /** Largest data frame (message part) body. */
  #limit: number;
  /** Largest command frame body (ZMTP/3.x). */
  #cmdLimit: number;
  #v1: boolean;
  #state = S_HEADER;
  // Partial header carried across feeds; 10 bytes covers the 1.0 long form.
  #hdr = new Uint8Array(10);
  #hdrLen = 0;
  #flags = 0;
  #size = 0;
  #left = 0;
  #error: string | null = null;

  /**
   * Creates a decoder in the "expecting a header" state.
   *
   * @param sink Receives frames.
   * @param maxMsgSize Per-part (data frame) body limit; negative (or beyond the hard cap)
   *   means "no limit", and `MAX_FRAME_HARD_CAP` applies. Commands: `commandLimit`.
   * @param v1 True for ZMTP/1.0 framing, false for ZMTP/3.x.
   */
  constructor(sink: FrameSink, maxMsgSize: number, v1: boolean) {
    this.#sink = sink;
    this.#limit = dataLimit(maxMsgSize);
    this.#cmdLimit = commandLimit(maxMsgSize);
    this.#v1 = v1;
  }

  /** Why decoding stopped for good, or null while the stream is healthy. */
  get error(): string | null {
    return this.#error;
  }

  /**
   * Decodes as much of `chunk` as the sink accepts.
   *
   * @param chunk Received bytes (not retained after the call).
   * @returns Bytes consumed (0..chunk.length), or -1 on a protocol error.
   */
  feed(chunk: Uint8Array): number {
    let pos = 0;
    const end = chunk.length;
    for (;;) {
      const st = this.#state;
      if (st === S_BODY) {
        if (pos === end) return pos;
        const want = this.#left;
        const n = end - pos < want ? end - pos : want;
        const took = this.#sink.body(chunk.subarray(pos, pos + n));
        pos += took;
        this.#left -= took;
        if (this.#left === 0) this.#state = S_HEADER;
        if (took < n) return pos;
      } else if (st === S_HEADER) {
        if (pos === end) return pos;
        if (this.#hdrLen === 0) {
          // Fast path: the whole header is in this chunk, parse it in place.
          const need = this.#headerLength(chunk[pos]!);
          if (end - pos >= need) {
            if (!this.#parse(chunk, pos)) return -1;
            pos += need;
            continue;
          }
        }
        this.#hdr[this.#hdrLen++] = chunk[pos++]!;
        const need = this.#headerLength(this.#hdr[0]!);
        if (this.#hdrLen < need) {
          // ZMTP/1.0: the length field is whole one byte before the flags byte. A bad length
          // closes now, not when a flags byte that may never come arrives (docs/wire.md §8.1
          // rows 22-24).
          if (this.#v1 && this.#hdrLen === need - 1 && this.#size1(this.#hdr, 0) < 0) return -1;
          continue;
        }
        this.#hdrLen = 0;
        if (!this.#parse(this.#hdr, 0)) return -1;
      } else if (st === S_START) {
        if (!this.#sink.start(this.#flags, this.#size)) return pos;
        if (this.#size === 0) this.#state = S_HEADER;
        else {
          this.#left = this.#size;
          this.#state = S_BODY;
        }
      } else {
        return -1;
      }
    }
  }

  #headerLength(first: number): number {
    if (this.#v1) return first === 0xff ? 10 : 2;
    return first & FLAG_LONG ? 9 : 2;
  }

  // Reads a complete header at src[off] (the caller checked its length: the indexes are in
  // range); sets #flags/#size and S_START, or fails.
  #parse(src: Uint8Array, off: number): boolean {
    let size: number;
    let flags: number;
    if (this.#v1) {
      size = this.#size1(src, off);
      if (size < 0) return false;
      flags = src[off + (src[off] === 0xff ? 9 : 1)]! & FLAG_MORE;
    } else {
      const f = src[off]!;
      const command = (f & FLAG_COMMAND) !== 0;
      size = this.#checkSize(f & FLAG_LONG ? readU64(src, off + 1) : src[off + 1]!, command);
      if (size < 0) return false;
      flags = f & FLAG_COMMAND ? FLAG_COMMAND : f & FLAG_MORE;
    }
    this.#flags = flags;
    this.#size = size;
    this.#state = S_START;
    return true;
  }

  // ZMTP/1.0: the body size given by the length field at src[off] (one byte, or FF and 8
  // bytes; the flags byte need not be there yet), or -1 after failing: a length of 0, or a
  // size over the limits.
  #size1(src: Uint8Array, off: number): number {
    const len = src[off] === 0xff ? readU64(src, off + 1) : src[off]!;
    if (len === 0) {
      this.#fail("ZMTP/1.0 frame has length 0");
      return -1;
    }
    return this.#checkSize(len < 0 ? -1 : len - 1);
  }

  // `size` if it is within the limits (of a command frame, or of a message part), else -1
  // after failing (-1 in: above 2^53 - 1).
  #checkSize(size: number, command = false): number {
    if (size < 0) {
      this.#fail("Frame size exceeds Number.MAX_SAFE_INTEGER");
      return -1;
    }
    const limit = command ? this.#cmdLimit : this.#limit;
    if (size > limit) {
      this.#fail(
        limit === MAX_FRAME_HARD_CAP
          ? `Frame size ${size} exceeds the hard cap of ${MAX_FRAME_HARD_CAP} bytes`
          : command
          ? `Command frame size ${size} exceeds the limit of ${limit} bytes`
          : `Frame size ${size} exceeds maxMsgSize ${limit}`,
      );
      return -1;
    }
    return size;
  }

  #fail(why: string): false {
    this.#error = why;
    this.#state = S_ERROR;
    return false;
  }
}

/**
 * Decoder of ZMTP/3.x framing (also ZMTP/2.0, which has the same layout without COMMAND).
 *
 * @example Decode "hello" in two pieces
 * ```ts
 * import { Decoder3 } from "./decoder.ts";
 * const got: number[] = [];
 * const d = new Decoder3({ start: () => true, body: (b) => (got.push(...b), b.length) }, -1);
 * d.feed(new Uint8Array([0x00, 0x05, 0x68]));
 * d.feed(new Uint8Array([0x65, 0x6c, 0x6c, 0x6f])); // got = "hello"
 * ```
 */
export class Decoder3 extends FrameDecoder {
  /**
   * Creates a decoder in the "expecting a header" state.
   *
   * @param sink Receives frames.
   * @param maxMsgSize Per-part limit, or -1 for none (the hard cap still applies);
   *   command frames may have `commandLimit(maxMsgSize)` bytes.
   */
  constructor(sink: FrameSink, maxMsgSize: number) {
    super(sink, maxMsgSize, false);
  }
}

/**
 * Decoder of ZMTP/1.0 framing. The flags byte keeps only bit 0 (MORE); there is no
 * COMMAND bit. A length of 0 is a protocol error.
 *
 * @example Decode a two-part message
 * ```ts
 * import { Decoder1 } from "./decoder.ts";
 * const flags: number[] = [];
 * const d = new Decoder1({ start: (f) => (flags.push(f), true), body: (b) => b.length }, -1);
 * d.feed(new Uint8Array([0x02, 0x01, 0x61, 0x03, 0x00, 0x62, 0x63])); // flags = [1, 0]
 * ```
 */
export class Decoder1 extends FrameDecoder {
  /**
   * Creates a decoder in the "expecting a header" state.
   *
   * @param sink Receives frames.
   * @param maxMsgSize Per-part limit (every 1.0 frame is a part), or -1 for none (the hard
   *   cap still applies).
   */
  constructor(sink: FrameSink, maxMsgSize: number) {
    super(sink, maxMsgSize, true);
  }
}
