/**
 * The engine of `proxy` and `steerableProxy` (proxy.ts, whose header describes the
 * behaviour): the public types of a proxy's options, handle and counters, and `ProxyRun`,
 * one running proxy: its two directions, the steering by the control socket and by the
 * handle, the counters and how it ends.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { XsError } from "../errors.ts";
import { type Message, tryReceive, trySend } from "./messages.ts";
import { type ReadyItem, receives, whenReady } from "./readiness.ts";
import type { Socket } from "./socket.ts";
import { type SocketState, stateOf } from "./socket_state.ts";

/** Options of `proxy` and `steerableProxy`. */
export interface ProxyOptions {
  /** Stops the proxy; its promise then resolves. */
  signal?: AbortSignal | undefined;
  /**
   * Every forwarded message (both directions) is sent here first, waiting while the
   * capture socket cannot take it. Closing it stops capturing only.
   */
  capture?: Socket | undefined;
  /**
   * A socket on which the application steers the proxy (zmq_proxy_steerable(3)): one-part
   * commands "PAUSE", "RESUME", "TERMINATE", "STATISTICS" (answered with 8 parts, each a
   * little-endian u64: frontend messages and bytes received, messages and bytes sent, then
   * the backend's four). Usually a REP (which answers every other command with an empty
   * message) that a REQ asks, or a PAIR. Unknown commands are ignored.
   */
  control?: Socket | undefined;
}

/** What one side of a proxy moved, whole messages and their bytes. */
export interface ProxySocketStatistics {
  /** Messages received from this socket. */
  messagesReceived: number;
  /** Bytes received from this socket (all parts). */
  bytesReceived: number;
  /** Messages sent out through this socket. */
  messagesSent: number;
  /** Bytes sent out through this socket. */
  bytesSent: number;
}

/** The counters of a proxy, as the STATISTICS command reports them (in that order). */
export interface ProxyStatistics {
  /** The frontend's counters. */
  frontend: ProxySocketStatistics;
  /** The backend's counters. */
  backend: ProxySocketStatistics;
}

/** A running proxy, from `steerableProxy`. */
export interface SteerableProxy {
  /**
   * Resolves once the proxy stopped: `terminate()`, TERMINATE on the control socket, the
   * signal, or a socket closed or its context terminated. Rejects with any other failure
   * (XsError, e.g. EFSM from a misused socket).
   */
  readonly done: Promise<void>;
  /** True while paused (by `pause()` or PAUSE). */
  readonly paused: boolean;
  /** Stops forwarding; messages stay queued in the sockets (their HWMs apply). */
  pause(): void;
  /** Forwards again, queued messages first, in order. */
  resume(): void;
  /**
   * Stops the proxy (as TERMINATE); the sockets stay open.
   * @returns `done`
   */
  terminate(): Promise<void>;
  /** A snapshot of the counters. */
  statistics(): ProxyStatistics;
  /** `terminate()` and wait for `done`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Messages a direction moves between yields (libzmq's proxy_burst_size). */
const BURST = 1000;
/** ms a direction may keep the thread before it yields a macrotask. */
const FAIR_MS = 10;

const isEnd = (e: unknown) =>
  e instanceof XsError && (e.errno === C.ENOTSOCK || e.errno === C.ETERM);

const newSide = (): ProxySocketStatistics => ({
  messagesReceived: 0,
  bytesReceived: 0,
  messagesSent: 0,
  bytesSent: 0,
});

const sizeOf = (msg: Message) => {
  let n = 0;
  for (const p of msg) n += p.byteLength;
  return n;
};

const ascii = new TextEncoder();
const COMMANDS = ["PAUSE", "RESUME", "TERMINATE", "STATISTICS"] as const;
type Command = (typeof COMMANDS)[number];
const COMMAND_BYTES = COMMANDS.map((c) => [c, ascii.encode(c)] as const);

/** The command a control message is, or null (not one part, or not a command). */
function commandOf(msg: Message): Command | null {
  if (msg.length !== 1) return null;
  const p = msg[0]!;
  for (const [name, bytes] of COMMAND_BYTES) {
    if (p.length === bytes.length && p.every((b, i) => b === bytes[i])) return name;
  }
  return null;
}

/** A u64 in the machine's byte order, as libzmq's memcpy of a uint64_t gives it. */
const u64 = (n: number) => new Uint8Array(new BigUint64Array([BigInt(Math.trunc(n))]).buffer);

/** One running proxy (the handle `steerableProxy` returns). */
export class ProxyRun implements SteerableProxy {
  readonly done: Promise<void>;
  readonly #front: SocketState;
  readonly #back: SocketState;
  readonly #capture: SocketState | null;
  readonly #control: SocketState | null;
  #capturing: boolean;
  #paused = false;
  /** Aborted once, when the proxy ends. */
  readonly #stop = new AbortController();
  /** Aborted by pause (and the end): interrupts the waits of the directions. */
  #step = new AbortController();
  /** Aborted by resume (and the end): ends the directions' wait while paused. */
  #unpause = new AbortController();
  readonly #stats = { frontend: newSide(), backend: newSide() };
  #lastYield = performance.now();
  /** A failure outside the tasks (a reply sent later), for `done`. */
  #failure: unknown;

  constructor(front: SocketState, back: SocketState, opts: ProxyOptions) {
    this.#front = front;
    this.#back = back;
    this.#capture = opts.capture ? stateOf(opts.capture)! : null;
    this.#control = opts.control ? stateOf(opts.control)! : null;
    this.#capturing = this.#capture !== null;
    this.done = this.#run(opts.signal);
  }

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    if (this.#paused || this.#stop.signal.aborted) return;
    this.#paused = true;
    this.#unpause = new AbortController();
    this.#step.abort();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#step = new AbortController();
    this.#unpause.abort();
  }

  terminate(): Promise<void> {
    this.#end();
    return this.done;
  }

  statistics(): ProxyStatistics {
    return { frontend: { ...this.#stats.frontend }, backend: { ...this.#stats.backend } };
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }

  #end(): void {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    this.#step.abort();
    this.#unpause.abort();
  }

  async #run(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return this.#end();
    const onAbort = () => this.#end();
    signal?.addEventListener("abort", onAbort, { once: true });
    const front = this.#front, back = this.#back;
    const { frontend, backend } = this.#stats;
    const tasks: Promise<void>[] = [];
    // A task's end (a socket closed, or a failure) ends the proxy; the control loop's
    // end (its socket closed) ends only the steering.
    const task = (p: Promise<void>, ends = true) =>
      tasks.push(p.then(() => {
        if (ends) this.#end();
      }, (e) => {
        this.#end();
        throw e;
      }));
    const runs = [front, back].filter(receives);
    if (front === back) runs.length = Math.min(runs.length, 1);
    for (const from of runs) {
      const to = from === front ? back : front;
      const [fromStats, toStats] = from === front ? [frontend, backend] : [backend, frontend];
      task(this.#direction(from, to, fromStats, toStats));
    }
    // Neither side receives: nothing to forward, but the proxy still ends with them.
    if (runs.length === 0) task(this.#watchEnds());
    const control = this.#control;
    if (control) task(this.#steering(control), false);
    try {
      const results = await Promise.allSettled(tasks);
      for (const r of results) if (r.status === "rejected") throw r.reason;
      if (this.#failure !== undefined) throw this.#failure;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Waits for `items` unless the proxy pauses or ends (then returns false). */
  async #wait(items: ReadyItem[], signal: AbortSignal): Promise<boolean> {
    try {
      await whenReady(items, -1, signal, "Cannot forward");
      return true;
    } catch (e) {
      if (signal.aborted) return false;
      throw e;
    }
  }

  /** The two sides, watched for their end only (events 0). */
  #ends(): ReadyItem[] {
    return [{ state: this.#front, events: 0 }, { state: this.#back, events: 0 }];
  }

  async #watchEnds(): Promise<void> {
    try {
      await this.#wait(this.#ends(), this.#stop.signal);
    } catch (e) {
      if (!isEnd(e)) throw e;
    }
  }

  /** One direction: whole messages from `from` to `to` until the proxy ends. */
  async #direction(
    from: SocketState,
    to: SocketState,
    fromStats: ProxySocketStatistics,
    toStats: ProxySocketStatistics,
  ): Promise<void> {
    const stop = this.#stop.signal;
    let held: Message | null = null; // taken from `from`, not yet sent
    let capturePending = false;
    let burst = 0;
    try {
      while (!stop.aborted) {
        if (this.#paused) {
          await this.#wait(this.#ends(), this.#unpause.signal);
          continue;
        }
        const step = this.#step.signal;
        if (held === null) {
          if (!to.core.canSend() || !from.core.canRecv()) {
            const ok = await this.#wait([
              { state: from, events: C.XS_POLLIN },
              { state: to, events: C.XS_POLLOUT },
            ], step);
            if (ok) await this.#bothReady(from, to, step);
            continue;
          }
          held = tryReceive(from);
          if (held === null) {
            // Ready, yet nothing to take (never expected): let the event loop turn rather
            // than spin.
            await macrotask();
            continue;
          }
          fromStats.messagesReceived++;
          fromStats.bytesReceived += sizeOf(held);
          capturePending = this.#capturing;
        }
        if (capturePending) {
          if (!(await this.#captured(held, from, to, step))) continue;
          capturePending = false;
        }
        if (!trySend(to, held)) {
          await this.#wait([{ state: to, events: C.XS_POLLOUT }, { state: from, events: 0 }], step);
          continue;
        }
        toStats.messagesSent++;
        toStats.bytesSent += sizeOf(held);
        held = null;
        if (++burst >= BURST) {
          burst = 0;
          if (this.#control) this.#steerNow(this.#control);
          await this.#yield();
        }
      }
    } catch (e) {
      if (stop.aborted || isEnd(e)) return;
      throw e;
    }
  }

  /**
   * After the wait for `from` readable or `to` writable: if only one of the two is ready,
   * waits for the other one too.
   */
  async #bothReady(from: SocketState, to: SocketState, step: AbortSignal): Promise<void> {
    if (!from.core.canRecv()) {
      await this.#wait([{ state: from, events: C.XS_POLLIN }, { state: to, events: 0 }], step);
    } else if (!to.core.canSend()) {
      await this.#wait([{ state: to, events: C.XS_POLLOUT }, { state: from, events: 0 }], step);
    }
  }

  /**
   * Hands `msg` to the capture socket: true once done (or capturing stopped), false if the
   * loop must look again (it waited for room, or the proxy paused or is ending).
   */
  async #captured(
    msg: Message,
    from: SocketState,
    to: SocketState,
    step: AbortSignal,
  ): Promise<boolean> {
    const cap = this.#capture!;
    if (!this.#capturing) return true;
    if (cap.state() !== 0) {
      this.#capturing = false;
      return true;
    }
    if (trySend(cap, [...msg])) return true;
    try {
      await this.#wait([
        { state: cap, events: C.XS_POLLOUT },
        { state: from, events: 0 },
        { state: to, events: 0 },
      ], step);
    } catch (e) {
      // The capture's end stops capturing; a side's end ends the proxy.
      if (!isEnd(e) || from.state() !== 0 || to.state() !== 0) throw e;
      this.#capturing = false;
    }
    return false;
  }

  /** Yields to other microtasks, and to the event loop once every FAIR_MS. */
  async #yield(): Promise<void> {
    if (performance.now() - this.#lastYield < FAIR_MS) {
      await null;
      return;
    }
    await macrotask();
    this.#lastYield = performance.now();
  }

  // ---------------------------------------------------------------- steering

  /** Reads and obeys control commands until the proxy or the control socket ends. */
  async #steering(ctl: SocketState): Promise<void> {
    const stop = this.#stop.signal;
    try {
      while (!stop.aborted) {
        await whenReady([{ state: ctl, events: C.XS_POLLIN }], -1, stop, "Cannot steer");
        this.#steerNow(ctl);
      }
    } catch (e) {
      if (stop.aborted || isEnd(e)) return;
      throw e;
    }
  }

  /** Obeys every command queued on the control socket now. */
  #steerNow(ctl: SocketState): void {
    for (;;) {
      const msg = tryReceive(ctl);
      if (msg === null) return;
      const cmd = commandOf(msg);
      let reply: Uint8Array[] | null = null;
      if (cmd === "STATISTICS") {
        const { frontend: f, backend: b } = this.#stats;
        reply = [f, b].flatMap((s) =>
          [s.messagesReceived, s.bytesReceived, s.messagesSent, s.bytesSent].map(u64)
        );
      } else {
        if (cmd === "PAUSE") this.pause();
        else if (cmd === "RESUME") this.resume();
        else if (cmd === "TERMINATE") this.#end();
        // A REP must answer before it can receive again (libzmq: an empty message).
        if (ctl.core.info.number === C.XS_REP) reply = [new Uint8Array(0)];
      }
      if (reply && !trySend(ctl, reply)) this.#replyLater(ctl, reply);
      if (cmd === "TERMINATE") return;
    }
  }

  /** A reply the control socket cannot take now (a PAIR at its HWM): sent when it can. */
  #replyLater(ctl: SocketState, reply: Uint8Array[]): void {
    const stop = this.#stop.signal;
    ctl.core.sendAsync(reply, -1, stop, ctl.sendFailed).catch((e) => {
      if (stop.aborted || isEnd(e)) return;
      // Failing like libzmq's proxy when its control socket cannot send.
      this.#failure ??= e;
      this.#end();
    });
  }
}

/** Resolves on a later macrotask (a 0 ms timer). */
const macrotask = () => new Promise<void>((r) => setTimeout(r, 0));
