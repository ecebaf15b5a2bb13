/**
 * RingPipe: the API-thread end of a pipe whose far end is served by the I/O worker.
 *
 * Outbound, messages are encoded as ZMTP/3.1 frames straight into the OUT ring. A message
 * that does not fit in the free space right now is kept (by reference, no copy) in a
 * small overflow list and streamed into the ring as the worker frees room, so the only
 * limit a sender meets is the message-counting send HWM, as in Crossroads. Inbound,
 * complete frames are copied out of the IN ring in batches of up to 64 KiB into one fresh
 * ArrayBuffer, and the parts handed to the user are views of that buffer: one allocation
 * per batch instead of one per message (Deno allocates slowly), and the user may keep
 * the parts for as long as they like. Frames too large for the ring are streamed into a
 * buffer of their own.
 *
 * Runs on: API thread.
 */
import { CMD_ABORT, F_COMMAND, F_LONG, F_MORE } from "./layout.ts";
import { type RingPlace, RingReader, RingWriter } from "./ring.ts";
import type { Pipe } from "./pipe.ts";

const BATCH = 64 * 1024;
const PUBLISH_EVERY = 32;

interface PendingPart {
  data: Uint8Array;
  more: boolean;
}

/** The API-thread end of a worker-served pipe. */
export class RingPipe implements Pipe {
  readonly id: number;
  peerIdentity: Uint8Array = new Uint8Array(0);
  peerType: string | null = null;
  peerVersion: string | null = null;
  /** How many times a connection was established for this pipe (connect side). */
  connections = 0;
  tag: unknown = undefined;
  readonly #out: RingWriter;
  readonly #in: RingReader;
  readonly #wake: () => void;
  #sndhwm: number;
  #accepted = 0;
  #unpublished = 0;
  #overflow: PendingPart[] = [];
  #ovHead = 0;
  #ovOffset = -1; // -1: header of overflow[ovHead] not written yet
  #queue: Uint8Array[][] = [];
  #qHead = 0;
  #partial: Uint8Array[] = [];
  #big: { buf: Uint8Array; filled: number; more: boolean } | null = null;
  #readsUncommitted = 0;
  #terminated = false;
  // Publishing once per synchronous burst (from a microtask) instead of per message lets
  // the worker take whole batches (runtime-facts: 1.3-3x more small messages).
  readonly #flushSoon = () => this.flush();

  /**
   * @param id the pipe id
   * @param out the OUT ring (we produce)
   * @param inn the IN ring (we consume)
   * @param sndhwm message limit of the OUT ring (0 = none)
   * @param wake rings the worker's doorbell
   */
  constructor(id: number, out: RingPlace, inn: RingPlace, sndhwm: number, wake: () => void) {
    this.id = id;
    this.#out = new RingWriter(out);
    this.#in = new RingReader(inn);
    this.#sndhwm = sndhwm;
    this.#out.hwm = sndhwm;
    this.#wake = wake;
  }

  get terminated(): boolean {
    return this.#terminated;
  }

  /** Called when the worker reports the far end gone for good. */
  terminate(): void {
    this.#terminated = true;
    this.#overflow.length = 0;
    this.#ovHead = 0;
    this.#out.close();
  }

  /** True while parts wait in the overflow list for ring room. */
  get hasOverflow(): boolean {
    return this.#ovHead < this.#overflow.length;
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
    if (this.#ovHead === this.#overflow.length) {
      let need = 0;
      for (let i = 0; i < n; i++) {
        const len = msg[i].length;
        need += (len > 255 ? 9 : 2) + len;
      }
      if (need <= out.free()) {
        for (let i = 0; i < n; i++) {
          const part = msg[i];
          out.putHeader(i < n - 1 ? F_MORE : 0, part.length);
          out.put(part);
        }
        out.endMessage();
        const u = ++this.#unpublished;
        if (u >= PUBLISH_EVERY) this.flush();
        else if (u === 1) queueMicrotask(this.#flushSoon);
        return true;
      }
    }
    for (let i = 0; i < n; i++) this.#overflow.push({ data: msg[i], more: i < n - 1 });
    out.endMessage();
    this.pump();
    return true;
  }

  /**
   * Streams overflow parts into the ring as far as room allows. Returns true if parts
   * remain (the worker will ring our doorbell when it frees room).
   */
  pump(): boolean {
    const out = this.#out;
    const ov = this.#overflow;
    while (this.#ovHead < ov.length) {
      const p = ov[this.#ovHead];
      if (this.#ovOffset < 0) {
        const hs = p.data.length > 255 ? 9 : 2;
        if (out.free() < hs) {
          if (!this.#blocked(hs)) return true;
          continue;
        }
        out.putHeader(p.more ? F_MORE : 0, p.data.length);
        this.#ovOffset = 0;
      }
      const left = p.data.length - this.#ovOffset;
      const room = out.free();
      if (left > 0 && room === 0) {
        if (!this.#blocked(1)) return true;
        continue;
      }
      const n = Math.min(left, room);
      out.put(p.data.subarray(this.#ovOffset, this.#ovOffset + n));
      this.#ovOffset += n;
      if (this.#ovOffset === p.data.length) {
        ov[this.#ovHead++] = undefined as unknown as PendingPart;
        this.#ovOffset = -1;
      }
    }
    ov.length = 0;
    this.#ovHead = 0;
    this.flush();
    return false;
  }

  /** Publishes what we have and asks for a wake-up; true if room appeared meanwhile. */
  #blocked(need: number): boolean {
    this.flush();
    return this.#out.waitForRoom(need);
  }

  flush(): void {
    if (this.#out.dirty || this.#unpublished) {
      this.#unpublished = 0;
      this.#out.publish();
      this.#wake();
    }
  }

  checkRead(): boolean {
    if (this.#qHead < this.#queue.length) return true;
    this.#fill();
    return this.#qHead < this.#queue.length;
  }

  read(): Uint8Array[] | null {
    if (this.#qHead === this.#queue.length) {
      this.#fill();
      if (this.#qHead === this.#queue.length) return null;
    }
    const msg = this.#queue[this.#qHead];
    this.#queue[this.#qHead++] = undefined as unknown as Uint8Array[];
    if (this.#qHead === this.#queue.length) {
      this.#queue.length = 0;
      this.#qHead = 0;
    }
    this.#in.messagesRead(1);
    if (++this.#readsUncommitted >= PUBLISH_EVERY || this.#qHead === 0) {
      this.#readsUncommitted = 0;
      if (this.#in.commit()) this.#wake();
    }
    return msg;
  }

  #part(part: Uint8Array, flags: number): void {
    if (flags & F_COMMAND) {
      if (part.length === 1 && part[0] === CMD_ABORT) this.#partial = [];
      return;
    }
    this.#partial.push(part);
    if (!(flags & F_MORE)) {
      this.#queue.push(this.#partial);
      this.#partial = [];
    }
  }

  /** Moves complete frames from the IN ring into the local queue. */
  #fill(): void {
    const r = this.#in;
    let avail = r.available();
    let moved = false;
    while (avail > 0) {
      const big = this.#big;
      if (big) {
        const n = Math.min(avail, big.buf.length - big.filled);
        r.copyOut(big.buf, big.filled, 0, n);
        r.advance(n);
        avail -= n;
        big.filled += n;
        moved = true;
        if (big.filled === big.buf.length) {
          this.#big = null;
          this.#part(big.buf, big.more ? F_MORE : 0);
        }
        continue;
      }
      // Scan complete frames up to BATCH bytes.
      let off = 0;
      while (off < avail) {
        const flags = r.byteAt(off);
        const hs = flags & F_LONG ? 9 : 2;
        if (avail - off < hs) break;
        const size = r.sizeAt(off);
        if (off + hs + size > avail) {
          if (off === 0 && hs + size > (r.capacity >>> 1)) {
            // Too large to ever sit whole in the ring: stream it into its own buffer.
            r.advance(hs);
            avail -= hs;
            moved = true;
            this.#big = { buf: new Uint8Array(size), filled: 0, more: (flags & F_MORE) !== 0 };
          }
          break;
        }
        off += hs + size;
        if (off >= BATCH) break;
      }
      if (off === 0) break;
      const buf = new Uint8Array(off);
      r.copyOut(buf, 0, 0, off);
      r.advance(off);
      avail -= off;
      moved = true;
      let p = 0;
      while (p < off) {
        const flags = buf[p];
        let hs = 2, size: number;
        if (flags & F_LONG) {
          hs = 9;
          size = (buf[p + 3] << 8 | buf[p + 4]) * 4294967296 +
            ((buf[p + 5] << 24 | buf[p + 6] << 16 | buf[p + 7] << 8 | buf[p + 8]) >>> 0);
        } else {
          size = buf[p + 1];
        }
        this.#part(buf.subarray(p + hs, p + hs + size), flags);
        p += hs + size;
      }
      if (this.#qHead < this.#queue.length && off < BATCH) break;
    }
    if (moved && r.commit()) this.#wake();
  }
}
