/**
 * ExtBuffers: the buffers that carry messages beside a ring (ring_pipe.ts) to the I/O
 * worker, reused instead of allocated per batch.
 *
 * A batch's buffer is transferred to the worker, which writes it to the connection and,
 * once the last write from it completed, transfers it back on the MessagePort the API
 * thread gave it (`{ t: "port" }`, lib/pipe/commands.ts), read synchronously because a
 * thread busy sending never turns its event loop (a buffer written before the port came
 * is left to the collector). Without reuse every batch was a fresh, zero-filled
 * allocation: sending 64 KiB messages faster than the network took them, page faults on those fresh
 * pages were a fifth of the sending process's CPU (perf, Bun), and the copies into them
 * most of the rest. Only buffers of the pooled size come back; a message larger than it
 * gets a buffer of its own, which the collector takes after the write.
 *
 * Runs on: API thread (take, give); the worker only hands buffers back.
 */

/** The size of a pooled buffer: a posted batch holds up to EXT_POST_BYTES plus one message. */
export const EXT_BUFFER_BYTES = 512 * 1024;
/** Below this a batch gets an exact buffer when the pool is empty (a lone small message). */
const SMALL_BATCH = 8 * 1024;

/** A free list of batch buffers, shared by a context's pipes. */
export class ExtBuffers {
  readonly #free: ArrayBuffer[] = [];
  readonly #keep: number;
  readonly #returned: () => ArrayBuffer | null;

  /**
   * @param keep how many free buffers are kept at most (the rest are left to the collector)
   * @param returned takes a buffer the worker handed back, synchronously; null if none
   */
  constructor(keep = 8, returned: () => ArrayBuffer | null = () => null) {
    this.#keep = keep;
    this.#returned = returned;
  }

  /** A buffer of at least `bytes` bytes; its contents are unspecified. */
  take(bytes: number): ArrayBuffer {
    if (bytes > EXT_BUFFER_BYTES) return new ArrayBuffer(bytes);
    let b = this.#free.pop();
    // Take in what the worker handed back since; keep what this batch does not use.
    for (let r = this.#returned(); r !== null; r = this.#returned()) {
      if (b === undefined && isPooled(r)) b = r;
      else this.give(r);
    }
    if (b !== undefined) return b;
    return new ArrayBuffer(bytes < SMALL_BATCH ? bytes : EXT_BUFFER_BYTES);
  }

  /** Takes a buffer back (one the worker returned); other sizes are dropped. */
  give(b: ArrayBuffer): void {
    if (isPooled(b) && this.#free.length < this.#keep) {
      this.#free.push(b);
    }
  }

  /** Free buffers held now. */
  get size(): number {
    return this.#free.length;
  }
}

/** True if the worker should hand `b` back once written (it is of the pooled size). */
export function isPooled(b: ArrayBuffer): boolean {
  return b.byteLength === EXT_BUFFER_BYTES;
}
