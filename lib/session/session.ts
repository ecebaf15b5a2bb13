/**
 * StreamSession: one tcp or ipc connection of a socket, from its first byte to its
 * close — the handshake (lib/wire/handshake.ts, legacy.ts), then moving frames between
 * the connection and a {@linkcode WorkerPipe}'s rings. Shared by tcp.ts and ipc.ts
 * (mangos' conn.go). The two directions are their own files:
 *
 * - `outbound.ts`: control frames and the OUT ring to the peer, one write in flight
 *   (verbatim ring spans to ZMTP/3 peers, re-encoded headers to older ones).
 * - `inbound.ts`: the decoder's sink, frames into the IN ring, commands, subscriptions.
 *
 * This file holds the life cycle: handshake and its timeout, choosing the decoder,
 * feeding received chunks, backpressure (a chunk the ring cannot take is kept and the
 * connection paused until the API thread reads), and what a dying connection leaves
 * for the next one (see `#release`). A ZMTP/3.x connection's heartbeat timers are
 * `heartbeat.ts`, started after the handshake and stopped in `#release`.
 *
 * Runs on: I/O worker.
 */
import type { SubscriptionRole, WorkerPipe } from "../pipe/mod.ts";
import {
  Decoder1,
  Decoder3,
  Handshake,
  type HandshakeResult,
  LegacyHandshake,
} from "../wire/mod.ts";
import type { StreamConn, StreamHandlers } from "../runtime/mod.ts";
import type { MessageCodec, SecurityConfig, ZapAnswer, ZapRequest } from "../security/mod.ts";
import { HANDSHAKE_IVL, Heartbeat, type HeartbeatConfig } from "./heartbeat.ts";
import { InboundSink } from "./inbound.ts";
import { Outbound } from "./outbound.ts";

/** What the session needs to know of its socket. */
export interface SessionConfig {
  /** Our ZMTP socket type name. */
  type: string;
  /** Compatible peer type names. */
  peers: readonly string[];
  /** True for the REQ/REP/DEALER/ROUTER family. */
  sendsIdentity: boolean;
  /** "sends" for SUB/XSUB, "receives" for PUB/XPUB (lib/pipe/subscription.ts). */
  subscriptions: SubscriptionRole;
  /** Our identity bytes. */
  identity: Uint8Array;
  /** Inbound part size limit, -1 = none. */
  maxmsgsize: number;
  /** Wire mode (XS_WIRE_MODE, docs/wire.md §4.4). */
  mode: "auto" | "xs1" | "zmtp1" | "zmtp3";
  /** ms the handshake may take (XS_HANDSHAKE_IVL); 0 = no limit; absent: 30 s. */
  handshakeIvl?: number;
  /** Heartbeats of ZMTP/3.x connections (docs/wire.md §7); absent: no PINGs sent. */
  heartbeat?: HeartbeatConfig;
  /** PLAIN, CURVE, or NULL with a ZAP domain (docs/security.md); absent: NULL without ZAP. */
  security?: SecurityConfig;
}

/** Who owns the session (lib/io/loop.ts). */
export interface SessionOwner {
  /** The handshake finished. */
  ready(s: StreamSession, r: HandshakeResult): void;
  /** The connection is gone (after the session released its pipe). */
  closed(s: StreamSession, why: string): void;
  /** Ring the API thread's doorbell. */
  wakeApi(): void;
  /** A write completed and the pipe has nothing more to send. */
  drained(s: StreamSession): void;
  /** The handshake waits for ZAP's answer (RFC 27): ask, then call `s.zapAnswer`. */
  zap(s: StreamSession, req: ZapRequest): void;
}

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
  #pipe: WorkerPipe | null = null;
  #pending: Uint8Array | null = null;
  #paused = false;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The heartbeat timers, from the end of a ZMTP/3.x handshake to the close. */
  #hb: Heartbeat | null = null;
  /**
   * Set when the handshake failed on credentials or keys (ZAP refused, ERROR received, a
   * box that does not open): a connecting side does not redial (lib/io/loop.ts).
   */
  refused = false;
  /** CURVE: every frame after the handshake goes through it (lib/security/curve_stream.ts). */
  #codec: MessageCodec | null = null;
  /** ZAP was asked and has not answered yet. */
  #zapAsked = false;
  /** Why to close once the farewell (an ERROR command) is written. */
  #closeAfterWrite: string | null = null;
  /** The farewell, while a write in flight delays it. */
  #farewell: Uint8Array | null = null;
  readonly #out: Outbound;
  readonly #in: InboundSink;
  /**
   * An `xs1` REQ/XREQ, until the peer's first frame (its identity, dropped) came: it reads
   * that frame as the handshake would have.
   */
  #peerIdentity: LegacyHandshake | null = null;

  constructor(config: SessionConfig, owner: SessionOwner) {
    this.config = config;
    this.owner = owner;
    this.#out = new Outbound(config.subscriptions === "sends", () => owner.wakeApi());
    this.#out.onIdle = () => owner.drained(this);
    this.#in = new InboundSink(config.subscriptions === "receives", (f) => this.#out.push(f));
    // Crossroads 1.2.0's REQ and XREQ send at once and take the first frame that comes as
    // the peer's identity, which they ignore (src/session_base.cpp `recv_identity`): read
    // after the start, with the checks of the handshake's identity frame.
    if (
      config.mode === "xs1" && config.sendsIdentity && config.type !== "ROUTER" &&
      config.type !== "REP"
    ) {
      this.#peerIdentity = new LegacyHandshake({
        mode: "xs1",
        identity: config.identity,
        identityFamily: true,
        maxMsgSize: config.maxmsgsize,
      });
    }
    this.#hs = config.mode === "xs1" || config.mode === "zmtp1"
      ? new LegacyHandshake({
        mode: config.mode,
        identity: config.identity,
        identityFamily: config.sendsIdentity,
        waitForIdentity: this.#peerIdentity === null,
        maxMsgSize: config.maxmsgsize,
      })
      : new Handshake({
        socketType: config.type,
        identity: config.identity,
        sendIdentity: config.sendsIdentity,
        acceptPeer: (t) => config.peers.includes(t),
        maxMsgSize: config.maxmsgsize,
        mode: config.mode === "zmtp3" ? "zmtp3" : "auto",
        ...(config.security ? { security: config.security } : {}),
      });
  }

  /** Starts the session on a connected stream. */
  begin(conn: StreamConn): void {
    this.#conn = conn;
    this.#out.conn = conn;
    const first = this.#hs!.start();
    if (first.length) this.#out.push(first);
    const done = this.#hs!.done;
    if (done) this.#handshakeDone(done);
    else {
      // Until the greeting and READY, or a legacy mode's identity frame, arrived (an `xs1`
      // connection of a type that exchanges none is done at once: docs/wire.md §8.1 row 27).
      const ivl = this.config.handshakeIvl ?? HANDSHAKE_IVL;
      if (ivl > 0) this.#timer = setTimeout(() => this.close("handshake timed out"), ivl);
    }
    this.#out.flush();
  }

  #handshakeDone(done: HandshakeResult): void {
    this.#hs = null;
    clearTimeout(this.#timer);
    if (done.codec) {
      // CURVE: from now on frames are boxed both ways; the bytes that came with the last
      // handshake frame are boxed already.
      const codec = this.#codec = done.codec;
      // Handshake frames still queued (the server's READY) go out in clear.
      const clear = this.#out.controlCount;
      this.#out.conn = new SealedConn(this.#conn!, codec, () => this.written(), clear);
      if (done.rest.length) {
        const plain = codec.decode(done.rest);
        if (plain === null) {
          this.close(`protocol error: ${codec.error}`);
          return;
        }
        done.rest = plain;
      }
    }
    const legacy = done.version === "1.0" || done.version === "xs1" || done.version === "zmtp1";
    this.#in.version = this.#out.version = done.version;
    this.#out.framing = legacy ? "v1" : done.version === "2.0" ? "v2" : "v3";
    const max = this.config.maxmsgsize;
    this.#dec = legacy ? new Decoder1(this.#in, max) : new Decoder3(this.#in, max);
    if (!legacy && done.version !== "2.0") this.#startHeartbeat();
    if (done.rest.length) this.#pending = done.rest;
    this.#pause();
    this.owner.ready(this, done);
  }

  /**
   * ZMTP/3.x only (RFC 37 has PING; libzmq pings 3.0 peers too): our PINGs if the socket
   * asks for them, and the peer's TTL in any case (docs/wire.md §7).
   */
  #startHeartbeat(): void {
    const hb = this.#hb = new Heartbeat(this.config.heartbeat ?? NO_HEARTBEAT, {
      heard: () => this.#in.heard,
      excused: () => this.#paused,
      ping: (frame) => {
        // One PING waiting is enough (a stalled write must not pile them up).
        if (!this.#out.hasControl) this.#out.push(frame);
        this.#out.flush();
      },
      expire: (why) => this.close(why),
    });
    this.#in.onPing = (ttl) => hb.pinged(ttl);
    hb.start();
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
    return this.#out.writing;
  }

  /** True if the pipe has outbound bytes and no write is in progress. */
  get wantsOut(): boolean {
    return this.#out.wantsOut;
  }

  /**
   * Readies a connect-side pipe for this new connection, before the API thread hears of
   * it. docs/behaviour.md §4.6: when a connection is re-made, unsent subscription traffic is
   * discarded; the SUB/XSUB writes its whole set again when it hears of the new
   * connection (Protocol.pipeUp). The first connection carries what was queued before it.
   */
  prepare(pipe: WorkerPipe): void {
    if (this.config.subscriptions === "sends" && pipe.served) this.#out.discard(pipe);
    pipe.served = true;
  }

  /** Serves `pipe` from now on (after the handshake). */
  attach(pipe: WorkerPipe): void {
    this.#pipe = this.#in.pipe = this.#out.pipe = pipe;
    if (pipe.outMidMessage) pipe.skipRest = true;
    this.resumeIn();
    this.#out.flush();
  }

  /** Writes whatever can be written now. */
  pumpOut(): void {
    this.#out.flush();
  }

  /** Closes the connection; `owner.closed` follows once. */
  close(why = "closed"): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    this.#conn?.close();
    this.owner.closed(this, why);
  }

  /** Leaves the pipe in a state the next connection can continue from. */
  #release(): void {
    clearTimeout(this.#timer);
    this.#hb?.stop();
    this.#out.closed = true;
    const p = this.#pipe;
    if (!p) return;
    this.#out.release(p);
    this.#in.abort(p);
    this.#pipe = this.#in.pipe = null;
  }

  // ------------------------------------------------------------------ stream handlers

  data(chunk: Uint8Array): void {
    if (this.#closed) return;
    if (this.#hs) {
      if (this.#closeAfterWrite !== null) return;
      this.#handshakeStep(this.#hs.feed(chunk));
      return;
    }
    this.#in.heard++; // traffic: the peer is alive (heartbeat.ts)
    if (this.#codec) {
      const plain = this.#codec.decode(chunk);
      if (plain === null) return this.close(`protocol error: ${this.#codec.error}`);
      if (plain.length === 0) return;
      chunk = plain;
    }
    if (this.#pending || !this.#pipe) {
      this.#pending = concat(this.#pending, chunk);
      this.#pause();
      return;
    }
    this.#feed(chunk, false);
  }

  written(): void {
    if (this.#closeAfterWrite !== null) {
      const bye = this.#farewell;
      this.#farewell = null;
      if (bye) return this.#conn!.write(bye);
      return this.close(this.#closeAfterWrite);
    }
    this.#out.written();
  }

  /** After the handshake fed or ZAP answered: write what it says, ask ZAP, finish or fail. */
  #handshakeStep(out: Uint8Array): void {
    const hs = this.#hs!;
    if (hs.error) {
      const auth = hs instanceof Handshake && hs.errorKind === "auth";
      const why = `${auth ? "authentication failed" : "handshake failed"}: ${hs.error}`;
      // A refused client does not come back with the same credentials (docs/security.md §9.3).
      if (auth) this.refused = true;
      const bye = hs instanceof Handshake ? hs.farewell : null;
      if (!bye || !bye.length || !this.#conn) return this.close(why);
      // The refusal the peer should hear (an ERROR command), then the close; after the
      // write in flight, if one is (`written`).
      this.#closeAfterWrite = why;
      if (this.#out.writing) this.#farewell = bye;
      else this.#conn.write(bye);
      return;
    }
    if (out.length) this.#out.push(out);
    if (hs instanceof Handshake && hs.zap && !this.#zapAsked) {
      this.#zapAsked = true;
      this.owner.zap(this, hs.zap);
    }
    const done = hs.done;
    if (done) this.#handshakeDone(done);
    this.#out.flush();
  }

  /** ZAP answered the request `owner.zap` was given (ignored once the session is gone). */
  zapAnswer(a: ZapAnswer): void {
    const hs = this.#hs;
    if (this.#closed || !(hs instanceof Handshake) || !this.#zapAsked) return;
    this.#zapAsked = false;
    this.#handshakeStep(hs.zapAnswer(a));
  }

  closed(err?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    // The stream's reason when it has one (a ws:// frame over maxmsgsize, a reset), for the
    // `disconnect` event's cause.
    this.owner.closed(this, err?.message || "peer closed");
  }

  // ------------------------------------------------------------------ inbound

  #feed(chunk: Uint8Array, owned: boolean): void {
    const id = this.#peerIdentity;
    if (id) {
      id.feed(chunk);
      if (id.error) return this.close(`handshake failed: ${id.error}`);
      const done = id.done;
      if (!done || done.rest.length === 0) {
        // All taken (by the identity frame, still incomplete or just complete).
        if (done) this.#peerIdentity = null;
        this.#pending = null;
        if (this.#paused) {
          this.#paused = false;
          this.#conn?.resume();
        }
        return;
      }
      this.#peerIdentity = null;
      chunk = done.rest;
      owned = true;
    }
    const n = this.#dec!.feed(chunk);
    if (n < 0) {
      // Whole messages before the bad frame stay delivered, whatever the read boundaries
      // (libzmq's rollback too drops only the message cut short); then close.
      this.#pipe?.in.publishMessages();
      return this.close(`protocol error: ${this.#dec!.error}`);
    }
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
      if (this.rearmIn()) queueMicrotask(() => this.resumeIn());
    } else {
      this.#pending = null;
      if (this.#paused) {
        this.#paused = false;
        this.#conn?.resume();
      }
    }
    if (this.#out.hasControl) this.#out.flush();
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

  /**
   * If inbound bytes wait, declares that the API thread must ring when it frees room
   * (`R_WAITING`), then returns true if there is room already. Called when a chunk is
   * kept, and again by the worker each time it parks (the first declaration may have been
   * taken while it was busy).
   */
  rearmIn(): boolean {
    if (!this.blockedIn) return false;
    this.#pipe!.in.waitForRoom(0);
    return this.blockedInWithRoom;
  }

  /** True if inbound bytes wait and the ring now has room for them. */
  get blockedInWithRoom(): boolean {
    const p = this.#pipe;
    if (this.#pending === null || p === null || !this.#dec) return false;
    const hwm = p.in.hwm;
    return p.in.free() > 9 && (hwm <= 0 || p.inOpen || p.in.queuedMessages() < hwm);
  }
}

/**
 * The stream a CURVE connection writes through: plain ZMTP/3 frames in, MESSAGE commands
 * out (the codec keeps a frame a write cuts). A write that completes no frame is reported
 * written at once (a microtask), as the stream would.
 */
class SealedConn implements StreamConn {
  readonly #raw: StreamConn;
  readonly #codec: MessageCodec;
  readonly #written: () => void;
  #clear: number;

  /**
   * @param clear writes to pass through unboxed first: the handshake's last frames, queued
   *   (one write each) before the connection became CURVE's
   */
  constructor(raw: StreamConn, codec: MessageCodec, written: () => void, clear: number) {
    this.#raw = raw;
    this.#codec = codec;
    this.#written = written;
    this.#clear = clear;
  }

  write(bytes: Uint8Array): void {
    if (this.#clear > 0) {
      this.#clear--;
      return this.#raw.write(bytes);
    }
    const out = this.#codec.encode(bytes);
    if (out.length) this.#raw.write(out);
    else queueMicrotask(this.#written);
  }

  pause(): void {
    this.#raw.pause();
  }

  resume(): void {
    this.#raw.resume();
  }

  close(): void {
    this.#raw.close();
  }

  get remote(): string {
    return this.#raw.remote;
  }
}

const NO_HEARTBEAT: HeartbeatConfig = { ivl: 0, timeout: 0, ttl: 0 };

function concat(a: Uint8Array | null, b: Uint8Array): Uint8Array {
  if (!a) return b.slice();
  const c = new Uint8Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}
