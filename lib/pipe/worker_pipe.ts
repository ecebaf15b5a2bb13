/**
 * WorkerPipe: the I/O worker's end of a pipe — it consumes the OUT ring (messages the
 * application sent) and produces into the IN ring (messages for the application).
 *
 * The outbound walk state lives here, not in the connection, because a connect-side
 * pipe outlives its connections: if a connection dies half-way through a message, the
 * rest of that message must be skipped on the next one (docs/behaviour.md §5.5:
 * the message being written when a connection breaks is lost whole).
 *
 * It also holds the messages the API thread handed over beside the OUT ring
 * (ring_pipe.ts): each stands at a ring position, and the outbound walk asks
 * `ringLimit()` how far it may go before the next one is due.
 *
 * Runs on: I/O worker.
 */
import { PIPE_RING_BYTES } from "./layout.ts";
import { RingReader, RingWriter } from "./ring.ts";
import { pipePlaces } from "./blocks.ts";
import type { ExternalBatch } from "./ring_pipe.ts";
import { isPooled } from "./ext_buffers.ts";

/** The buffer of one batch posted beside the ring, and how many of its messages are not done. */
interface ExternalBuffer {
  buf: ArrayBuffer;
  left: number;
  recycle: ((buf: ArrayBuffer) => void) | null;
}

/**
 * One message handed over beside the ring, due at ring position `pos`: its parts, and the
 * same as ZMTP/3.1 frames (`frames`, a view of its batch's buffer).
 */
export interface ExternalMessage {
  pos: number;
  parts: Uint8Array[];
  frames: Uint8Array;
  batch: ExternalBuffer;
}

/** The worker's end of one pipe. */
export class WorkerPipe {
  /** Pipe id, as the API thread named it. */
  readonly id: number;
  /** Messages from the application (we consume). */
  readonly out: RingReader;
  /** Messages for the application (we produce). */
  readonly in: RingWriter;
  /** Body bytes of the current outbound frame not yet walked. */
  bodyLeft = 0;
  /** The current outbound frame has MORE (a message is open). */
  more = false;
  /** Drop outbound frames up to the end of the current message. */
  skipRest = false;
  /** An inbound message is partly staged in the IN ring. */
  inOpen = false;
  /** An inbound message was cut after parts of it were published: an ABORT must follow. */
  abortPending = false;
  /** A connection has served this pipe before (so a new one is a reconnection). */
  served = false;

  #ext: ExternalMessage[] = [];
  #extHead = 0;
  #extReceived = 0;

  /** Attaches to the pipe block `sab` made by the API thread. */
  constructor(id: number, sab: SharedArrayBuffer) {
    this.id = id;
    const p = pipePlaces(sab, PIPE_RING_BYTES, PIPE_RING_BYTES);
    this.out = new RingReader(p.out);
    this.in = new RingWriter(p.in);
  }

  /**
   * Takes in a batch of messages posted beside the ring, in order. Once every message of
   * it is done (`doneExternal`), a buffer of the pooled size goes back through `recycle`.
   */
  addExternal(b: ExternalBatch, recycle: ((buf: ArrayBuffer) => void) | null = null): void {
    const buf = new Uint8Array(b.buf);
    const batch: ExternalBuffer = {
      buf: b.buf,
      left: b.pos.length,
      recycle: isPooled(b.buf) ? recycle : null,
    };
    let off = 0, k = 0;
    for (let i = 0; i < b.pos.length; i++) {
      const start = off;
      const parts: Uint8Array[] = [];
      // The batch's arrays are consistent (ring_pipe.ts #postExternal built them).
      for (let j = 0; j < b.parts[i]!; j++) {
        const n = b.sizes[k++]!;
        off += n > 255 ? 9 : 2;
        parts.push(buf.subarray(off, off + n));
        off += n;
      }
      this.#ext.push({ pos: b.pos[i]!, parts, frames: buf.subarray(start, off), batch });
    }
    this.#extReceived = (this.#extReceived + b.pos.length) | 0;
  }

  /**
   * A message taken from beside the ring was written (its write completed) or dropped: the
   * last of its batch hands the buffer back. Never call it for bytes a write still holds.
   */
  doneExternal(m: ExternalMessage): void {
    const b = m.batch;
    if (--b.left === 0 && b.recycle !== null) b.recycle(b.buf);
  }

  /** True if a message posted beside the ring stands at the ring's current head. */
  get externalDue(): boolean {
    return this.#extHead < this.#ext.length &&
      this.#ext[this.#extHead]!.pos === this.out.position;
  }

  /**
   * How many ring bytes after the head the outbound walk may take before the next
   * message posted beside the ring: Infinity if none is pending, 0 while one is still on
   * its way (its position is not known yet, and may be the head itself).
   */
  ringLimit(): number {
    if (this.#extHead < this.#ext.length) {
      return (this.#ext[this.#extHead]!.pos - this.out.position) | 0;
    }
    // Atomics (in externalPosted): read after the tail the caller loaded, so a message
    // whose position is before ring bytes we saw is counted here.
    const out = this.out;
    if (out.externalPosted === this.#extReceived) return Infinity;
    // Messages are missing. One in a posted batch is on its way: wait for it. If every
    // posted batch is here, the missing ones are in the batch the API thread is still
    // gathering, which begins at R_EXT_WAIT_POS; a post between the two reads of
    // R_EXT_SENT may have begun a newer batch, so then wait too.
    const sent = out.externalSent;
    if (sent !== this.#extReceived) return 0;
    const wait = out.externalWaitPos;
    if (out.externalSent !== sent) return 0;
    return (wait - out.position) | 0;
  }

  /** The message due at the head, left in place (the caller checked `externalDue`). */
  peekExternal(): ExternalMessage {
    return this.#ext[this.#extHead]!;
  }

  /** Takes the message due at the head (the caller checked `externalDue`). */
  takeExternal(): ExternalMessage {
    const m = this.#ext[this.#extHead]!;
    this.#ext[this.#extHead++] = undefined as unknown as ExternalMessage;
    if (this.#extHead === this.#ext.length) {
      this.#ext.length = 0;
      this.#extHead = 0;
    }
    return m;
  }

  /** Messages posted beside the ring not yet taken (received or still on their way). */
  get externalPending(): boolean {
    return this.#extHead < this.#ext.length || this.out.externalPosted !== this.#extReceived;
  }

  /** Drops every message held beside the ring; returns how many. */
  dropExternal(): number {
    const n = this.#ext.length - this.#extHead;
    for (let i = this.#extHead; i < this.#ext.length; i++) this.doneExternal(this.#ext[i]!);
    this.#ext = [];
    this.#extHead = 0;
    return n;
  }

  /** True if anything waits to go out: ring bytes or messages beside the ring. */
  get outPending(): boolean {
    return this.out.available() > 0 || this.externalPending;
  }

  /** True if an outbound message is half-walked (some of its frames already went out). */
  get outMidMessage(): boolean {
    return this.bodyLeft > 0 || this.more;
  }
}
