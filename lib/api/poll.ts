/**
 * `poll`: readiness of several sockets of the idiomatic face at once, the promise-based
 * counterpart of `xs_poll` (docs/behaviour.md §2.6). Level-triggered from each
 * socket's `events` (`XS_EVENTS`); never receives or sends anything itself.
 *
 * Waiting: a thin combination over readiness.ts `whenReady`, the same waiter as
 * `Socket.waitReadable` / `waitWritable`: registered with each of its sockets' contexts
 * (lib/core/waiting.ts `waitAsync`), it re-reads every item's `events` on the wake
 * message of the I/O worker (data arrived, room was freed, a peer came or went) and on
 * local inproc activity, and the first round that finds one ready resolves the poll. A
 * timer ends it at its timeout; nothing polls on a timer.
 *
 * Runs on: API thread.
 */
import { whenReady } from "./readiness.ts";
import type { Socket } from "./socket.ts";
import { stateOf } from "./socket_state.ts";

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
  if (items.length === 0 && timeout < 0) {
    throw new TypeError("A poll of no items with no timeout would never end");
  }
  const waited = items.map((it) => ({ state: stateOf(it.socket)!, events: it.events }));
  return (await whenReady(waited, timeout, undefined, "Cannot poll")) ?? items.map(() => 0);
}
