/**
 * `socket.events`: what a socket's connections do, as an async iterable of typed events
 * with the names zeromq.js uses (docs/api.md §2.1). Made on first use of `socket.events`:
 * only then does the I/O worker report the socket's events (no cost otherwise), so read it
 * before `bind`/`connect` to see everything. Bounded: a reader that falls behind loses the
 * oldest events, and the next event it gets says how many (`dropped`).
 *
 * Runs on: API thread.
 */
import type { MonitorEvent } from "../pipe/mod.ts";

/**
 * One event: a `MonitorEvent` (`listening`, `bind:error`, `accept`, `accept:error`,
 * `connect`, `connect:delay`, `connect:retry`, `handshake`, `handshake:error:protocol`,
 * `handshake:error:auth`, `handshake:error:other`, `disconnect`, `close`), or `end` (the
 * socket was closed or its context terminated: the last one). `dropped`, when set, counts
 * the events lost just before this one because the reader fell behind.
 */
export type SocketEvent = (MonitorEvent | { type: "end"; address: "" }) & {
  dropped?: number;
};

/** How many events wait for the reader before the oldest are dropped. */
export const EVENTS_KEPT = 1024;

/**
 * The events of one socket (`socket.events`). One reader: iterate it with `for await`, or
 * call `next()`. Iteration ends after the `end` event; `return()` (a `break` out of the
 * loop) stops the reporting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Context } from "@crossroads/xs";
 * await using ctx = new Context();
 * using pull = ctx.socket("PULL");
 * const events = pull.events; // before bind, to see "listening"
 * await pull.bind("tcp://127.0.0.1:*");
 * const { value } = await events.next();
 * assert.equal(value?.type, "listening");
 * ```
 */
export class SocketEvents implements AsyncIterableIterator<SocketEvent> {
  #queue: SocketEvent[] = [];
  #waiter: ((r: IteratorResult<SocketEvent>) => void) | null = null;
  #ended = false;
  #done = false;
  #dropped = 0;
  readonly #stop: () => void;

  /**
   * Not for users: `socket.events` makes it.
   * @param stop ends the reporting (after `return()`)
   */
  constructor(stop: () => void) {
    this.#stop = stop;
  }

  /** Events dropped so far because the reader fell behind. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Not for users: one event of the socket. */
  push(ev: MonitorEvent): void {
    if (this.#ended) return;
    this.#deliver(ev);
  }

  /** Not for users: the socket is gone; `end` is the last event. */
  end(): void {
    if (this.#ended) return;
    this.#deliver({ type: "end", address: "" });
    this.#ended = true;
  }

  #deliver(ev: SocketEvent): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = null;
      if (ev.type === "end") this.#done = true;
      w({ value: ev, done: false });
      return;
    }
    if (this.#queue.length >= EVENTS_KEPT && ev.type !== "end") {
      // The oldest goes; the one after it (the next the reader gets) counts the loss.
      const old = this.#queue.shift()!;
      const lost = (old.dropped ?? 0) + 1;
      const head = this.#queue[0];
      if (head) this.#queue[0] = { ...head, dropped: (head.dropped ?? 0) + lost };
      else ev = { ...ev, dropped: (ev.dropped ?? 0) + lost };
      this.#dropped++;
    }
    this.#queue.push(ev);
  }

  /** The next event; waits for one. Done after `end`. */
  next(): Promise<IteratorResult<SocketEvent>> {
    const ev = this.#queue.shift();
    if (ev) {
      if (ev.type === "end") this.#done = true;
      return Promise.resolve({ value: ev, done: false });
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter) throw new TypeError("socket.events has one reader at a time");
    return new Promise((resolve) => this.#waiter = resolve);
  }

  /** Stops reading: the reporting stops and iteration ends. */
  return(): Promise<IteratorResult<SocketEvent>> {
    if (!this.#done) {
      this.#done = this.#ended = true;
      this.#queue.length = 0;
      this.#stop();
      const w = this.#waiter;
      this.#waiter = null;
      w?.({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Itself: one reader. */
  [Symbol.asyncIterator](): SocketEvents {
    return this;
  }
}
