/**
 * `poll`: readiness of several sockets of the idiomatic face at once, the promise-based
 * counterpart of `xs_poll` (docs/behaviour.md §2.6). Level-triggered from each
 * socket's `events` (`XS_EVENTS`); never receives or sends anything itself.
 *
 * Waiting: a poll that cannot answer at once registers with each of its sockets' contexts
 * as one more waiter of lib/core/waiting.ts (`Waiting.watch`), the same wake-ups that
 * re-try pending `send`/`receive` calls: a wake message from the I/O worker (data arrived,
 * room was freed, a peer came or went) or local inproc activity re-reads every item's
 * `events`, and the first round that finds one ready resolves the poll. A timer ends it at
 * its timeout; nothing polls on a timer.
 *
 * Runs on: API thread.
 */
import { XS_POLLIN, XS_POLLOUT } from "../constants.ts";
import type { Watched } from "../core/mod.ts";
import type { Socket } from "./mod.ts";
import { type SocketState, stateOf } from "./socket_state.ts";

/** One entry of a `poll` set. */
export interface PollItem {
  /** The socket to watch. */
  socket: Socket;
  /** The events asked for: `XS_POLLIN | XS_POLLOUT`. */
  events: number;
}

/**
 * Waits until at least one socket has an event it asked for, for at most `timeout`
 * milliseconds, and reports every item's ready events.
 *
 * @param items the sockets and the events wanted for each (`XS_POLLIN`, `XS_POLLOUT`)
 * @param timeout milliseconds to wait: 0 = check once, negative (default -1) = no limit
 * @returns the ready events per item, in the order of `items` (all 0 on timeout)
 * @throws {XsError} ENOTSOCK (a socket was closed), ETERM (its context terminated)
 * @throws {TypeError} for a malformed item or timeout, or no items with no timeout
 *
 * @example Waiting for the first of two sockets
 * ```ts
 * import assert from "node:assert/strict";
 * import { Context, poll, XS_POLLIN } from "@crossroads/xs";
 * await using ctx = new Context();
 * using a = ctx.socket("PULL");
 * using b = ctx.socket("PULL");
 * using push = ctx.socket("PUSH");
 * await a.bind("inproc://poll-a");
 * await b.bind("inproc://poll-b");
 * await push.connect("inproc://poll-b");
 * await push.send("hi");
 * const [ra, rb] = await poll([{ socket: a, events: XS_POLLIN }, { socket: b, events: XS_POLLIN }], 1000);
 * assert.deepEqual([ra, rb], [0, 1]);
 * ```
 */
// deno-lint-ignore require-await -- async so that a bad argument rejects the promise, as every other failure does
export async function poll(items: PollItem[], timeout: number = -1): Promise<number[]> {
  if (!Array.isArray(items)) throw new TypeError("poll takes an array of { socket, events } items");
  for (const it of items) {
    if (
      typeof it !== "object" || it === null || typeof it.events !== "number" ||
      stateOf(it.socket) === undefined
    ) {
      throw new TypeError("Each poll item must be { socket: Socket, events: number }");
    }
  }
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    throw new TypeError("The timeout must be a number of milliseconds");
  }
  const check = (): number[] | null => {
    let any = false;
    const revents = items.map((it) => {
      const r = stateOf(it.socket)!.events() & it.events & (XS_POLLIN | XS_POLLOUT);
      if (r) any = true;
      return r;
    });
    return any ? revents : null;
  };
  const none = () => items.map(() => 0);
  const first = check();
  if (first) return first;
  if (timeout === 0) return none();
  if (items.length === 0 && timeout < 0) {
    throw new TypeError("A poll of no items with no timeout would never end");
  }
  const states = items.map((it) => stateOf(it.socket));
  if (states.some((st) => st === undefined)) {
    throw new TypeError("Each poll item's socket must be a Socket of this library");
  }
  return new Promise<number[]>((resolve, reject) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (ready: number[] | null, error?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error !== undefined) reject(error);
      else resolve(ready ?? none());
    };
    const recheck = (atEnd: boolean) => {
      if (done) return;
      try {
        const r = check();
        if (r || atEnd) finish(r);
      } catch (e) {
        finish(null, e); // ENOTSOCK (closed) or ETERM while waiting
      }
    };
    const waiter: Watched = {
      get hasPending() {
        return !done;
      },
      service: () => recheck(false),
      // Asked right after the wake-up is armed, to catch what came just before it: is an
      // item ready already (without taking in events)? A closed one says yes, so that the
      // round that follows rejects.
      canRecv: () => !done && items.some((it, i) => readyNow(states[i]!, it.events)),
      canSend: () => false,
    };
    if (timeout > 0) timer = setTimeout(() => recheck(true), timeout);
    for (const ctx of new Set(states.map((st) => st!.core.ctx))) ctx.watch(waiter);
  });
}

/** An item's readiness from the socket types alone; true for a closed socket or context. */
function readyNow(st: SocketState, events: number): boolean {
  const core = st.core;
  if (st.closed || core.closed || core.ctx.terminating) return true;
  return ((events & XS_POLLIN) !== 0 && core.canRecv()) ||
    ((events & XS_POLLOUT) !== 0 && core.canSend());
}
