/**
 * The control channel from the I/O worker to the API thread: events such as "endpoint
 * bound", "connection accepted, give me a pipe", "pipe gone", "socket finished
 * lingering". It is a ring in the context block rather than `postMessage` because a C-face
 * caller may be blocked in `Atomics.wait` and must still see these events (a blocked
 * thread receives no messages). Events are rare, so each record is a length-prefixed
 * JSON text; the hot path never touches this channel.
 *
 * The API → worker direction uses `postMessage` (the worker never blocks, and pipe
 * blocks travel as SharedArrayBuffers in those messages).
 *
 * Runs on: I/O worker (ControlWriter) and API thread (ControlReader).
 */
import type { ToApi } from "./commands.ts";
import { type RingPlace, RingReader, RingWriter } from "./ring.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Worker side: queues events; never blocks (events wait locally if the ring is full). */
export class ControlWriter {
  readonly #ring: RingWriter;
  readonly #backlog: Uint8Array[] = [];

  /** Attaches to the control ring. */
  constructor(place: RingPlace) {
    this.#ring = new RingWriter(place);
  }

  /** Queues one event; returns true if it was published now. */
  send(event: ToApi): boolean {
    this.#backlog.push(enc.encode(JSON.stringify(event)));
    return this.flush();
  }

  /**
   * For a parking worker: true if a backlogged event fits now; otherwise declares again
   * that the API thread must ring when it has read (see `IoLoop.#hasWork`).
   */
  rearm(): boolean {
    if (!this.#backlog.length) return false;
    return this.#ring.waitForRoom(this.#backlog[0]!.length + 4);
  }

  /** Publishes backlogged events as room allows; true if the backlog is empty. */
  flush(): boolean {
    const r = this.#ring;
    let wrote = false;
    while (this.#backlog.length) {
      const rec = this.#backlog[0]!;
      if (r.free() < rec.length + 4) {
        if (!r.waitForRoom(rec.length + 4)) break;
      }
      const n = rec.length;
      r.putByte(n >>> 24);
      r.putByte((n >>> 16) & 0xff);
      r.putByte((n >>> 8) & 0xff);
      r.putByte(n & 0xff);
      r.put(rec);
      r.endMessage();
      this.#backlog.shift();
      wrote = true;
    }
    if (wrote) r.publish();
    return this.#backlog.length === 0;
  }
}

/** API side: reads every published event. */
export class ControlReader {
  readonly #ring: RingReader;

  /** Attaches to the control ring. */
  constructor(place: RingPlace) {
    this.#ring = new RingReader(place);
  }

  /** True if at least one event is waiting. */
  pending(): boolean {
    return this.#ring.available() >= 4;
  }

  /**
   * Takes every complete event. Returns true in `wokeProducer` position when the worker
   * was waiting for room (the caller rings the worker's doorbell).
   */
  drain(into: ToApi[]): boolean {
    const r = this.#ring;
    let avail = r.available();
    let n = 0;
    while (avail >= 4) {
      const len = (r.byteAt(0) << 24 | r.byteAt(1) << 16 | r.byteAt(2) << 8 | r.byteAt(3)) >>> 0;
      if (avail < len + 4) break;
      const buf = new Uint8Array(len);
      r.copyOut(buf, 0, 4, len);
      r.advance(len + 4);
      avail -= len + 4;
      into.push(JSON.parse(dec.decode(buf)));
      n++;
    }
    if (n === 0) return false;
    r.messagesRead(n);
    return r.commit();
  }
}
