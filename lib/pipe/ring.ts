/**
 * A single-producer / single-consumer byte ring in a SharedArrayBuffer.
 *
 * One thread owns the {@linkcode RingWriter}, the other the {@linkcode RingReader}. The
 * writer stages bytes privately and makes them visible with `publish()` (one
 * `Atomics.store` of the tail for a whole batch); the reader reads published bytes and
 * frees them with `commit()` (one store of the head). Neither side ever blocks or
 * allocates: waiting and waking are the owner's business (doorbell.ts), helped by the
 * `R_WAITING` flag that lets a consumer tell whether the producer needs a wake-up.
 *
 * The ring carries bytes only; framing (ZMTP/3.1 frames, see layout.ts) is layered on
 * top by pipe.ts on the API thread and by the stream session on the I/O worker.
 *
 * Runs on: both threads (each object on exactly one).
 */
import {
  F_LONG,
  R_CONSUMER_DONE,
  R_EXT_POSTED,
  R_EXT_SENT,
  R_EXT_WAIT_POS,
  R_HEAD,
  R_HWM,
  R_MSGS_READ,
  R_MSGS_WRITTEN,
  R_PRODUCER_DONE,
  R_TAIL,
  R_WAITING,
} from "./layout.ts";

/** Where a ring lives inside a SharedArrayBuffer. */
export interface RingPlace {
  /** The shared buffer. */
  sab: SharedArrayBuffer;
  /** Byte offset of the 128-byte header (multiple of 64). */
  header: number;
  /** Byte offset of the data area. */
  data: number;
  /** Data size in bytes; a power of two. */
  capacity: number;
}

/**
 * What both ends of a ring hold: views of its shared header words and of its data area.
 * The fields are plain own properties of each end, so reaching them costs what a private
 * field does.
 */
export class RingEnd {
  /** Data area: the writer's between tail and head, the reader's between head and tail. */
  readonly bytes: Uint8Array;
  /** Capacity in bytes. */
  readonly capacity: number;
  /** The whole shared buffer as Int32 words (the header's fields are `h + R_*`). */
  protected readonly i32: Int32Array;
  /** Index of the ring header's first word in `i32`. */
  protected readonly h: number;
  /** `capacity - 1`: a ring position `& mask` is its offset in `bytes`. */
  protected readonly mask: number;

  /** Views the ring at `place`. */
  constructor(place: RingPlace) {
    this.i32 = new Int32Array(place.sab);
    this.h = place.header >> 2;
    this.bytes = new Uint8Array(place.sab, place.data, place.capacity);
    this.capacity = place.capacity;
    this.mask = place.capacity - 1;
  }
}

/**
 * Writes a frame header in the ring's framing (ZMTP/3.1: `flags` plus LONG and an 8-byte
 * size when `size` > 255) into a plain array, as `RingWriter.putHeader` stages it in the
 * ring; returns its length, 2 or 9. Batches sent beside the ring use it (ring_pipe.ts).
 */
export function writeFrameHeader(
  dst: Uint8Array,
  off: number,
  flags: number,
  size: number,
): number {
  if (size <= 255) {
    dst[off] = flags;
    dst[off + 1] = size;
    return 2;
  }
  const hi = Math.floor(size / 4294967296);
  dst[off] = flags | F_LONG;
  dst[off + 1] = 0;
  dst[off + 2] = 0;
  dst[off + 3] = (hi >>> 8) & 0xff;
  dst[off + 4] = hi & 0xff;
  dst[off + 5] = size >>> 24;
  dst[off + 6] = (size >>> 16) & 0xff;
  dst[off + 7] = (size >>> 8) & 0xff;
  dst[off + 8] = size & 0xff;
  return 9;
}

/** Producer side of a ring. Owned by one thread. */
export class RingWriter extends RingEnd {
  #tail = 0;
  #published = 0;
  #msgs = 0;
  #publishedMsgs = 0;
  #boundary = 0;

  /** Attaches to the ring at `place`, continuing from its published state. */
  constructor(place: RingPlace) {
    super(place);
    // Atomics: the producer owns R_TAIL; reading it back lets a ring change owner.
    this.#tail = this.#published = Atomics.load(this.i32, this.h + R_TAIL);
    this.#msgs = this.#publishedMsgs = Atomics.load(this.i32, this.h + R_MSGS_WRITTEN);
    this.#boundary = this.#tail;
    this.#ext = Atomics.load(this.i32, this.h + R_EXT_POSTED);
  }

  /** Bytes that can be staged now. */
  free(): number {
    // Atomics: R_HEAD is stored by the consumer after it finished reading the bytes.
    return this.capacity - ((this.#tail - Atomics.load(this.i32, this.h + R_HEAD)) | 0);
  }

  /** Messages staged or published but not yet read by the consumer. */
  queuedMessages(): number {
    return (this.#msgs - Atomics.load(this.i32, this.h + R_MSGS_READ)) | 0;
  }

  /** The message limit stored in the header (0 = none). */
  get hwm(): number {
    return Atomics.load(this.i32, this.h + R_HWM);
  }

  /** Stores the message limit (creator only, before the ring is shared or at option time). */
  set hwm(v: number) {
    Atomics.store(this.i32, this.h + R_HWM, v);
  }

  /** Stages one byte. The caller checked `free()`. */
  putByte(b: number): void {
    this.bytes[this.#tail & this.mask] = b;
    this.#tail = (this.#tail + 1) | 0;
  }

  /** Stages `src` (any length up to `free()`), wrapping at the end of the data area. */
  put(src: Uint8Array): void {
    const n = src.length;
    const pos = this.#tail & this.mask;
    const first = this.capacity - pos;
    if (n <= first) {
      if (n <= 16) { for (let i = 0; i < n; i++) this.bytes[pos + i] = src[i]!; }
      else this.bytes.set(src, pos);
    } else {
      this.bytes.set(src.subarray(0, first), pos);
      this.bytes.set(src.subarray(first), 0);
    }
    this.#tail = (this.#tail + n) | 0;
  }

  /**
   * Stages a ZMTP/3.1 frame header (the ring's framing, layout.ts): `flags` (MORE,
   * COMMAND) plus LONG and an 8-byte size when `size` > 255. The caller checked
   * `free()` for the 2 or 9 bytes.
   */
  putHeader(flags: number, size: number): void {
    if (size > 255) {
      this.putByte(flags | F_LONG);
      const hi = Math.floor(size / 4294967296);
      this.putByte(0);
      this.putByte(0);
      this.putByte((hi >>> 8) & 0xff);
      this.putByte(hi & 0xff);
      this.putByte(size >>> 24);
      this.putByte((size >>> 16) & 0xff);
      this.putByte((size >>> 8) & 0xff);
      this.putByte(size & 0xff);
    } else {
      this.putByte(flags);
      this.putByte(size);
    }
  }

  /** Counts one whole message as staged (published with the next `publish()`). */
  endMessage(): void {
    this.#msgs = (this.#msgs + 1) | 0;
    this.#boundary = this.#tail;
  }

  /** Ends an in-band command written between messages (counted as no message). */
  endCommand(): void {
    this.#boundary = this.#tail;
  }

  /**
   * Publishes staged bytes up to the end of the last whole message, keeping a message in
   * progress private (so a connection that dies mid-message can `rewind()` it).
   */
  publishMessages(): void {
    // A streamed frame may have published past the boundary already; never move back.
    if (((this.#boundary - this.#published) | 0) <= 0) return;
    Atomics.store(this.i32, this.h + R_MSGS_WRITTEN, this.#msgs);
    Atomics.store(this.i32, this.h + R_TAIL, this.#boundary);
    this.#published = this.#boundary;
    this.#publishedMsgs = this.#msgs;
  }

  /** True if published bytes end in the middle of a message (a streamed large one). */
  get publishedMidMessage(): boolean {
    return this.#publishedPartial;
  }
  #publishedPartial = false;

  /** True if staged bytes are waiting for `publish()`. */
  get dirty(): boolean {
    return this.#tail !== this.#published;
  }

  /** Makes staged bytes and messages visible to the consumer. */
  publish(): void {
    if (this.#tail === this.#published && this.#msgs === this.#publishedMsgs) return;
    // Atomics: message count first, then tail; the consumer reads tail, then parses
    // bytes, so it never sees a message counted before its bytes are there... the count
    // is advisory (HWM), the bytes are authoritative.
    Atomics.store(this.i32, this.h + R_MSGS_WRITTEN, this.#msgs);
    Atomics.store(this.i32, this.h + R_TAIL, this.#tail);
    this.#publishedPartial = this.#tail !== this.#boundary;
    this.#published = this.#tail;
    this.#publishedMsgs = this.#msgs;
  }

  /** Drops staged, unpublished bytes (a message abandoned half-way). */
  rewind(): void {
    this.#tail = this.#published;
    this.#msgs = this.#publishedMsgs;
    if (!this.#publishedPartial) this.#boundary = this.#tail;
  }

  /** Declares that the producer waits for room; returns true if room appeared meanwhile. */
  waitForRoom(need: number): boolean {
    // Atomics: set the flag before re-reading the head, so a consumer that commits after
    // our re-read sees the flag (Dekker-style; both are sequentially consistent).
    Atomics.store(this.i32, this.h + R_WAITING, 1);
    return this.free() >= need;
  }

  /**
   * Counts one message handed over beside the ring (R_EXT_POSTED). Stored before any
   * later ring bytes are published, so a consumer that sees those bytes sees the count.
   */
  countExternal(): void {
    this.#ext = (this.#ext + 1) | 0;
    Atomics.store(this.i32, this.h + R_EXT_POSTED, this.#ext);
  }
  #ext = 0;

  /**
   * A new batch beside the ring begins at ring position `pos` (R_EXT_WAIT_POS). Stored
   * before the batch's first `countExternal`, which publishes it.
   */
  externalBatchAt(pos: number): void {
    Atomics.store(this.i32, this.h + R_EXT_WAIT_POS, pos);
  }

  /** The batch of `n` messages is being posted (R_EXT_SENT), before the `postMessage`. */
  countSent(n: number): void {
    Atomics.add(this.i32, this.h + R_EXT_SENT, n);
  }

  /** The local tail: the ring position of the next byte staged. */
  get position(): number {
    return this.#tail;
  }

  /** Marks the producer finished. */
  close(): void {
    this.publish();
    Atomics.store(this.i32, this.h + R_PRODUCER_DONE, 1);
  }

  /** True if the consumer declared itself gone. */
  get consumerGone(): boolean {
    return Atomics.load(this.i32, this.h + R_CONSUMER_DONE) === 1;
  }
}

/** Consumer side of a ring. Owned by one thread. */
export class RingReader extends RingEnd {
  #head = 0;
  #committed = 0;
  #msgsRead = 0;

  /** Attaches to the ring at `place`, continuing from its consumed state. */
  constructor(place: RingPlace) {
    super(place);
    this.#head = this.#committed = Atomics.load(this.i32, this.h + R_HEAD);
    this.#msgsRead = Atomics.load(this.i32, this.h + R_MSGS_READ);
  }

  /** The local head: the ring position of the next byte to read. */
  get position(): number {
    return this.#head;
  }

  /** Messages the producer handed over beside the ring so far (R_EXT_POSTED). */
  get externalPosted(): number {
    return Atomics.load(this.i32, this.h + R_EXT_POSTED);
  }

  /** Of those, the messages in batches already posted (R_EXT_SENT). */
  get externalSent(): number {
    return Atomics.load(this.i32, this.h + R_EXT_SENT);
  }

  /** The ring position of the batch still being gathered (R_EXT_WAIT_POS). */
  get externalWaitPos(): number {
    return Atomics.load(this.i32, this.h + R_EXT_WAIT_POS);
  }

  /** Published bytes not yet consumed (from the local head). */
  available(): number {
    // Atomics: R_TAIL is stored after the bytes it covers were written.
    return (Atomics.load(this.i32, this.h + R_TAIL) - this.#head) | 0;
  }

  /** The byte `offset` bytes after the local head (the caller checked `available()`). */
  byteAt(offset: number): number {
    return this.bytes[(this.#head + offset) & this.mask]!;
  }

  /**
   * Body size of the ring frame (layout.ts framing) whose header starts `offset` after
   * the head; the caller checked that the whole header (2 or 9 bytes) is available.
   */
  sizeAt(offset: number): number {
    if (!(this.byteAt(offset) & F_LONG)) return this.byteAt(offset + 1);
    return (this.byteAt(offset + 3) << 8 | this.byteAt(offset + 4)) * 4294967296 +
      ((this.byteAt(offset + 5) << 24 | this.byteAt(offset + 6) << 16 |
        this.byteAt(offset + 7) << 8 | this.byteAt(offset + 8)) >>> 0);
  }

  /** Copies `len` bytes starting `offset` after the head into `dst` at `dstOff`. */
  copyOut(dst: Uint8Array, dstOff: number, offset: number, len: number): void {
    const pos = (this.#head + offset) & this.mask;
    const first = this.capacity - pos;
    if (len <= first) {
      dst.set(this.bytes.subarray(pos, pos + len), dstOff);
    } else {
      dst.set(this.bytes.subarray(pos, this.capacity), dstOff);
      dst.set(this.bytes.subarray(0, len - first), dstOff + first);
    }
  }

  /** The longest contiguous view of up to `len` bytes starting `offset` after the head. */
  span(offset: number, len: number): Uint8Array {
    const pos = (this.#head + offset) & this.mask;
    return this.bytes.subarray(pos, pos + Math.min(len, this.capacity - pos));
  }

  /** Moves the local head by `n` bytes (not yet visible to the producer). */
  advance(n: number): void {
    this.#head = (this.#head + n) | 0;
  }

  /** Counts `n` whole messages as read (published with the next `commit()`). */
  messagesRead(n: number): void {
    this.#msgsRead = (this.#msgsRead + n) | 0;
  }

  /**
   * Publishes the head and the read count. Returns true if the producer was waiting for
   * room: the caller then rings the producer's doorbell. With `ring` false the waiting flag
   * is left as it is (a later commit answers it): the room is published, no wake-up owed.
   */
  commit(ring = true): boolean {
    // Atomics: head/count first, then test-and-clear the producer's waiting flag; pairs
    // with RingWriter.waitForRoom (flag store, then head load).
    Atomics.store(this.i32, this.h + R_MSGS_READ, this.#msgsRead);
    if (this.#head !== this.#committed) {
      Atomics.store(this.i32, this.h + R_HEAD, this.#head);
      this.#committed = this.#head;
    }
    return ring && Atomics.load(this.i32, this.h + R_WAITING) === 1 &&
      Atomics.exchange(this.i32, this.h + R_WAITING, 0) === 1;
  }

  /** The message limit stored in the header. */
  get hwm(): number {
    return Atomics.load(this.i32, this.h + R_HWM);
  }

  /** True if the producer declared it will write no more. */
  get producerDone(): boolean {
    return Atomics.load(this.i32, this.h + R_PRODUCER_DONE) === 1;
  }

  /** Marks the consumer gone (the producer may stop writing). */
  close(): void {
    Atomics.store(this.i32, this.h + R_CONSUMER_DONE, 1);
    this.commit();
  }
}
