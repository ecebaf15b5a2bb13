/**
 * `proxy` and `steerableProxy`: the built-in forwarder of the idiomatic face (the device
 * that upstream's tests reqrep_device and sub_forward write by hand, docs/upstream-tests.md
 * §3.8, §3.9), steerable as libzmq's zmq_proxy_steerable(3). This file is the public
 * functions; the running proxy is proxy_run.ts `ProxyRun`.
 *
 * Forwarding: each direction (frontend → backend, backend → frontend) is a loop that waits
 * until its source has a message and its destination can take one (readiness.ts
 * `whenReady`: the worker's wake-ups and inproc activity, no timer), then moves whole
 * messages with `tryReceive` / `trySend` in bursts of up to `BURST`. A message is taken
 * from the source only when it can be sent at once, so while the destination is full or
 * the proxy is paused messages stay queued in the sockets and their high-water marks
 * apply, as in libzmq. A direction whose source cannot receive (e.g. a PUSH backend) is not
 * run; the other direction's waits also watch that socket, so its close ends the proxy
 * without a watch on a timer. A `capture` socket gets every message first (a copy of the
 * parts array), waited for while it cannot take it; its close stops capturing only.
 *
 * Steering (zmq_proxy_steerable(3) as libzmq 4.3.5 documents it, with its current code):
 * on the `control` socket the commands are one-part messages "PAUSE", "RESUME",
 * "TERMINATE" and "STATISTICS"; anything else is ignored. STATISTICS is answered with 8
 * parts of 8 bytes, unsigned 64-bit integers in the machine's byte order (little-endian
 * wherever Deno and Bun run): frontend messages received, bytes received, messages sent,
 * bytes sent, then the same four of the backend. A REP control socket answers every other
 * command with an empty message (its reply duty); other types get no answer. Messages are
 * counted whole (a multi-part message is one; bytes are the sum of its parts), as the
 * man page says and libzmq 4.3.0–4.3.4 count (4.3.5 counts parts). Counters are numbers:
 * exact up to 2^53 − 1, and JSON-friendly. The same controls are methods of the handle
 * `steerableProxy` returns.
 *
 * Ending: `TERMINATE` / `terminate()`, the signal, or either socket closed or its context
 * terminated end the proxy, and its promise resolves; any other failure (EFSM from a
 * misused socket, a STATISTICS reply a control socket cannot send) rejects it. A message
 * taken but not yet sent at the end is dropped (at-most-once, as with any socket closed
 * with messages in flight). The control socket's own close ends steering by it, not the
 * proxy.
 *
 * Fairness: every `BURST` messages a direction yields a microtask, and a macrotask (a
 * timer of 0 ms) if `FAIR_MS` passed since its last one, so sustained traffic cannot
 * starve the event loop (other I/O, the application's timers); waits that resolve at once
 * do not reset the count. An idle proxy runs no timer.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { XsError } from "../errors.ts";
import { type ProxyOptions, ProxyRun, type SteerableProxy } from "./proxy_run.ts";
import { receives } from "./readiness.ts";
import type { Socket } from "./socket.ts";
import { type SocketState, stateOf } from "./socket_state.ts";

export type {
  ProxyOptions,
  ProxySocketStatistics,
  ProxyStatistics,
  SteerableProxy,
} from "./proxy_run.ts";

/** The states of the sockets, checked. */
function states(
  frontend: Socket,
  backend: Socket,
  options: ProxyOptions,
): [SocketState, SocketState] {
  const f = stateOf(frontend), b = stateOf(backend);
  if (!f || !b) throw new TypeError("The proxy's frontend and backend must be Sockets");
  if (options.capture !== undefined && !stateOf(options.capture)) {
    throw new TypeError("The proxy's capture must be a Socket");
  }
  if (options.control !== undefined) {
    const c = stateOf(options.control);
    if (!c) throw new TypeError("The proxy's control must be a Socket");
    if (!receives(c)) {
      throw new XsError(
        C.ENOTSUP,
        `A ${c.type} socket cannot be a proxy's control: it never receives`,
      );
    }
  }
  return [f, b];
}

/**
 * Forwards whole messages between `frontend` and `backend`, both ways, until
 * `options.signal` aborts, TERMINATE arrives on `options.control`, or either socket is
 * closed or terminated (libzmq's zmq_proxy(3), and zmq_proxy_steerable(3) with a control
 * socket). For pausing and statistics from code, see `steerableProxy`.
 *
 * @param frontend one side (e.g. a ROUTER clients connect to)
 * @param backend the other side (e.g. a DEALER workers connect to)
 * @param options `signal` to stop, `capture` to copy every message to, `control` to steer
 * @returns resolves once forwarding stopped
 * @throws {XsError} a failure other than close/term (e.g. EFSM from a misused socket)
 * @throws {TypeError} when a socket argument is not a `Socket`
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
 *
 * @example Steering over a control socket, as zmq_proxy_steerable(3)
 * ```ts
 * import assert from "node:assert/strict";
 * import { Context, proxy } from "@crossroads/xs";
 * await using ctx = new Context();
 * using front = ctx.socket("PULL"), back = ctx.socket("PUSH");
 * using control = ctx.socket("REP"), steer = ctx.socket("REQ");
 * await front.bind("inproc://steer-in");
 * await back.bind("inproc://steer-out");
 * await control.bind("inproc://steer-control");
 * await steer.connect("inproc://steer-control");
 * const running = proxy(front, back, { control });
 * await steer.send("STATISTICS");
 * const stats = await steer.receive({ timeout: 1000 });
 * assert.equal(stats.length, 8); // 8 u64 counters, all 0 so far
 * await steer.send("TERMINATE");
 * await steer.receive({ timeout: 1000 }); // the REP's empty answer
 * await running;
 * ```
 */
export async function proxy(
  frontend: Socket,
  backend: Socket,
  options: ProxyOptions = {},
): Promise<void> {
  const [f, b] = states(frontend, backend, options);
  await new ProxyRun(f, b, options).done;
}

/**
 * Starts a proxy as `proxy` does and returns its handle: `pause()`, `resume()`,
 * `terminate()`, `statistics()`, `paused`, `done`, and `Symbol.asyncDispose` (so `await
 * using` terminates it). The `control` socket, if given, steers the same proxy.
 *
 * @param frontend one side (e.g. a ROUTER clients connect to)
 * @param backend the other side (e.g. a DEALER workers connect to)
 * @param options `signal`, `capture` and `control`, as for `proxy`
 * @returns the running proxy; await its `done` (it rejects on a failure)
 * @throws {TypeError} when a socket argument is not a `Socket`
 * @throws {XsError} ENOTSUP when `control` is of a type that never receives (PUSH, PUB)
 *
 * @example Pausing a pipeline and reading its counters
 * ```ts
 * import assert from "node:assert/strict";
 * import { Context, steerableProxy } from "@crossroads/xs";
 * await using ctx = new Context();
 * using front = ctx.socket("PULL"), back = ctx.socket("PUSH");
 * using producer = ctx.socket("PUSH"), consumer = ctx.socket("PULL");
 * await front.bind("inproc://steerable-in");
 * await back.bind("inproc://steerable-out");
 * await producer.connect("inproc://steerable-in");
 * await consumer.connect("inproc://steerable-out");
 * await using p = steerableProxy(front, back);
 * p.pause();
 * await producer.send("held");
 * assert.equal(await consumer.waitReadable({ timeout: 50 }), false); // queued in `front`
 * p.resume();
 * assert.equal(await consumer.receiveText({ timeout: 1000 }), "held");
 * assert.deepEqual(p.statistics().frontend, {
 *   messagesReceived: 1,
 *   bytesReceived: 4,
 *   messagesSent: 0,
 *   bytesSent: 0,
 * });
 * ```
 */
export function steerableProxy(
  frontend: Socket,
  backend: Socket,
  options: ProxyOptions = {},
): SteerableProxy {
  const [f, b] = states(frontend, backend, options);
  return new ProxyRun(f, b, options);
}
