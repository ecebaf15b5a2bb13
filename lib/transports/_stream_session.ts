/**
 * StreamSession: one tcp or ipc connection of a socket, from its first byte to its
 * close — the handshake (lib/wire/handshake.ts), then framing between the connection
 * and a {@linkcode WorkerPipe}'s rings. Shared by tcp.ts and ipc.ts (mangos' conn.go).
 *
 * Outbound: ring bytes are ZMTP/3.1 frames already, so to a ZMTP/3 peer the session
 * writes contiguous ring spans verbatim (zero copy: the ring bytes are handed to the OS
 * and released when the write completes); to a ZMTP/1.0 or 2.0 peer it re-encodes frame
 * headers into a staging buffer. In-band command frames from the API thread are never
 * sent. Control frames of our own (PONG) go out only between frames.
 *
 * Inbound: a streaming decoder (Decoder3 / Decoder1) feeds frames into the IN ring;
 * whole messages are published once per received chunk, frames too large for the ring
 * are streamed. When the ring is full or the receive HWM is reached, the connection is
 * paused (TCP backpressure) and the rest of the chunk kept until the API thread reads.
 *
 * Runs on: I/O worker.
 */
import { CMD_ABORT, F_COMMAND, F_LONG, F_MORE, type WorkerPipe } from "../pipe/mod.ts";
import {
  Decoder1,
  Decoder3,
  encodeCommand,
  encodedSize1,
  encodedSize3,
  encodeFrame1,
  encodeFrame3,
  Handshake,
  type HandshakeResult,
  LegacyHandshake,
  parseCommand,
  parsePing,
  pongFrame,
  writeHeader1,
} from "../wire/mod.ts";
import type { StreamConn, StreamHandlers } from "../runtime/mod.ts";

/** What the session needs to know of its socket. */
export interface SessionConfig {
  /** Our ZMTP socket type name. */
  type: string;
  /** Compatible peer type names. */
  peers: readonly string[];
  /** True for the REQ/REP/DEALER/ROUTER family. */
  sendsIdentity: boolean;
  /** Our identity bytes. */
  identity: Uint8Array;
  /** Inbound part size limit, -1 = none. */
  maxmsgsize: number;
  /** Wire mode (XS_WIRE_MODE, wire.md 4.4). */
  mode: "auto" | "xs1" | "zmtp1" | "zmtp3";
}

/** Who owns the session (lib/io/loop.ts). */
export interface SessionOwner {
  /** The handshake finished. */
  ready(s: StreamSession, r: HandshakeResult): void;
  /** The connection is gone (after `detach` of the pipe was done by the session). */
  closed(s: StreamSession, why: string): void;
  /** Ring the API thread's doorbell. */
  wakeApi(): void;
}

const STAGE_BYTES = 64 * 1024;
const MAX_WRITE = 256 * 1024;
const HANDSHAKE_TIMEOUT_MS = 30_000;

/** One live connection. */
export class StreamSession implements StreamHandlers {
  readonly config: SessionConfig;
  readonly owner: SessionOwner;
  /** Free slot for the owner (socket id, endpoint id, connection id...). */
  meta: { sock: number; ep: number; conn: number; accepted: boolean } = {
    sock: 0,
    ep: 0,
    conn: 0,
    accepted: true,
  };
  #conn: StreamConn | null = null;
  #hs: Handshake | LegacyHandshake | null;
  #dec: Decoder3 | Decoder1 | null = null;
  #v1 = false;
  #pipe: WorkerPipe | null = null;
  #pending: Uint8Array | null = null;
  #paused = false;
  #closed = false;
  #ctrl: Uint8Array[] = [];
  #writing = false;
  #writeLeft = 0;
  #inFlight = 0;
  #writeMsgs = 0;
  #stage: Uint8Array | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  // inbound frame state
  #bodyLeft = 0;
  #more = false;
  #big = false;
  #cmd: Uint8Array | null = null;
  #cmdFill = 0;
  /** The peer's dialect once the handshake is done. */
  #version = "";
  /** SUB/XSUB: outbound messages are subscriptions, translated per dialect. */
  readonly #subOut: boolean;
  /** PUB/XPUB: inbound subscriptions (commands or 01/00 frames) become the XS form. */
  readonly #pubIn: boolean;
  /** A frame being collected is a data frame (PUB/XPUB subscription), not a command. */
  #cmdIsData = false;
  #cmdMore = false;
  /** PUB/XPUB: drop inbound frames up to the end of a multi-part message. */
  #dropIn = false;
  /** SUB/XSUB: drop outbound frames up to the end of a multi-part message. */
  #dropOut = false;
  // The decoder's sink; a separate object because the stream handler names (`data`...)
  // and the sink names (`start`, `body`) belong to two contracts.
  readonly #sink = {
    start: (flags: number, size: number) => this.#frameStart(flags, size),
    body: (bytes: Uint8Array) => this.#frameBody(bytes),
  };

  constructor(config: SessionConfig, owner: SessionOwner) {
    this.config = config;
    this.owner = owner;
    this.#subOut = config.type === "SUB" || config.type === "XSUB";
    this.#pubIn = config.type === "PUB" || config.type === "XPUB";
    this.#hs = config.mode === "xs1" || config.mode === "zmtp1"
      ? new LegacyHandshake({
        mode: config.mode,
        identity: config.identity,
        identityFamily: config.sendsIdentity,
        maxMsgSize: config.maxmsgsize,
      })
      : new Handshake({
        socketType: config.type,
        identity: config.identity,
        sendIdentity: config.sendsIdentity,
        acceptPeer: (t) => config.peers.includes(t),
        maxMsgSize: config.maxmsgsize,
        mode: config.mode === "zmtp3" ? "zmtp3" : "auto",
      });
  }

  /** Starts the session on a connected stream. */
  begin(conn: StreamConn): void {
    this.#conn = conn;
    const first = this.#hs!.start();
    if (first.length) this.#ctrl.push(first);
    const done = this.#hs!.done;
    if (done) this.#handshakeDone(done);
    // Legacy modes may wait for a peer that never speaks (wire.md 8.1 row 27).
    else if (this.config.mode !== "xs1") {
      this.#timer = setTimeout(() => this.close("handshake timed out"), HANDSHAKE_TIMEOUT_MS);
    }
    this.#flush();
  }

  #handshakeDone(done: HandshakeResult): void {
    this.#hs = null;
    this.#version = done.version;
    clearTimeout(this.#timer);
    const legacy = done.version === "1.0" || done.version === "xs1" || done.version === "zmtp1";
    this.#v1 = legacy || done.version === "2.0";
    const max = this.config.maxmsgsize;
    this.#dec = legacy ? new Decoder1(this.#sink, max) : new Decoder3(this.#sink, max);
    if (done.rest.length) this.#pending = done.rest;
    this.#pause();
    this.owner.ready(this, done);
  }

  /** The pipe this session serves, if attached. */
  get pipe(): WorkerPipe | null {
    return this.#pipe;
  }

  /** True if the connection is gone. */
  get isClosed(): boolean {
    return this.#closed;
  }

  /** True while a write is in progress. */
  get writing(): boolean {
    return this.#writing;
  }

  /**
   * Readies a connect-side pipe for this new connection, before the API thread hears of
   * it. Crossroads §4.6: when a connection is re-made, unsent subscription traffic is
   * discarded; the SUB/XSUB writes its whole set again when it hears of the new
   * connection (Protocol.pipeUp). The first connection carries what was queued before it.
   */
  prepare(pipe: WorkerPipe): void {
    if (this.#subOut && pipe.served) this.#discardOut(pipe);
    pipe.served = true;
  }

  /** Serves `pipe` from now on (after the handshake). */
  attach(pipe: WorkerPipe): void {
    this.#pipe = pipe;
    if (pipe.outMidMessage) pipe.skipRest = true;
    this.resumeIn();
    this.pumpOut();
  }

  /** Closes the connection; `owner.closed` follows once. */
  close(why = "closed"): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#release();
    this.#conn?.close();
    this.owner.closed(this, why);
  }

  /** Leaves the pipe in a state the next connection can continue from. */
  #release(): void {
    const p = this.#pipe;
    if (!p) return;
    // Outbound bytes handed to a dead connection are lost; the message they belong to is
    // lost whole.
    if (this.#writeLeft > 0) {
      p.out.advance(this.#writeLeft);
      p.out.messagesRead(this.#writeMsgs);
      this.#writeLeft = 0;
      this.#writeMsgs = 0;
      if (p.out.commit()) this.owner.wakeApi();
    }
    if (p.outMidMessage) p.skipRest = true;
    // An inbound message cut short never reaches the application.
    if (p.inOpen) {
      p.in.rewind();
      if (p.in.publishedMidMessage && p.in.free() >= 3) {
        p.in.putByte(F_COMMAND);
        p.in.putByte(1);
        p.in.putByte(CMD_ABORT);
        p.in.endMessage();
        p.in.publish();
      }
      p.inOpen = false;
    }
    this.#pipe = null;
  }

  // ------------------------------------------------------------------ stream handlers

  data(chunk: Uint8Array): void {
    if (this.#closed) return;
    if (this.#hs) {
      const out = this.#hs.feed(chunk);
      if (this.#hs.error) return this.close(`handshake failed: ${this.#hs.error}`);
      if (out.length) this.#ctrl.push(out);
      const done = this.#hs.done;
      if (done) this.#handshakeDone(done);
      this.#flush();
      return;
    }
    if (this.#pending || !this.#pipe) {
      this.#pending = concat(this.#pending, chunk);
      this.#pause();
      return;
    }
    this.#feed(chunk, false);
  }

  #feed(chunk: Uint8Array, owned: boolean): void {
    const n = this.#dec!.feed(chunk);
    if (n < 0) return this.close(`protocol error: ${this.#dec!.error}`);
    const p = this.#pipe;
    if (p) {
      p.in.publishMessages();
      this.owner.wakeApi();
    }
    if (n < chunk.length) {
      this.#pending = owned ? chunk.subarray(n) : chunk.slice(n);
      this.#pause();
      // Ask the API thread to ring us when it frees room (or reads below the HWM), then
      // re-check: it may have done so just before the flag was set.
      p?.in.waitForRoom(0);
      if (this.blockedInWithRoom) queueMicrotask(() => this.resumeIn());
    } else {
      this.#pending = null;
      if (this.#paused) {
        this.#paused = false;
        this.#conn?.resume();
      }
    }
    if (this.#ctrl.length) this.#flush();
  }

  #pause(): void {
    if (!this.#paused) {
      this.#paused = true;
      this.#conn?.pause();
    }
  }

  /** Feeds kept bytes again (the API thread made room); resumes the connection. */
  resumeIn(): void {
    if (this.#closed || !this.#pipe || !this.#dec) return;
    if (this.#pending) this.#feed(this.#pending, true);
    else if (this.#paused) {
      this.#paused = false;
      this.#conn?.resume();
    }
  }

  /** True if inbound bytes wait for ring room. */
  get blockedIn(): boolean {
    return this.#pending !== null && this.#pipe !== null;
  }

  /** True if inbound bytes wait and the ring now has room for them. */
  get blockedInWithRoom(): boolean {
    const p = this.#pipe;
    if (this.#pending === null || p === null || !this.#dec) return false;
    const hwm = p.in.hwm;
    return p.in.free() > 9 && (hwm <= 0 || p.inOpen || p.in.queuedMessages() < hwm);
  }

  written(): void {
    this.#writing = false;
    const p = this.#pipe;
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
      if (p.out.commit()) this.owner.wakeApi();
    }
    this.#flush();
  }

  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#release();
    this.owner.closed(this, "peer closed");
  }

  // ------------------------------------------------------------------ frame sink

  /** FrameSink.start: a frame from the peer begins. */
  #frameStart(flags: number, size: number): boolean {
    if (this.#pubIn) {
      // Subscriptions are small; make sure the translated message will fit before
      // taking the frame, so a full ring pauses the connection instead of losing it.
      const w = this.#pipe!.in;
      if (w.free() < size + 16 && !w.waitForRoom(size + 16)) return false;
    }
    if ((flags & F_COMMAND) || this.#pubIn) {
      this.#cmd = new Uint8Array(size);
      this.#cmdFill = 0;
      this.#cmdIsData = (flags & F_COMMAND) === 0;
      this.#cmdMore = (flags & F_MORE) !== 0;
      if (size === 0) this.#command();
      return true;
    }
    const p = this.#pipe!;
    const w = p.in;
    if (!p.inOpen) {
      const hwm = w.hwm;
      if (hwm > 0 && w.queuedMessages() >= hwm) {
        w.waitForRoom(0);
        if (w.queuedMessages() >= hwm) return false;
      }
    }
    const hs = size > 255 ? 9 : 2;
    const big = hs + size > (w.capacity >>> 1);
    const need = big ? hs : hs + size;
    if (w.free() < need && !w.waitForRoom(need)) return false;
    const f = flags & F_MORE;
    if (hs === 9) {
      w.putByte(f | F_LONG);
      const hi = Math.floor(size / 4294967296);
      w.putByte(0);
      w.putByte(0);
      w.putByte((hi >>> 8) & 0xff);
      w.putByte(hi & 0xff);
      w.putByte(size >>> 24);
      w.putByte((size >>> 16) & 0xff);
      w.putByte((size >>> 8) & 0xff);
      w.putByte(size & 0xff);
    } else {
      w.putByte(f);
      w.putByte(size);
    }
    p.inOpen = true;
    this.#bodyLeft = size;
    this.#more = f !== 0;
    this.#big = big;
    if (size === 0) this.#frameDone();
    return true;
  }

  /** FrameSink.body: body bytes of the current frame. */
  #frameBody(bytes: Uint8Array): number {
    if (this.#cmd) {
      this.#cmd.set(bytes, this.#cmdFill);
      this.#cmdFill += bytes.length;
      if (this.#cmdFill === this.#cmd.length) this.#command();
      return bytes.length;
    }
    const w = this.#pipe!.in;
    let n = Math.min(bytes.length, w.free());
    if (n === 0) {
      if (!w.waitForRoom(1)) return 0;
      n = Math.min(bytes.length, w.free());
    }
    w.put(n === bytes.length ? bytes : bytes.subarray(0, n));
    this.#bodyLeft -= n;
    if (this.#bodyLeft === 0) this.#frameDone();
    else if (this.#big) w.publish();
    return n;
  }

  #frameDone(): void {
    if (!this.#more) {
      const p = this.#pipe!;
      p.in.endMessage();
      p.inOpen = false;
    }
  }

  #command(): void {
    const body = this.#cmd!;
    this.#cmd = null;
    if (this.#cmdIsData) {
      // PUB/XPUB: a data message from a subscriber. Only a single-part `01`/`00`
      // message is a subscription (wire.md 3.7); anything else is ignored.
      const first = !this.#dropIn;
      this.#dropIn = this.#cmdMore;
      if (!first || this.#cmdMore) return;
      if (this.#version === "xs1") {
        // Crossroads form: u16 cmd, u16 filter, body; malformed ones are skipped (8.1 #36).
        const cmd = body.length >= 4 ? body[0] << 8 | body[1] : 0;
        if (cmd === 1 || cmd === 2) {
          this.#subscriptionIn(cmd, body.subarray(4), body[2] << 8 | body[3]);
        }
      } else if (body.length >= 1 && body[0] <= 1) {
        this.#subscriptionIn(body[0] === 1 ? 1 : 2, body.subarray(1));
      }
      return;
    }
    const c = parseCommand(body);
    if (!c) return; // wire.md 8.1 row 17: malformed commands after the handshake are ignored
    if (c.name === "PING") {
      this.#ctrl.push(pongFrame(parsePing(c.data).context));
    } else if (this.#pubIn && (c.name === "SUBSCRIBE" || c.name === "CANCEL")) {
      this.#subscriptionIn(c.name === "SUBSCRIBE" ? 1 : 2, c.data);
    }
    // PONG counts as traffic only; SUBSCRIBE/CANCEL are handled by the pub/sub issue;
    // everything else is ignored (rows 16-18).
  }

  /** Writes a subscription for the PUB/XPUB as one Crossroads 1.2 message (§4.5). */
  #subscriptionIn(cmd: number, topic: Uint8Array, filter = 1): void {
    const p = this.#pipe;
    if (!p) return;
    const w = p.in;
    const size = topic.length + 4;
    if (w.free() < size + 9) return; // room was checked at frame start
    if (size > 255) {
      w.putByte(F_LONG);
      const hi = Math.floor(size / 4294967296);
      w.putByte(0);
      w.putByte(0);
      w.putByte((hi >>> 8) & 0xff);
      w.putByte(hi & 0xff);
      w.putByte(size >>> 24);
      w.putByte((size >>> 16) & 0xff);
      w.putByte((size >>> 8) & 0xff);
      w.putByte(size & 0xff);
    } else {
      w.putByte(0);
      w.putByte(size);
    }
    w.putByte(0);
    w.putByte(cmd);
    w.putByte(filter >>> 8);
    w.putByte(filter & 0xff); // XS_FILTER_PREFIX unless a Crossroads peer said otherwise
    w.put(topic);
    w.endMessage();
  }

  // ------------------------------------------------------------------ outbound

  /** Writes whatever can be written now: control frames, then ring data. */
  pumpOut(): void {
    this.#flush();
  }

  /** True if the pipe has outbound bytes and no write is in progress. */
  get wantsOut(): boolean {
    return !this.#writing && !this.#closed && this.#pipe !== null && this.#dec !== null &&
      this.#pipe.out.available() > this.#writeLeft;
  }

  #flush(): void {
    if (this.#writing || this.#closed || !this.#conn) return;
    const p = this.#pipe;
    const atBoundary = !p || p.bodyLeft === 0;
    if (this.#ctrl.length && atBoundary && this.#writeLeft === 0) {
      const b = this.#ctrl.shift()!;
      this.#writing = true;
      this.#inFlight = 0;
      this.#conn.write(b);
      return;
    }
    if (!p || !this.#dec) return;
    if (this.#subOut) this.#subscriptionsOut(p);
    else if (this.#v1) this.#stageV1(p);
    else this.#walkV3(p);
  }

  /**
   * SUB/XSUB: every outbound message is a subscription in the Crossroads 1.2 form
   * (`u16 cmd`, `u16 filter`, body). ZMTP/3.1 peers get SUBSCRIBE/CANCEL commands, older
   * dialects a `01`/`00`-prefixed data frame (wire.md 2.3, 3.7). A topic-filter pattern
   * (XS_FILTER_TOPIC) cannot be expressed in ZMTP: it goes out as the literal prefix
   * before its first `*` element, a superset that the SUB's local filter narrows.
   */
  #subscriptionsOut(p: WorkerPipe): void {
    const r = p.out;
    const avail = r.available();
    let off = 0, msgs = 0;
    const frames: Uint8Array[] = [];
    while (off < avail && frames.length < 256) {
      const flags = r.byteAt(off);
      const hs = flags & F_LONG ? 9 : 2;
      if (avail - off < hs) break;
      const size = hs === 9 ? readSize(r, off) : r.byteAt(off + 1);
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
      const f = this.#encodeSubscription(body);
      if (f) frames.push(f);
    }
    if (off === 0) return;
    r.advance(off);
    r.messagesRead(msgs);
    if (r.commit()) this.owner.wakeApi();
    if (frames.length) {
      this.#ctrl.push(...frames);
      this.#flush();
    }
  }

  #encodeSubscription(body: Uint8Array): Uint8Array | null {
    if (body.length < 4) return null;
    const cmd = body[0] << 8 | body[1];
    const filter = body[2] << 8 | body[3];
    if (cmd !== 1 && cmd !== 2) return null;
    if (this.#version === "zmtp1") return null; // 0MQ 2.x: the SUB filters locally
    if (this.#version === "xs1") {
      // Crossroads 1.2.0 peers take the 4-byte form itself (wire.md 2.3).
      const out = new Uint8Array(encodedSize1(body.length));
      encodeFrame1(out, 0, false, body);
      return out;
    }
    let topic = body.subarray(4);
    if (filter === 2) {
      let end = topic.indexOf(0);
      if (end < 0) end = topic.length;
      const star = topic.subarray(0, end).indexOf(0x2a);
      topic = topic.subarray(0, star >= 0 ? star : end);
    } else if (filter !== 1) return null;
    if (this.#version === "3.1") return encodeCommand(cmd === 1 ? "SUBSCRIBE" : "CANCEL", topic);
    const data = new Uint8Array(topic.length + 1);
    data[0] = cmd === 1 ? 1 : 0;
    data.set(topic, 1);
    if (this.#dec instanceof Decoder1) {
      const out = new Uint8Array(encodedSize1(data.length));
      encodeFrame1(out, 0, false, data);
      return out;
    }
    const out = new Uint8Array(encodedSize3(data.length));
    encodeFrame3(out, 0, 0, data);
    return out;
  }

  /** Drops every complete outbound message queued in the pipe. */
  #discardOut(p: WorkerPipe): void {
    const r = p.out;
    const avail = r.available();
    let off = 0, msgs = 0;
    while (off < avail) {
      const flags = r.byteAt(off);
      const hs = flags & F_LONG ? 9 : 2;
      if (avail - off < hs) break;
      const size = hs === 9 ? readSize(r, off) : r.byteAt(off + 1);
      if (avail - off < hs + size) break;
      off += hs + size;
      if (!(flags & (F_MORE | F_COMMAND))) msgs++;
    }
    if (off === 0) return;
    r.advance(off);
    r.messagesRead(msgs);
    if (r.commit()) this.owner.wakeApi();
  }

  /** ZMTP/3 peers: walk frame headers over the available bytes and write them verbatim. */
  #walkV3(p: WorkerPipe): void {
    const r = p.out;
    const avail = r.available();
    if (avail === 0) return;
    let off = 0;
    let msgs = 0;
    const limit = Math.min(avail, MAX_WRITE);
    while (off < limit) {
      if (p.bodyLeft > 0) {
        const n = Math.min(p.bodyLeft, avail - off);
        off += n;
        p.bodyLeft -= n;
        if (p.bodyLeft === 0 && !p.more) msgs++;
        if (p.bodyLeft > 0) break;
        continue;
      }
      const flags = r.byteAt(off);
      const hs = flags & F_LONG ? 9 : 2;
      if (avail - off < hs) break;
      const size = hs === 9 ? readSize(r, off) : r.byteAt(off + 1);
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
        if (r.commit()) this.owner.wakeApi();
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

  #writeSpan(): void {
    const span = this.#pipe!.out.span(0, this.#writeLeft);
    this.#inFlight = span.length;
    this.#writing = true;
    this.#conn!.write(span);
  }

  /** ZMTP/1.0 and 2.0 peers: re-encode frame headers into a staging buffer. */
  #stageV1(p: WorkerPipe): void {
    const r = p.out;
    const avail = r.available();
    if (avail === 0) return;
    const stage = this.#stage ??= new Uint8Array(STAGE_BYTES);
    const legacy = this.#dec instanceof Decoder1;
    let off = 0, pos = 0, msgs = 0;
    while (off < avail && pos < STAGE_BYTES) {
      if (p.bodyLeft > 0) {
        const n = Math.min(p.bodyLeft, avail - off, STAGE_BYTES - pos);
        r.copyOut(stage, pos, off, n);
        off += n;
        pos += n;
        p.bodyLeft -= n;
        if (p.bodyLeft === 0 && !p.more) msgs++;
        continue;
      }
      const flags = r.byteAt(off);
      const hs = flags & F_LONG ? 9 : 2;
      if (avail - off < hs) break;
      const size = hs === 9 ? readSize(r, off) : r.byteAt(off + 1);
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
      pos += legacy ? writeHeader1(stage, pos, more, size) : writeV2Header(stage, pos, more, size);
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
      if (r.commit()) this.owner.wakeApi();
      return;
    }
    // The staged copy is ours, so the ring bytes can be released before the write ends.
    r.advance(off);
    r.messagesRead(msgs);
    if (r.commit()) this.owner.wakeApi();
    this.#writing = true;
    this.#inFlight = 0;
    const out = stage.slice(0, pos);
    this.#conn!.write(out);
  }
}

function readSize(r: { byteAt(o: number): number }, off: number): number {
  return (r.byteAt(off + 3) << 8 | r.byteAt(off + 4)) * 4294967296 +
    ((r.byteAt(off + 5) << 24 | r.byteAt(off + 6) << 16 | r.byteAt(off + 7) << 8 |
      r.byteAt(off + 8)) >>> 0);
}

function writeV2Header(dst: Uint8Array, pos: number, more: boolean, size: number): number {
  if (size > 255) {
    dst[pos] = (more ? 1 : 0) | 2;
    const hi = Math.floor(size / 4294967296);
    dst[pos + 1] = 0;
    dst[pos + 2] = 0;
    dst[pos + 3] = (hi >>> 8) & 0xff;
    dst[pos + 4] = hi & 0xff;
    dst[pos + 5] = size >>> 24;
    dst[pos + 6] = (size >>> 16) & 0xff;
    dst[pos + 7] = (size >>> 8) & 0xff;
    dst[pos + 8] = size & 0xff;
    return 9;
  }
  dst[pos] = more ? 1 : 0;
  dst[pos + 1] = size;
  return 2;
}

function concat(a: Uint8Array | null, b: Uint8Array): Uint8Array {
  if (!a) return b.slice();
  const c = new Uint8Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}
