/**
 * Outbound: what a connection writes — control frames of its own (greeting, READY,
 * PONG, subscriptions) and the messages in its pipe's OUT ring, one write in flight.
 *
 * Ring bytes are ZMTP/3.1 frames already, so to a ZMTP/3 peer contiguous ring spans go
 * out verbatim (zero copy: the ring bytes are handed to the OS and released when the
 * write completes); to a ZMTP/1.0 or 2.0 peer frame headers are re-encoded into a staging
 * buffer. In-band command frames from the API thread are never sent. The walk state that
 * must survive a reconnect (the current frame, a message to skip) lives in the pipe.
 *
 * Messages the API thread handed over beside the ring (they did not fit in it) are
 * written when the walk reaches the ring position they stand at (`WorkerPipe.ringLimit`):
 * headers and small parts gathered into one write, large parts written as they are.
 *
 * SUB/XSUB: every outbound message is a subscription in the Crossroads 1.2 form and is
 * translated per dialect by lib/wire/subscription.ts.
 *
 * Runs on: I/O worker.
 */
import {
  type ExternalMessage,
  F_COMMAND,
  F_LONG,
  F_MORE,
  type RingReader,
  type WorkerPipe,
} from "../pipe/mod.ts";
import { messageChunks, subscriptionFrame, writeHeader1, writeHeader3 } from "../wire/mod.ts";
import type { StreamConn } from "../runtime/mod.ts";

const STAGE_BYTES = 64 * 1024;
const MAX_WRITE = 256 * 1024;
/** Parts of a message from beside the ring up to this size are gathered with headers. */
const SMALL_PART = 16 * 1024;
/** Messages from beside the ring written in one gathered write, at most. */
const MAX_GATHERED = 1024;
/** To a ZMTP/3 peer, bytes of consecutive messages from beside the ring in one write. */
const EXT_WRITE = 1024 * 1024;

/** Frame encoding towards the peer: ZMTP/3.x, 2.0, or the legacy 1.0 framing. */
export type Framing = "v3" | "v2" | "v1";

/** The write side of one connection. */
export class Outbound {
  /** The stream written to. */
  conn: StreamConn | null = null;
  /** The pipe whose OUT ring is sent, while the session serves one. */
  pipe: WorkerPipe | null = null;
  /** The peer's dialect once known ("3.1", "xs1", ...). */
  version = "";
  /** null until the handshake is done: only control frames go out before. */
  framing: Framing | null = null;
  /** Set when the connection is gone: nothing more is written. */
  closed = false;
  readonly #subOut: boolean;
  readonly #wakeApi: () => void;
  #ctrl: Uint8Array[] = [];
  #writing = false;
  #writeLeft = 0;
  #inFlight = 0;
  #writeMsgs = 0;
  #stage: Uint8Array | null = null;
  #dropOut = false;
  /** The messages from beside the ring being written: their chunks, the next one, the messages. */
  #ext: { chunks: Uint8Array[]; next: number; taken: ExternalMessage[] } | null = null;
  /** Called when a write completed and nothing more is pending (lingering closes). */
  onIdle: (() => void) | null = null;

  /**
   * @param subOut true for SUB/XSUB (outbound messages are subscriptions)
   * @param wakeApi rings the API thread (room was freed in the OUT ring)
   */
  constructor(subOut: boolean, wakeApi: () => void) {
    this.#subOut = subOut;
    this.#wakeApi = wakeApi;
  }

  /** Queues a control frame, written before further data at a frame boundary. */
  push(frame: Uint8Array): void {
    this.#ctrl.push(frame);
  }

  /** True if control frames wait. */
  get hasControl(): boolean {
    return this.#ctrl.length > 0;
  }

  /** How many control frames wait (each is written on its own). */
  get controlCount(): number {
    return this.#ctrl.length;
  }

  /** True while a write is in progress. */
  get writing(): boolean {
    return this.#writing;
  }

  /** True if the pipe has outbound bytes and no write is in progress. */
  get wantsOut(): boolean {
    const p = this.pipe;
    if (this.#writing || this.closed || p === null || this.framing === null) return false;
    if (p.externalDue) return true;
    return p.out.available() > this.#writeLeft && p.ringLimit() > this.#writeLeft;
  }

  /** The stream finished the last write: release its ring bytes, write on. */
  written(): void {
    this.#writing = false;
    const p = this.pipe;
    const e = this.#ext;
    if (e && p) {
      if (e.next < e.chunks.length) {
        this.#writing = true;
        this.conn!.write(e.chunks[e.next++]!);
        return;
      }
      this.#ext = null;
      this.#externalDone(p, e.taken.length);
      for (const m of e.taken) p.doneExternal(m);
    }
    if (this.#inFlight > 0 && p) {
      p.out.advance(this.#inFlight);
      this.#writeLeft -= this.#inFlight;
      this.#inFlight = 0;
      if (this.#writeLeft > 0) {
        this.#writeSpan();
        return;
      }
      p.out.messagesRead(this.#writeMsgs);
      this.#writeMsgs = 0;
      if (p.out.commit()) this.#wakeApi();
    }
    this.flush();
    if (!this.#writing && this.onIdle && p && !p.outPending) this.onIdle();
  }

  /**
   * The connection died. Bytes handed to it are lost and the message they belong to is
   * lost whole: the next connection skips the rest of it.
   */
  release(p: WorkerPipe): void {
    if (this.#ext) {
      // Counted as read; their buffers are not handed back (a write may still hold them).
      this.#externalDone(p, this.#ext.taken.length);
      this.#ext = null;
    }
    if (this.#writeLeft > 0) {
      p.out.advance(this.#writeLeft);
      p.out.messagesRead(this.#writeMsgs);
      this.#writeLeft = 0;
      this.#writeMsgs = 0;
      if (p.out.commit()) this.#wakeApi();
    }
    if (p.outMidMessage) p.skipRest = true;
    this.pipe = null;
  }

  /** Writes what can be written now: control frames first (between frames), then data. */
  flush(): void {
    if (this.#writing || this.closed || !this.conn) return;
    const p = this.pipe;
    const atBoundary = !p || p.bodyLeft === 0;
    if (this.#ctrl.length && atBoundary && this.#writeLeft === 0) {
      const b = this.#ctrl.shift()!;
      this.#writing = true;
      this.#inFlight = 0;
      this.conn.write(b);
      return;
    }
    if (!p || this.framing === null) return;
    if (p.externalDue && p.bodyLeft === 0 && !p.more && this.#writeLeft === 0) {
      if (!this.#subOut) return this.#writeExternal(p);
      this.#subscriptionExternal(p);
      return this.flush();
    }
    if (this.#subOut) this.#subscriptionsOut(p);
    else if (this.framing !== "v3") this.#stageV1(p);
    else this.#walkV3(p);
  }

  /**
   * SUB/XSUB: every outbound message is a subscription in the Crossroads 1.2 form; each
   * single-part one goes out as its dialect's control frame (`subscriptionFrame`), in the
   * queue of control frames; multi-part messages and in-band commands are dropped.
   */
  #subscriptionsOut(p: WorkerPipe): void {
    const r = p.out;
    const avail = Math.min(r.available(), p.ringLimit());
    let off = 0, msgs = 0;
    const frames: Uint8Array[] = [];
    while (off < avail && frames.length < 256) {
      const hs = headerAt(r, off, avail);
      if (hs === 0) break;
      const flags = r.byteAt(off), size = r.sizeAt(off);
      if (avail - off < hs + size) break;
      const body = new Uint8Array(size);
      r.copyOut(body, 0, off + hs, size);
      off += hs + size;
      if (flags & F_COMMAND) continue;
      const more = (flags & F_MORE) !== 0;
      const drop = this.#dropOut || more;
      this.#dropOut = more;
      if (!more) msgs++;
      if (drop) continue;
      const f = subscriptionFrame(body, this.version);
      if (f) frames.push(f);
    }
    if (off === 0) return;
    r.advance(off);
    r.messagesRead(msgs);
    if (r.commit()) this.#wakeApi();
    if (frames.length) {
      this.#ctrl.push(...frames);
      this.flush();
    }
  }

  /** A subscription message from beside the ring (rare: the ring was full). */
  #subscriptionExternal(p: WorkerPipe): void {
    const m = p.takeExternal();
    const parts = m.parts;
    this.#externalDone(p);
    const f = parts.length === 1 ? subscriptionFrame(parts[0]!, this.version) : null;
    p.doneExternal(m);
    if (f) this.#ctrl.push(f);
  }

  /** Messages from beside the ring were written (or dropped): they count as read. */
  #externalDone(p: WorkerPipe, msgs = 1): void {
    p.out.messagesRead(msgs);
    if (p.out.commit()) this.#wakeApi();
  }

  /**
   * Writes the message due at the head from beside the ring with the ones due right after
   * it. To a ZMTP/3 peer the batch buffer already holds their frames: messages that follow
   * each other in it go out as one write, as they are. To older peers headers and small
   * parts are gathered (up to STAGE_BYTES), large parts written as they are.
   */
  #writeExternal(p: WorkerPipe): void {
    const first = p.takeExternal();
    const taken = [first];
    let chunks: Uint8Array[];
    if (this.framing === "v3") {
      const f = first.frames;
      let end = f.byteOffset + f.length;
      while (end - f.byteOffset < EXT_WRITE && taken.length < MAX_GATHERED && p.externalDue) {
        const next = p.peekExternal().frames;
        if (next.buffer !== f.buffer || next.byteOffset !== end) break;
        taken.push(p.takeExternal());
        end += next.length;
      }
      chunks = [new Uint8Array(f.buffer, f.byteOffset, end - f.byteOffset)];
    } else {
      let bytes = 0;
      for (const part of first.parts) bytes += part.length;
      while (bytes < STAGE_BYTES && taken.length < MAX_GATHERED && p.externalDue) {
        const m = p.takeExternal();
        taken.push(m);
        for (const part of m.parts) bytes += part.length;
      }
      const msgs = taken.map((m) => m.parts);
      chunks = messageChunks(msgs, this.framing === "v1", SMALL_PART, STAGE_BYTES);
    }
    this.#ext = { chunks, next: 1, taken };
    this.#writing = true;
    this.#inFlight = 0;
    // Never empty: every message has a part, and every part a header.
    this.conn!.write(chunks[0]!);
  }

  /** Drops every complete outbound message queued in the pipe. */
  discard(p: WorkerPipe): void {
    const r = p.out;
    const avail = r.available();
    let off = 0, msgs = p.dropExternal();
    while (off < avail) {
      const hs = headerAt(r, off, avail);
      if (hs === 0) break;
      const flags = r.byteAt(off), size = r.sizeAt(off);
      if (avail - off < hs + size) break;
      off += hs + size;
      if (!(flags & (F_MORE | F_COMMAND))) msgs++;
    }
    r.advance(off);
    r.messagesRead(msgs);
    if (r.commit()) this.#wakeApi();
  }

  /** ZMTP/3 peers: walk frame headers over the available bytes and write them verbatim. */
  #walkV3(p: WorkerPipe): void {
    const r = p.out;
    const avail = r.available();
    if (avail === 0) return;
    let off = 0;
    let msgs = 0;
    const limit = Math.min(avail, MAX_WRITE, p.ringLimit());
    if (p.skipRest && p.bodyLeft > 0) return this.#skipBody(p);
    while (off < limit) {
      if (p.bodyLeft > 0) {
        const n = Math.min(p.bodyLeft, avail - off);
        off += n;
        p.bodyLeft -= n;
        if (p.bodyLeft === 0 && !p.more) msgs++;
        if (p.bodyLeft > 0) break;
        continue;
      }
      const hs = headerAt(r, off, avail);
      if (hs === 0) break;
      const flags = r.byteAt(off), size = r.sizeAt(off);
      if ((flags & F_COMMAND) || p.skipRest) {
        // In-band commands are for us, and skipped frames for nobody: consume them, but
        // only at the start of a write so the span stays contiguous on the wire.
        if (off > 0) break;
        if (avail < hs + size) break;
        r.advance(hs + size);
        if (!(flags & F_COMMAND)) {
          if (!(flags & F_MORE)) {
            p.skipRest = false;
            r.messagesRead(1);
          }
        }
        if (r.commit()) this.#wakeApi();
        return this.#walkV3(p);
      }
      off += hs;
      p.more = (flags & F_MORE) !== 0;
      p.bodyLeft = size;
      if (size === 0 && !p.more) msgs++;
    }
    if (off === 0) return;
    this.#writeLeft = off;
    this.#writeMsgs = msgs;
    this.#writeSpan();
  }

  /**
   * The connection that was writing a frame died: the rest of its body (and of its
   * message, `skipRest`) is dropped, never sent headerless on the next connection.
   */
  #skipBody(p: WorkerPipe): void {
    const r = p.out;
    const n = Math.min(p.bodyLeft, r.available());
    r.advance(n);
    p.bodyLeft -= n;
    if (p.bodyLeft === 0 && !p.more) {
      p.skipRest = false;
      r.messagesRead(1);
    }
    if (r.commit()) this.#wakeApi();
    if (p.bodyLeft === 0) this.flush();
  }

  #writeSpan(): void {
    const span = this.pipe!.out.span(0, this.#writeLeft);
    this.#inFlight = span.length;
    this.#writing = true;
    this.conn!.write(span);
  }

  /** ZMTP/1.0 and 2.0 peers: re-encode frame headers into a staging buffer. */
  #stageV1(p: WorkerPipe): void {
    const r = p.out;
    const avail = r.available();
    if (avail === 0) return;
    if (p.skipRest && p.bodyLeft > 0) return this.#skipBody(p);
    const stage = this.#stage ??= new Uint8Array(STAGE_BYTES);
    const legacy = this.framing === "v1";
    const limit = Math.min(avail, p.ringLimit());
    let off = 0, pos = 0, msgs = 0;
    while (off < limit && pos < STAGE_BYTES) {
      if (p.bodyLeft > 0) {
        const n = Math.min(p.bodyLeft, avail - off, STAGE_BYTES - pos);
        r.copyOut(stage, pos, off, n);
        off += n;
        pos += n;
        p.bodyLeft -= n;
        if (p.bodyLeft === 0 && !p.more) msgs++;
        continue;
      }
      const hs = headerAt(r, off, avail);
      if (hs === 0) break;
      const flags = r.byteAt(off), size = r.sizeAt(off);
      if ((flags & F_COMMAND) || p.skipRest) {
        if (avail - off < hs + size) break;
        off += hs + size;
        if (!(flags & F_COMMAND) && !(flags & F_MORE)) {
          p.skipRest = false;
          msgs++;
        }
        continue;
      }
      if (STAGE_BYTES - pos < 10) break;
      const more = (flags & F_MORE) !== 0;
      pos += legacy
        ? writeHeader1(stage, pos, more, size)
        : writeHeader3(stage, pos, more ? F_MORE : 0, size);
      off += hs;
      p.more = more;
      p.bodyLeft = size;
      if (size === 0 && !more) msgs++;
    }
    if (off === 0) return;
    if (pos === 0) {
      // Only skipped frames: release them now.
      r.advance(off);
      r.messagesRead(msgs);
      if (r.commit()) this.#wakeApi();
      return;
    }
    // The staged copy is ours, so the ring bytes can be released before the write ends.
    r.advance(off);
    r.messagesRead(msgs);
    if (r.commit()) this.#wakeApi();
    this.#writing = true;
    this.#inFlight = 0;
    const out = stage.slice(0, pos);
    this.conn!.write(out);
  }
}

/** Header length (2 or 9) of the ring frame at `off`, or 0 if its header is not all in `avail`. */
function headerAt(r: RingReader, off: number, avail: number): number {
  const hs = r.byteAt(off) & F_LONG ? 9 : 2;
  return avail - off < hs ? 0 : hs;
}
