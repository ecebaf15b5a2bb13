/**
 * Heartbeat: the liveness timers of one ZMTP/3.x connection after its handshake (RFC 37
 * PING/PONG; libzmq's ZMQ_HEARTBEAT_IVL, ZMQ_HEARTBEAT_TIMEOUT and ZMQ_HEARTBEAT_TTL;
 * docs/wire.md §7), and the default of the handshake timeout (ZMQ_HANDSHAKE_IVL) that
 * session.ts arms before it.
 *
 * Three timers, each armed only when needed and all cleared by `stop` (the session calls
 * it when the connection goes, whichever side ends it):
 * - the interval: a PING (our TTL, no context) every `ivl` ms;
 * - the timeout: armed by a PING we send when none is armed; any frame from the peer
 *   cancels it; if it runs out, the connection is closed;
 * - the TTL: armed by each PING received with a ttl above 0, for that ttl; any later
 *   frame from the peer cancels it; if it runs out, the connection is closed.
 *
 * "Any frame cancels" is libzmq's rule, kept without touching a timer per frame: the
 * session counts what it receives (`heard`: chunks and frames), each armed deadline keeps
 * the count it was armed at, and a timer that fires with a changed count was cancelled.
 * While the session itself holds the peer's bytes back (backpressure, or a connection
 * still waiting for its pipe) a silence proves nothing, and a deadline that runs out then
 * is dropped instead (`excused`); the next PING arms it again.
 *
 * Runs on: I/O worker.
 */
import { pingFrame } from "../wire/mod.ts";

/** libzmq's ZMQ_HANDSHAKE_IVL default, ms: a connection's handshake must end within it. */
export const HANDSHAKE_IVL = 30_000;

/** A connection's heartbeat settings, ms; 0 turns each off. */
export interface HeartbeatConfig {
  /** Between our PINGs (XS_HEARTBEAT_IVL). */
  readonly ivl: number;
  /** Wait for traffic after a PING (XS_HEARTBEAT_TIMEOUT, resolved: never -1). */
  readonly timeout: number;
  /** Sent in our PINGs, in 0.1 s units (XS_HEARTBEAT_TTL). */
  readonly ttl: number;
}

/**
 * The settings of the options as set: a timeout of -1 (the default) means the interval,
 * as in libzmq.
 */
export function heartbeatConfig(ivl: number, timeout: number, ttl: number): HeartbeatConfig {
  return { ivl, timeout: timeout < 0 ? ivl : timeout, ttl };
}

/** What the heartbeat needs of its session. */
export interface HeartbeatHost {
  /** How many chunks and frames arrived so far; any change means the peer is alive. */
  heard(): number;
  /** True while the session holds the peer's bytes back, so silence proves nothing. */
  excused(): boolean;
  /** Queues a PING frame and writes it when the connection can. */
  ping(frame: Uint8Array): void;
  /** Closes the connection for `why`. */
  expire(why: string): void;
}

const NO_CONTEXT = new Uint8Array(0);

/** One deadline: when it runs out, the count it was armed at, its timer and when that fires. */
interface Deadline {
  at: number;
  seen: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  fires: number;
}

/** The heartbeat timers of one connection. */
export class Heartbeat {
  readonly #cfg: HeartbeatConfig;
  readonly #host: HeartbeatHost;
  readonly #ping: Uint8Array;
  #ivl: ReturnType<typeof setInterval> | undefined;
  readonly #timeout: Deadline = { at: 0, seen: 0, timer: undefined, fires: 0 };
  readonly #ttl: Deadline = { at: 0, seen: 0, timer: undefined, fires: 0 };
  #stopped = false;

  constructor(cfg: HeartbeatConfig, host: HeartbeatHost) {
    this.#cfg = cfg;
    this.#host = host;
    // The TTL field counts tenths of a second (RFC 37); libzmq truncates.
    this.#ping = pingFrame(Math.floor(cfg.ttl / 100), NO_CONTEXT);
  }

  /** The handshake is over: PINGs from now on, every `ivl` ms (if any). */
  start(): void {
    if (this.#stopped || this.#cfg.ivl <= 0 || this.#ivl !== undefined) return;
    this.#ivl = setInterval(() => this.#tick(), this.#cfg.ivl);
  }

  /** A PING arrived from the peer with `ttl` in 0.1 s units (0: it asks nothing). */
  pinged(ttl: number): void {
    if (this.#stopped || ttl <= 0) return;
    // libzmq: the PING cancelled the running TTL timer (as any frame does), then re-armed it.
    this.#arm(this.#ttl, ttl * 100, "heartbeat TTL expired");
  }

  /** The connection is gone: every timer cleared, nothing more happens. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#ivl);
    this.#ivl = undefined;
    for (const d of [this.#timeout, this.#ttl]) {
      clearTimeout(d.timer);
      d.timer = undefined;
      d.at = 0;
    }
  }

  /** True while any timer is pending (tests: nothing outlives the connection). */
  get active(): boolean {
    return this.#ivl !== undefined || this.#timeout.timer !== undefined ||
      this.#ttl.timer !== undefined;
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#host.ping(this.#ping);
    const t = this.#timeout;
    // Armed by a PING when none runs: one that runs and saw no traffic keeps its time.
    const running = t.at !== 0 && this.#host.heard() === t.seen;
    if (this.#cfg.timeout > 0 && !running) {
      this.#arm(t, this.#cfg.timeout, "heartbeat timed out");
    }
  }

  /** Arms `d` to run out `ms` from now, counting from the traffic heard so far. */
  #arm(d: Deadline, ms: number, why: string): void {
    if (this.#stopped) return; // the PING's write may have found the connection gone
    d.at = performance.now() + ms;
    d.seen = this.#host.heard();
    // A timer that fires before the new time finds the same count and waits on; one that
    // would fire after it (a peer's shorter TTL) is replaced.
    if (d.timer !== undefined && d.fires <= d.at) return;
    clearTimeout(d.timer);
    this.#wait(d, ms, why);
  }

  #wait(d: Deadline, ms: number, why: string): void {
    d.fires = performance.now() + ms;
    d.timer = setTimeout(() => this.#check(d, why), ms);
  }

  #check(d: Deadline, why: string): void {
    d.timer = undefined;
    if (this.#stopped || d.at === 0) return;
    if (this.#host.heard() !== d.seen || this.#host.excused()) {
      d.at = 0; // cancelled by traffic (or not the peer's fault): the next PING re-arms it
      return;
    }
    const left = d.at - performance.now();
    if (left > 0.5) return this.#wait(d, left, why);
    this.stop();
    this.#host.expire(why);
  }
}
