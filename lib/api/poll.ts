/**
 * `poll`: readiness of several sockets of the idiomatic face at once, the promise-based
 * counterpart of `xs_poll` (docs/behaviour.md §2.6). Level-triggered from each
 * socket's `events` (`XS_EVENTS`); never receives or sends anything itself.
 *
 * Waiting: a waiting poll re-reads `events` on a short timer (1 ms at first, backing off
 * to 4 ms); reading `events` also makes the context take in what the I/O worker reported.
 * A poll therefore resolves within a few milliseconds of an item becoming ready, never
 * before its timeout when nothing is, and costs nothing once it has resolved.
 *
 * Why a timer and not the core's wake-up (lib/core/waiting.ts `Waiting.watch`, the
 * WAKE_MESSAGE arm): a poll holds the face's `Socket`s, which keep their engine socket
 * private, so this file cannot reach a SocketCore or ContextCore to register with; and the
 * items may belong to several contexts, each with its own doorbell and wake message, with
 * inproc readiness coming from local `kick`s rather than the bell. Waking on the core's
 * signal would need a readiness hook on `Socket` (lib/api/socket.ts) that forwards to the
 * core's watched set; until then the timer stays.
 *
 * Runs on: API thread.
 */
import { XS_POLLIN, XS_POLLOUT } from "../constants.ts";
import type { Socket } from "./mod.ts";

/** One entry of a `poll` set. */
export interface PollItem {
  /** The socket to watch. */
  socket: Socket;
  /** The events asked for: `XS_POLLIN | XS_POLLOUT`. */
  events: number;
}

const MAX_STEP = 4;

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
export async function poll(items: PollItem[], timeout: number = -1): Promise<number[]> {
  if (!Array.isArray(items)) throw new TypeError("poll takes an array of { socket, events } items");
  for (const it of items) {
    if (
      typeof it !== "object" || it === null || typeof it.events !== "number" ||
      typeof it.socket?.events !== "number"
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
      const r = it.socket.events & it.events & (XS_POLLIN | XS_POLLOUT);
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
  const deadline = timeout < 0 ? Infinity : performance.now() + timeout;
  let step = 1;
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) return check() ?? none();
    await new Promise<void>((r) => setTimeout(r, Math.min(step, Math.ceil(left))));
    step = Math.min(MAX_STEP, step * 2);
    const r = check();
    if (r) return r;
  }
}
