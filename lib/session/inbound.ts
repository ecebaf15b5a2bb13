/**
 * InboundSink: where a connection's decoded frames go — into its pipe's IN ring, as the
 * ring's own ZMTP/3.1 framing (layout.ts). The decoder (lib/wire) calls `start` and
 * `body`; whole messages are published by the session once per received chunk.
 *
 * - Backpressure: a frame is refused (`start` false, or `body` taking fewer bytes) when
 *   the ring lacks room or a new message would pass the receive HWM; the sink first asks
 *   the API thread to ring when it reads (`R_WAITING`), so the session can resume.
 * - Frames larger than half the ring are streamed into it as a `CMD_BIG` command and
 *   `CMD_CHUNK` commands (layout.ts), published as they come, so that an `CMD_ABORT`
 *   after a cut connection is still read as a command.
 * - Commands (PING → PONG, SUBSCRIBE/CANCEL) are collected whole and acted on here; a
 *   PING's ttl goes to the session's heartbeat (`onPing`), and every frame counts as the
 *   peer's traffic (`heard`).
 * - PUB/XPUB: subscriptions — SUBSCRIBE/CANCEL commands, `01`/`00` data frames, or the
 *   Crossroads 4-byte form from `xs1` peers, read by lib/wire/subscription.ts — become one
 *   Crossroads 1.2 message each (lib/pipe/subscription.ts); other data is ignored. One too
 *   large to collect within half the ring is judged by its first `SUB_HEAD` bytes and then
 *   streamed like any large frame, so a topic of any size (up to the frame limits) arrives.
 *
 * Runs on: I/O worker.
 */
import {
  CMD_ABORT,
  CMD_BIG,
  CMD_CHUNK,
  encodeSubscription,
  F_COMMAND,
  F_MORE,
  type WorkerPipe,
} from "../pipe/mod.ts";
import {
  parseCommand,
  parsePing,
  pongFrame,
  subscriptionFromCommand,
  subscriptionFromData,
  type WireSubscription,
} from "../wire/mod.ts";

/**
 * Bytes of a command kept by a socket that is not PUB/XPUB: the only command it acts on is
 * PING (name 5, ttl 2, context 16), so the rest of a longer one is read and dropped.
 */
const CMD_KEEP = 64;

/**
 * Bytes of a PUB's large frame read before it is judged: a command's name (1 + up to 255)
 * and enough of any subscription form to translate its start (lib/wire/subscription.ts).
 */
const SUB_HEAD = 256;
/** Ring room a large subscription's start takes: CMD_BIG (12) and its first chunk. */
const SUB_START_ROOM = 12 + 9 + 1 + 4 + SUB_HEAD;
/** Big-subscription states: none, collecting the head, dropping the rest of the frame. */
const SUB_NONE = 0, SUB_HEADING = 1, SUB_DROPPING = 2;

/** The decoder's sink for one connection. */
export class InboundSink {
  /** The pipe fed, while the session serves one. */
  pipe: WorkerPipe | null = null;
  /** The peer's dialect ("3.1", "xs1", ...), once known. */
  version = "";
  /** Frames (and, counted by the session, chunks) received: the peer's liveness. */
  heard = 0;
  /** Told each PING's ttl, in 0.1 s units (lib/session/heartbeat.ts). */
  onPing: ((ttl: number) => void) | null = null;
  readonly #pubIn: boolean;
  readonly #reply: (frame: Uint8Array) => void;
  #bodyLeft = 0;
  #more = false;
  #big = false;
  #cmd: Uint8Array | null = null;
  #cmdFill = 0;
  #cmdLeft = 0;
  #cmdIsData = false;
  #cmdMore = false;
  #dropIn = false;
  /** A PUB's frame too large to collect (SUB_NONE otherwise): its head and what is left. */
  #sub = SUB_NONE;
  #subHead: Uint8Array | null = null;
  #subFill = 0;
  #subLeft = 0;
  #subIsCmd = false;

  /**
   * @param pubIn true for PUB/XPUB (inbound subscriptions)
   * @param reply queues a control frame to send (PONG)
   */
  constructor(pubIn: boolean, reply: (frame: Uint8Array) => void) {
    this.#pubIn = pubIn;
    this.#reply = reply;
  }

  /** FrameSink.start: a frame from the peer begins. */
  start(flags: number, size: number): boolean {
    this.heard++;
    const p = this.pipe!;
    const w = p.in;
    // A message cut by the previous connection must be dropped by the reader first.
    if (p.abortPending && !this.#writeAbort(p)) return false;
    if (this.#pubIn) {
      if (size + 16 > (w.capacity >>> 1)) return this.#startBigSubscription(flags, size);
      // Subscriptions are small; make sure the translated message will fit before
      // taking the frame, so a full ring pauses the connection instead of losing it.
      if (w.free() < size + 16 && !w.waitForRoom(size + 16)) return false;
    }
    if ((flags & F_COMMAND) || this.#pubIn) {
      // Never sized by the peer's size field alone (docs/wire.md §8.4): a PUB's frames are
      // bounded by the ring room just checked, other sockets keep a command's first bytes.
      this.#cmd = new Uint8Array(this.#pubIn ? size : Math.min(size, CMD_KEEP));
      this.#cmdLeft = size;
      this.#cmdFill = 0;
      this.#cmdIsData = (flags & F_COMMAND) === 0;
      this.#cmdMore = (flags & F_MORE) !== 0;
      if (size === 0) this.#command();
      return true;
    }
    if (!p.inOpen) {
      const hwm = w.hwm;
      if (hwm > 0 && w.queuedMessages() >= hwm) {
        w.waitForRoom(0);
        if (w.queuedMessages() >= hwm) return false;
      }
    }
    const hs = size > 255 ? 9 : 2;
    const big = hs + size > (w.capacity >>> 1);
    const need = big ? 12 : hs + size;
    if (w.free() < need && !w.waitForRoom(need)) return false;
    const more = flags & F_MORE;
    if (big) {
      // A big frame is over 255 bytes, so its own header is the 9-byte LONG form.
      w.putHeader(F_COMMAND, 10);
      w.putByte(CMD_BIG);
    }
    w.putHeader(more, size);
    p.inOpen = true;
    this.#bodyLeft = size;
    this.#more = more !== 0;
    this.#big = big;
    if (size === 0) this.#frameDone();
    return true;
  }

  /** FrameSink.body: body bytes of the current frame; returns how many were taken. */
  body(bytes: Uint8Array): number {
    if (this.#sub !== SUB_NONE) return this.#bigSubscription(bytes);
    if (this.#cmd) {
      const keep = Math.min(bytes.length, this.#cmd.length - this.#cmdFill);
      if (keep > 0) this.#cmd.set(bytes.subarray(0, keep), this.#cmdFill);
      this.#cmdFill += keep;
      this.#cmdLeft -= bytes.length;
      if (this.#cmdLeft === 0) this.#command();
      return bytes.length;
    }
    const w = this.pipe!.in;
    if (this.#big) return this.#chunk(w, bytes);
    let n = Math.min(bytes.length, w.free());
    if (n === 0) {
      if (!w.waitForRoom(1)) return 0;
      n = Math.min(bytes.length, w.free());
    }
    w.put(n === bytes.length ? bytes : bytes.subarray(0, n));
    this.#bodyLeft -= n;
    if (this.#bodyLeft === 0) this.#frameDone();
    return n;
  }

  /** A piece of a large frame's body, as one `CMD_CHUNK` command (published at once). */
  #chunk(w: WorkerPipe["in"], bytes: Uint8Array): number {
    // 9-byte header + the command byte; a chunk stays below half the ring.
    const room = () => Math.min(w.free(), w.capacity >>> 1) - 10;
    const want = Math.min(bytes.length, 4096);
    if (room() < want && !w.waitForRoom(want + 10)) return 0;
    const n = Math.min(bytes.length, room());
    if (n <= 0) return 0;
    w.putHeader(F_COMMAND, n + 1);
    w.putByte(CMD_CHUNK);
    w.put(n === bytes.length ? bytes : bytes.subarray(0, n));
    this.#bodyLeft -= n;
    if (this.#bodyLeft === 0) this.#frameDone();
    w.publish();
    return n;
  }

  /**
   * A PUB/XPUB's frame of `size` bytes, too large to collect within half the ring: room for
   * its start is taken now (the ring only gains room until it is written), its first
   * `SUB_HEAD` bytes decide, and a subscription then streams as a large frame does.
   */
  #startBigSubscription(flags: number, size: number): boolean {
    const w = this.pipe!.in;
    if (w.free() < SUB_START_ROOM && !w.waitForRoom(SUB_START_ROOM)) return false;
    this.#subIsCmd = (flags & F_COMMAND) !== 0;
    this.#subLeft = size;
    this.#subFill = 0;
    this.#sub = SUB_HEADING;
    if (!this.#subIsCmd) {
      // Only a single-part message is a subscription (as in #command).
      const first = !this.#dropIn;
      this.#dropIn = (flags & F_MORE) !== 0;
      if (!first || this.#dropIn) this.#sub = SUB_DROPPING;
    }
    if (this.#sub === SUB_HEADING) this.#subHead ??= new Uint8Array(SUB_HEAD);
    return true;
  }

  /** Body bytes of a big PUB frame: its head, then the subscription's stream or nothing. */
  #bigSubscription(bytes: Uint8Array): number {
    if (this.#sub === SUB_DROPPING) {
      const n = Math.min(bytes.length, this.#subLeft);
      this.#subLeft -= n;
      if (this.#subLeft === 0) this.#sub = SUB_NONE;
      return n;
    }
    const head = this.#subHead!;
    const k = Math.min(bytes.length, SUB_HEAD - this.#subFill);
    head.set(bytes.subarray(0, k), this.#subFill);
    this.#subFill += k;
    this.#subLeft -= k;
    if (this.#subFill < SUB_HEAD) return k;
    const s = this.#subIsCmd ? this.#headCommand(head) : subscriptionFromData(head, this.version);
    if (s === null) {
      this.#sub = SUB_DROPPING;
    } else {
      // The translated start; the rest of the frame follows unchanged (every form ends with
      // the topic), so the message is that start and the bytes still to come.
      const start = encodeSubscription(s.cmd, s.filter, s.body);
      const p = this.pipe!;
      const w = p.in;
      w.putHeader(F_COMMAND, 10);
      w.putByte(CMD_BIG);
      w.putHeader(0, start.length + this.#subLeft);
      w.putHeader(F_COMMAND, start.length + 1);
      w.putByte(CMD_CHUNK);
      w.put(start);
      w.publish();
      p.inOpen = true;
      this.#big = true;
      this.#more = false;
      this.#bodyLeft = this.#subLeft;
      this.#sub = SUB_NONE;
    }
    return k + (k < bytes.length ? this.body(bytes.subarray(k)) : 0);
  }

  /** A big command's head: a PING is answered, SUBSCRIBE/CANCEL read, anything else null. */
  #headCommand(head: Uint8Array): WireSubscription | null {
    const c = parseCommand(head);
    if (!c) return null;
    if (c.name === "PING") {
      const ping = parsePing(c.data);
      this.#reply(pongFrame(ping.context));
      this.onPing?.(ping.ttl);
      return null;
    }
    return subscriptionFromCommand(c.name, c.data);
  }

  /**
   * The connection died: a message cut short never reaches the application. Unpublished
   * parts are taken back; parts already published (a streamed large frame) are followed
   * by an ABORT marker telling the reader to drop them.
   */
  abort(p: WorkerPipe): void {
    this.#sub = SUB_NONE;
    if (!p.inOpen) return;
    p.in.rewind();
    p.inOpen = false;
    if (p.in.publishedMidMessage) {
      p.abortPending = true;
      this.#writeAbort(p);
    }
  }

  /** Writes the pending ABORT if the ring has room; false if it must wait for room. */
  #writeAbort(p: WorkerPipe): boolean {
    const w = p.in;
    if (w.free() < 3 && !w.waitForRoom(3)) return false;
    w.putHeader(F_COMMAND, 1);
    w.putByte(CMD_ABORT);
    w.endCommand();
    w.publish();
    p.abortPending = false;
    return true;
  }

  #frameDone(): void {
    if (!this.#more) {
      const p = this.pipe!;
      p.in.endMessage();
      p.inOpen = false;
    }
  }

  #command(): void {
    const body = this.#cmd!;
    this.#cmd = null;
    if (this.#cmdIsData) {
      // PUB/XPUB: a data message from a subscriber. Only a single-part message is a
      // subscription (docs/wire.md §3.7); anything else is ignored.
      const first = !this.#dropIn;
      this.#dropIn = this.#cmdMore;
      if (first && !this.#cmdMore) this.#subscription(subscriptionFromData(body, this.version));
      return;
    }
    const c = parseCommand(body);
    if (!c) return; // docs/wire.md §8.1 row 17: malformed commands after the handshake are ignored
    if (c.name === "PING") {
      // The PONG echoes the context (at most 16 bytes); the ttl arms a timer of ours.
      const ping = parsePing(c.data);
      this.#reply(pongFrame(ping.context));
      this.onPing?.(ping.ttl);
    } else if (this.#pubIn) {
      this.#subscription(subscriptionFromCommand(c.name, c.data));
    }
    // PONG counts as traffic only; everything else is ignored (docs/wire.md §8.1 rows 16-18).
  }

  /**
   * Writes a subscription for the PUB/XPUB as one Crossroads 1.2 message (docs/behaviour.md
   * §4.5); `null` (not a subscription, malformed ones included) writes nothing.
   */
  #subscription(s: WireSubscription | null): void {
    if (s === null) return;
    const w = this.pipe!.in;
    const m = encodeSubscription(s.cmd, s.filter, s.body);
    if (w.free() < m.length + 9) return; // room was checked at frame start
    w.putHeader(0, m.length);
    w.put(m);
    w.endMessage();
  }
}
