/**
 * `proxy`: a built-in forwarder for the idiomatic face (the device that upstream's
 * tests reqrep_device and sub_forward write by hand, docs/upstream-tests.md §3.8, §3.9).
 * It moves whole messages frontend → backend and backend → frontend, each direction an
 * independent loop of `await receive()` / `await send()` (no polling, no busy loop), and
 * optionally copies every message to a capture socket first.
 *
 * A direction whose source socket cannot receive (e.g. a PUSH backend) is simply not
 * run; that socket is then checked for close/term every 50 ms (it gives no event). The proxy ends — its promise resolves — when the signal aborts or either socket
 * is closed or its context terminated; any other failure rejects it after both
 * directions stopped. A message received just before the end and not yet sent is
 * dropped (at-most-once, as with any socket closed with messages in flight).
 *
 * Runs on: API thread.
 */
import { ENOTSOCK, ENOTSUP, ETERM } from "../constants.ts";
import { XsError } from "../errors.ts";
import type { Socket } from "./mod.ts";
import { stateOf } from "./socket_state.ts";

/** Options of `proxy`. */
export interface ProxyOptions {
  /** Stops the proxy; its promise then resolves. */
  signal?: AbortSignal | undefined;
  /**
   * Every forwarded message (both directions) is sent here first, waiting while the
   * capture socket cannot take it. Closing it stops capturing only.
   */
  capture?: Socket | undefined;
}

const WATCH_MS = 50;

/** How one direction ended. */
type End = "stopped" | "oneway";

const isEnd = (e: unknown) => e instanceof XsError && (e.errno === ENOTSOCK || e.errno === ETERM);

/**
 * Forwards whole messages between `frontend` and `backend`, both ways, until
 * `options.signal` aborts or either socket is closed or terminated.
 *
 * @param frontend one side (e.g. a ROUTER clients connect to)
 * @param backend the other side (e.g. a DEALER workers connect to)
 * @param options `signal` to stop, `capture` to copy every message to
 * @returns resolves once forwarding stopped
 * @throws {XsError} a failure other than close/term (e.g. EFSM from a misused socket)
 *
 * @example A PUSH → PULL pipeline through a proxy
 * ```ts
 * import assert from "node:assert/strict";
 * import { Context, proxy } from "@crossroads/xs";
 * await using ctx = new Context();
 * using front = ctx.socket("PULL");
 * using back = ctx.socket("PUSH");
 * using producer = ctx.socket("PUSH");
 * using consumer = ctx.socket("PULL");
 * await front.bind("inproc://proxy-in");
 * await back.bind("inproc://proxy-out");
 * await producer.connect("inproc://proxy-in");
 * await consumer.connect("inproc://proxy-out");
 * const stop = new AbortController();
 * const running = proxy(front, back, { signal: stop.signal });
 * await producer.send("job");
 * assert.equal(new TextDecoder().decode((await consumer.receive({ timeout: 1000 }))[0]), "job");
 * stop.abort();
 * await running;
 * ```
 */
export async function proxy(
  frontend: Socket,
  backend: Socket,
  options: ProxyOptions = {},
): Promise<void> {
  const { signal, capture } = options;
  if (signal?.aborted) return;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  let capturing = capture !== undefined;
  const wait = { timeout: -1, signal: stop.signal };

  const pump = async (from: Socket, to: Socket): Promise<End> => {
    for (;;) {
      let msg: Uint8Array[];
      try {
        msg = await from.receive(wait);
      } catch (e) {
        if (stop.signal.aborted || isEnd(e)) return "stopped";
        if (e instanceof XsError && e.errno === ENOTSUP) return "oneway";
        throw e;
      }
      if (capturing) {
        try {
          await capture!.send(msg, wait);
        } catch (e) {
          if (stop.signal.aborted) return "stopped";
          if (!isEnd(e)) throw e;
          capturing = false;
        }
      }
      try {
        await to.send(msg, wait);
      } catch (e) {
        if (stop.signal.aborted || isEnd(e)) return "stopped";
        throw e;
      }
    }
  };

  // A socket that cannot receive gives no event when it is closed or terminated while
  // idle; such a one-way side is looked at every WATCH_MS instead.
  let watch: ReturnType<typeof setInterval> | undefined;
  const watchClosed = (s: Socket) => {
    watch ??= setInterval(() => {
      // Closed, or its context terminated: the errno a call would fail with now.
      if (s.closed || (stateOf(s)?.state() ?? ENOTSOCK) !== 0) stop.abort();
    }, WATCH_MS);
  };
  const run = (from: Socket, to: Socket) =>
    pump(from, to).then(
      (end) => {
        if (end === "stopped") stop.abort();
        else watchClosed(from);
        return end;
      },
      (e) => {
        stop.abort();
        throw e;
      },
    );
  try {
    const results = await Promise.allSettled([run(frontend, backend), run(backend, frontend)]);
    for (const r of results) if (r.status === "rejected") throw r.reason;
  } finally {
    clearInterval(watch);
    signal?.removeEventListener("abort", onAbort);
  }
}
