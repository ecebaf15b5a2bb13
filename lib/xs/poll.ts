/**
 * `xs_poll` and the stopwatch of the Crossroads C face (docs/behaviour.md §2.6,
 * §2.7).
 *
 * Socket items are level-triggered from `XS_EVENTS`. JavaScript has no way to poll a
 * raw file descriptor, so an item whose `socket` is null is accepted but never reported
 * ready (its `revents` stay 0); a poll on raw descriptors alone with a negative timeout
 * could never return, so it fails with EINVAL. The waiting itself is the engine core's
 * (lib/core/waiting.ts: the context's doorbell, or a slice on each of several contexts).
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { fail } from "../errors.ts";
import { type ContextCore, sleepSync, waitSyncAny } from "../core/mod.ts";
import { sockEvents, sockOf, type SockState, sockState, type XsSocket } from "./api.ts";

/**
 * One entry of an `xs_poll` set, as C's `xs_pollitem_t`.
 */
export interface xs_pollitem_t {
  /** A socket, or null to name a raw descriptor in `fd` (never reported ready here). */
  socket: XsSocket | null;
  /** A raw descriptor, used when `socket` is null. */
  fd: number;
  /** The events asked for: `XS_POLLIN | XS_POLLOUT`. */
  events: number;
  /** Filled in by `xs_poll`. */
  revents: number;
}

/**
 * Waits until at least one item has an event it asked for (`xs_poll(3)`), for at most
 * `timeout` milliseconds (0: check once; negative: no limit), and fills every
 * `revents`.
 *
 * @param items the poll set
 * @param nitems how many of `items` to look at
 * @param timeout milliseconds
 * @returns the number of items with events, or -1 with errno EINVAL (`nitems` < 0, or
 *   nothing that could ever become ready with a negative timeout), EFAULT (`items`
 *   missing or shorter than `nitems`), ETERM, ENOTSOCK
 *
 * @example Checking a socket once
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL);
 * const items = [{ socket: pull, fd: 0, events: xs.XS_POLLIN, revents: 0 }];
 * assert.equal(xs.xs_poll(items, 1, 0), 0);
 * xs.xs_close(pull);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_poll(items: xs_pollitem_t[] | null, nitems: number, timeout: number): number {
  if (!Number.isInteger(nitems) || nitems < 0) return fail(C.EINVAL);
  if (nitems > 0 && (!Array.isArray(items) || items.length < nitems)) return fail(C.EFAULT);
  if (typeof timeout !== "number" || Number.isNaN(timeout)) return fail(C.EINVAL);
  const socks: (SockState | null)[] = [];
  const ctxs = new Set<ContextCore>();
  for (let i = 0; i < nitems; i++) {
    const it = items![i];
    if (typeof it !== "object" || it === null) return fail(C.EFAULT);
    if (it.socket == null) {
      socks.push(null);
      continue;
    }
    const st = sockOf(it.socket);
    const e = sockState(st);
    if (e) return fail(e);
    socks.push(st);
    ctxs.add(st!.ctx.core);
  }
  if (ctxs.size === 0) {
    for (let i = 0; i < nitems; i++) items![i]!.revents = 0;
    if (timeout === 0) return 0;
    if (timeout < 0) return fail(C.EINVAL);
    sleepSync(performance.now() + timeout);
    return 0;
  }
  let err = 0;
  const check = (): number => {
    let n = 0;
    for (let i = 0; i < nitems; i++) {
      // Every item was checked to be an object above.
      const it = items![i]!, st = socks[i];
      it.revents = 0;
      if (!st) continue;
      const e = sockState(st);
      if (e) return (err = e), -1;
      const ev = sockEvents(st);
      if (ev < 0) return -1;
      it.revents = ev & it.events & (C.XS_POLLIN | C.XS_POLLOUT);
      if (it.revents) n++;
    }
    return n;
  };
  let n = check();
  if (n !== 0 || timeout === 0) return n < 0 && err ? fail(err) : n;
  const deadline = timeout < 0 ? Infinity : performance.now() + timeout;
  const ready = () => {
    n = check();
    return n !== 0;
  };
  waitSyncAny(ctxs, deadline, ready);
  if (n === 0) n = check();
  return n < 0 && err ? fail(err) : n;
}

/** A running stopwatch, as `xs_stopwatch_start` returns it. */
export interface XsStopwatch {
  /** performance.now() at the start. */
  readonly start: number;
}

const running = new WeakSet<XsStopwatch>();

/**
 * Starts a stopwatch (`xs_stopwatch_start(3)`).
 *
 * @returns a handle for `xs_stopwatch_stop`
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const w = xs.xs_stopwatch_start();
 * assert.equal(xs.xs_stopwatch_stop(w) >= 0, true);
 * ```
 */
export function xs_stopwatch_start(): XsStopwatch {
  const w = { start: performance.now() };
  running.add(w);
  return w;
}

/**
 * Stops a stopwatch (`xs_stopwatch_stop(3)`) and returns the elapsed microseconds.
 * Stopping a stopwatch twice (a double free in C) returns 0 and sets errno EINVAL.
 *
 * @param watch a handle from `xs_stopwatch_start`
 * @returns elapsed time in microseconds (an integer)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const w = xs.xs_stopwatch_start();
 * const us = xs.xs_stopwatch_stop(w);
 * assert.equal(Number.isInteger(us), true);
 * ```
 */
export function xs_stopwatch_stop(watch: XsStopwatch): number {
  if (!running.has(watch)) {
    fail(C.EINVAL);
    return 0;
  }
  running.delete(watch);
  return Math.max(0, Math.floor((performance.now() - watch.start) * 1000));
}
