/**
 * RingPipe: the API-thread end of a pipe whose far end is served by the I/O worker.
 *
 * Outbound, a message that fits in the OUT ring's free space is encoded there as
 * ZMTP/3.1 frames. One that does not (the ring is full, or the message is larger than
 * the ring) is copied into a batch buffer and handed to the worker beside the ring with
 * `postMessage` (the buffer transferred, not copied again), tagged with the ring
 * position it stands at; `R_EXT_POSTED` tells the worker one is on its way, so it never
 * walks past that position before the message arrives. Batches are posted lazily (one
 * `postMessage` per message made a backlogged pipe slow): once they hold EXT_POST_BYTES or
 * EXT_POST_MSGS, by the next macrotask, or at once by an eager `flush`; meanwhile the
 * worker writes the ring up to where the batch begins (`R_EXT_WAIT_POS`). Nothing waits
 * on this thread for ring room: delivery needs nothing more from the sending thread once
 * `write` returned and the batch was posted (a macrotask at the latest, and before any
 * blocking call of the C face). The only limit a sender meets is the message-counting
 * send HWM, as in Crossroads.
 *
 * Inbound is the IN ring's reader, ring_inbox.ts (parts handed out as views of batch
 * buffers, large frames streamed in, when to ring a worker waiting for room).
 *
 * Runs on: API thread.
 */
import { F_MORE } from "./layout.ts";
import { type RingPlace, RingWriter, writeFrameHeader } from "./ring.ts";
import { RingInbox } from "./ring_inbox.ts";
import { lastRead, type Pipe } from "./pipe.ts";
import { EXT_BUFFER_BYTES, ExtBuffers } from "./ext_buffers.ts";

/**
 * A burst of writes is published at the latest every PUBLISH_EVERY messages or
 * PUBLISH_BYTES bytes, so the worker can start on it. Each publish may wake a parked
 * worker (a postMessage, ~5 µs): at every 32 messages that was still a third of a Bun
 * sender's thread for 64-byte messages.
 */
const PUBLISH_EVERY = 256;
const PUBLISH_BYTES = 64 * 1024;
/** Microtasks the burst flush waits with no new message before it publishes. */
const CHASE_HOPS = 3;
/**
 * Bytes of messages gathered into one `postMessage` to the worker, at most: one pooled
 * buffer (ext_buffers.ts), so that batches reuse buffers instead of allocating.
 */
const EXT_BATCH = EXT_BUFFER_BYTES;
/**
 * A batch beside the ring is posted by a flush that is not eager only from this size or
 * this many messages on; a smaller one waits for more, at most until the next macrotask.
 * One `postMessage` per message (15-20 µs, docs/runtime.md §1) was what made a backlogged
 * pipe slow: 4 µs per send and 100k msg/s for 64-byte messages.
 */
const EXT_POST_BYTES = 256 * 1024;
const EXT_POST_MSGS = 1024;

/**
 * Messages handed to the worker beside the ring (one `postMessage`): message `i` stands
 * at ring position `pos[i]` and has `parts[i]` parts; part sizes follow in `sizes`. `buf`
 * holds the parts one after the other as ZMTP/3.1 frames, exactly as they would stand in
 * the ring (header, then body), so the worker writes them to a ZMTP/3 peer as they are;
 * it may be longer than the frames (a pooled buffer, ext_buffers.ts).
 */
export interface ExternalBatch {
  pipe: number;
  pos: number[];
  parts: number[];
  sizes: number[];
  buf: ArrayBuffer;
}

/** The API-thread end of a worker-served pipe. */
export class RingPipe implements Pipe {
  readonly id: number;
  peerIdentity: Uint8Array = new Uint8Array(0);
  peerType: string | null = null;
  peerVersion: string | null = null;
  properties: Record<string, string> | null = null;
  /** How many times a connection was established for this pipe (connect side). */
  connections = 0;
  tag: unknown = undefined;
  readonly #out: RingWriter;
  readonly #inbox: RingInbox;
  readonly #wake: () => void;
  readonly #post: (b: ExternalBatch) => void;
  readonly #buffers: ExtBuffers;
  #sndhwm: number;
  #unpublished = 0;
  #unpublishedBytes = 0;
  #ext:
    | { pos: number[]; parts: number[]; sizes: number[]; data: Uint8Array[]; bytes: number }
    | null = null;
  #terminated = false;
  // Publishing once per burst (from a microtask) instead of per message lets the worker
  // take whole batches (docs/runtime.md §6: 1.3-3x more small messages). A burst of
  // `await send()` is not synchronous: each send's continuation runs in a microtask queued
  // after ours, so a flush in the first microtask published (and woke a parked worker, a
  // postMessage: a third of a Bun sender's thread) after every message. The microtask
  // therefore re-queues itself while messages keep coming, and CHASE_HOPS more times, and
  // then publishes; PUBLISH_EVERY and PUBLISH_BYTES still bound a long burst.
  #written = 0;
  #hopQueued = false;
  #hopSeen = 0;
  #hopIdle = 0;
  readonly #flushSoon = (): void => {
    if (this.#written !== this.#hopSeen) {
      this.#hopSeen = this.#written;
      this.#hopIdle = 0;
      queueMicrotask(this.#flushSoon);
    } else if (++this.#hopIdle <= CHASE_HOPS) {
      queueMicrotask(this.#flushSoon);
    } else {
      this.#hopQueued = false;
      this.flush(false);
    }
  };
  /** The macrotask that posts a batch beside the ring a lazy flush left (see EXT_POST_BYTES). */
  #extTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #postLater = () => {
    this.#extTimer = undefined;
    this.flush();
  };

  /**
   * @param id the pipe id
   * @param out the OUT ring (we produce)
   * @param inn the IN ring (we consume)
   * @param sndhwm message limit of the OUT ring (0 = none)
   * @param wake rings the worker's doorbell
   * @param post hands a batch of messages to the worker beside the ring
   * @param buffers where batch buffers come from (the context's, refilled by the worker)
   */
  constructor(
    id: number,
    out: RingPlace,
    inn: RingPlace,
    sndhwm: number,
    wake: () => void,
    post: (b: ExternalBatch) => void,
    buffers: ExtBuffers = new ExtBuffers(0),
  ) {
    this.id = id;
    this.#out = new RingWriter(out);
    this.#inbox = new RingInbox(inn, wake);
    this.#sndhwm = sndhwm;
    this.#out.hwm = sndhwm;
    this.#wake = wake;
    this.#post = post;
    this.#buffers = buffers;
  }

  get terminated(): boolean {
    return this.#terminated;
  }

  /** Called when the worker reports the far end gone for good. */
  terminate(): void {
    this.#terminated = true;
    clearTimeout(this.#extTimer);
    this.#extTimer = undefined;
    this.#ext = null;
    this.#out.close();
  }

  checkWrite(): boolean {
    if (this.#terminated) return false;
    const hwm = this.#sndhwm;
    if (hwm <= 0 || this.#out.queuedMessages() < hwm) return true;
    // At the HWM: ask the worker to ring us when it takes messages, then re-check (it may
    // have taken some just before the flag was set).
    this.#out.waitForRoom(0);
    return this.#out.queuedMessages() < hwm;
  }

  write(msg: Uint8Array[]): boolean {
    if (!this.checkWrite()) return false;
    const out = this.#out;
    const n = msg.length;
    let need = 0;
    for (let i = 0; i < n; i++) {
      const len = msg[i]!.length;
      need += (len > 255 ? 9 : 2) + len;
    }
    if (need <= out.free()) {
      for (let i = 0; i < n; i++) {
        const part = msg[i]!;
        out.putHeader(i < n - 1 ? F_MORE : 0, part.length);
        out.put(part);
      }
      out.endMessage();
    } else {
      this.#external(msg, need);
    }
    this.#written = (this.#written + 1) | 0;
    this.#unpublishedBytes += need;
    if (++this.#unpublished >= PUBLISH_EVERY || this.#unpublishedBytes >= PUBLISH_BYTES) {
      this.flush(false);
    }
    if (!this.#hopQueued) {
      this.#hopQueued = true;
      this.#hopSeen = this.#written;
      this.#hopIdle = 0;
      queueMicrotask(this.#flushSoon);
    }
    return true;
  }

  /** Queues `msg` for the worker beside the ring, at the ring's current position. */
  #external(msg: Uint8Array[], bytes: number): void {
    const out = this.#out;
    let e = this.#ext;
    if (e && e.bytes + bytes > EXT_BATCH) {
      this.#postExternal();
      e = null;
    }
    if (!e) {
      out.externalBatchAt(out.position);
      e = this.#ext = { pos: [], parts: [], sizes: [], data: [], bytes: 0 };
    }
    // The count is stored before any later ring bytes are published (ring.ts).
    out.countExternal();
    e.pos.push(out.position);
    e.parts.push(msg.length);
    for (const part of msg) {
      e.sizes.push(part.length);
      e.data.push(part);
    }
    e.bytes += bytes;
    out.endMessage();
  }

  #postExternal(): void {
    const e = this.#ext;
    if (!e) return;
    this.#ext = null;
    // The frames as the ring would hold them (`bytes` counted their headers).
    const buf = new Uint8Array(this.#buffers.take(e.bytes));
    let off = 0, k = 0;
    for (let i = 0; i < e.parts.length; i++) {
      const last = k + e.parts[i]! - 1;
      for (; k <= last; k++) {
        const d = e.data[k]!;
        const n = d.length;
        off += writeFrameHeader(buf, off, k < last ? F_MORE : 0, n);
        buf.set(d, off);
        off += n;
      }
    }
    this.#out.countSent(e.pos.length);
    this.#post({ pipe: this.id, pos: e.pos, parts: e.parts, sizes: e.sizes, buf: buf.buffer });
  }

  flush(eager = true): void {
    const e = this.#ext;
    if (e) {
      if (eager || e.bytes >= EXT_POST_BYTES || e.pos.length >= EXT_POST_MSGS) {
        clearTimeout(this.#extTimer);
        this.#extTimer = undefined;
        this.#postExternal();
      } else {
        this.#extTimer ??= setTimeout(this.#postLater, 0);
      }
    }
    if (this.#out.dirty || this.#unpublished) {
      this.#unpublished = 0;
      this.#unpublishedBytes = 0;
      this.#out.publish();
      this.#wake();
    }
  }
  checkRead(): boolean {
    return this.#inbox.checkRead();
  }

  read(): Uint8Array<ArrayBuffer>[] | null {
    const m = this.#inbox.read();
    if (m !== null) lastRead.properties = this.properties;
    return m;
  }
}
