/**
 * RingInbox: the API thread's reading end of a pipe's IN ring (ring_pipe.ts owns one).
 *
 * Complete frames are copied out of the IN ring in batches of up to 64 KiB into one fresh
 * ArrayBuffer, and the parts handed to the user are views of that buffer: one allocation
 * per batch instead of one per message (Deno allocates slowly), and the user may keep the
 * parts for as long as they like. A frame too large for the ring arrives as `CMD_BIG` then
 * `CMD_CHUNK` commands (layout.ts) streamed into a buffer of its own; a `CMD_ABORT` (the
 * connection died) drops the partial message.
 *
 * Reads are committed every COMMIT_EVERY messages; a worker waiting for room is rung only
 * when that is worth a wake-up (see `read`).
 *
 * Runs on: API thread.
 */
import { CMD_ABORT, CMD_BIG, CMD_CHUNK, F_COMMAND, F_LONG, F_MORE } from "./layout.ts";
import { type RingPlace, RingReader } from "./ring.ts";

/** Bytes of complete frames copied out of the ring into one buffer, at most. */
const BATCH = 64 * 1024;
/** First buffer of a frame streamed as `CMD_BIG` (it doubles as its chunks arrive). */
const BIG_FIRST = 1024 * 1024;
/** Messages read between two commits of the IN ring. */
const COMMIT_EVERY = 32;
/** With no receive HWM, a waiting worker is rung after this many reads (or a dry queue). */
const RING_UNBOUNDED = 512;

/** The messages of one IN ring, as the API thread reads them. */
export class RingInbox {
  readonly #in: RingReader;
  readonly #wake: () => void;
  // Parts are views of buffers allocated here (never of the shared ring): ArrayBuffers.
  #queue: Uint8Array<ArrayBuffer>[][] = [];
  #qHead = 0;
  #partial: Uint8Array<ArrayBuffer>[] = [];
  #big: { buf: Uint8Array<ArrayBuffer>; len: number; filled: number; more: boolean } | null = null;
  #readsUncommitted = 0;
  #readsSinceRing = 0;

  /**
   * @param place the IN ring (we consume)
   * @param wake rings the worker's doorbell
   */
  constructor(place: RingPlace, wake: () => void) {
    this.#in = new RingReader(place);
    this.#wake = wake;
  }

  /** True if a whole message can be read now. */
  checkRead(): boolean {
    if (this.#qHead < this.#queue.length) return true;
    this.#fill();
    return this.#qHead < this.#queue.length;
  }

  /** The next whole message, or null. */
  read(): Uint8Array<ArrayBuffer>[] | null {
    if (this.#qHead === this.#queue.length) {
      this.#fill();
      if (this.#qHead === this.#queue.length) return null;
    }
    const msg = this.#queue[this.#qHead]!;
    this.#queue[this.#qHead++] = undefined as unknown as Uint8Array<ArrayBuffer>[];
    if (this.#qHead === this.#queue.length) {
      this.#queue.length = 0;
      this.#qHead = 0;
    }
    this.#in.messagesRead(1);
    this.#readsSinceRing++;
    if (++this.#readsUncommitted >= COMMIT_EVERY || this.#qHead === 0) {
      this.#readsUncommitted = 0;
      // A worker waiting at the receive HWM is rung once half of it was read (libzmq's low
      // water mark) or when our queue ran dry, not every COMMIT_EVERY reads: each ring of a
      // parked worker is a postMessage (a fifth of a Bun receiver's thread at every 32).
      const hwm = this.#in.hwm;
      const ring = this.#qHead === 0 ||
        this.#readsSinceRing >= (hwm > 0 ? Math.max(COMMIT_EVERY, hwm >>> 1) : RING_UNBOUNDED);
      if (this.#in.commit(ring)) {
        this.#readsSinceRing = 0;
        this.#wake();
      } else if (ring) this.#readsSinceRing = 0;
    }
    return msg;
  }

  #part(part: Uint8Array<ArrayBuffer>, more: boolean): void {
    this.#partial.push(part);
    if (!more) {
      this.#queue.push(this.#partial);
      this.#partial = [];
    }
  }

  /** An in-band command frame of the IN ring (`hs` header bytes, `size` body bytes). */
  #command(r: RingReader, hs: number, size: number): void {
    if (size < 1) return;
    const code = r.byteAt(hs);
    if (code === CMD_ABORT) {
      this.#partial = [];
      this.#big = null;
    } else if (code === CMD_BIG && size >= 10) {
      // The big frame's own ring header follows the command byte. Its buffer grows with the
      // chunks that arrive: a peer's size field alone (up to 2^31 - 1) reserves nothing
      // (docs/wire.md §8.4).
      const len = r.sizeAt(hs + 1);
      const more = (r.byteAt(hs + 1) & F_MORE) !== 0;
      this.#big = { buf: new Uint8Array(Math.min(len, BIG_FIRST)), len, filled: 0, more };
    } else if (code === CMD_CHUNK && this.#big) {
      const big = this.#big;
      const n = Math.min(size - 1, big.len - big.filled);
      if (big.filled + n > big.buf.length) {
        let cap = big.buf.length * 2;
        while (cap < big.filled + n) cap *= 2;
        const b = new Uint8Array(Math.min(cap, big.len));
        b.set(big.buf.subarray(0, big.filled));
        big.buf = b;
      }
      r.copyOut(big.buf, big.filled, hs + 1, n);
      big.filled += n;
      if (big.filled === big.len) {
        this.#big = null;
        this.#part(big.buf, big.more);
      }
    }
  }

  /** Moves complete frames from the IN ring into the local queue. */
  #fill(): void {
    const r = this.#in;
    let avail = r.available();
    let moved = false;
    while (avail > 0) {
      const first = r.byteAt(0);
      const fhs = first & F_LONG ? 9 : 2;
      if (avail < fhs) break;
      const fsize = r.sizeAt(0);
      if (avail < fhs + fsize) break;
      if (first & F_COMMAND) {
        this.#command(r, fhs, fsize);
        r.advance(fhs + fsize);
        avail -= fhs + fsize;
        moved = true;
        continue;
      }
      // Scan complete data frames up to BATCH bytes (each fits: larger ones come chunked).
      let off = 0;
      while (off < avail) {
        const flags = r.byteAt(off);
        const hs = flags & F_LONG ? 9 : 2;
        if (avail - off < hs || (flags & F_COMMAND)) break;
        const size = r.sizeAt(off);
        if (off + hs + size > avail) break;
        off += hs + size;
        if (off >= BATCH) break;
      }
      // An ArrayBuffer first, then views of it: a typed array allocated on its own starts in
      // the collector's heap, and Bun (JSC) copies it out when a view first asks for its
      // buffer (240 ns per message here).
      const ab = new ArrayBuffer(off);
      const buf = new Uint8Array(ab);
      r.copyOut(buf, 0, 0, off);
      r.advance(off);
      avail -= off;
      moved = true;
      let p = 0;
      while (p < off) {
        // p < off and every frame up to off is whole (scanned above): the indexes are in range.
        const flags = buf[p]!;
        let hs = 2, size: number;
        if (flags & F_LONG) {
          hs = 9;
          size = (buf[p + 3]! << 8 | buf[p + 4]!) * 4294967296 +
            ((buf[p + 5]! << 24 | buf[p + 6]! << 16 | buf[p + 7]! << 8 | buf[p + 8]!) >>> 0);
        } else {
          size = buf[p + 1]!;
        }
        // The constructor rather than subarray: no species lookup (a fifth faster on Deno).
        this.#part(new Uint8Array(ab, p + hs, size), (flags & F_MORE) !== 0);
        p += hs + size;
      }
      if (this.#qHead < this.#queue.length && off < BATCH) break;
    }
    // Ring a waiting worker only when we still lack a whole message (a large one streaming
    // in): then only more bytes let us go on. Otherwise `read` rings (see there).
    if (moved && r.commit(this.#qHead === this.#queue.length)) this.#wake();
  }
}
