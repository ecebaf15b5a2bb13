/**
 * `xs_socket_monitor`: an extension of the C face modelled on libzmq's
 * zmq_socket_monitor(3) (Crossroads I/O 1.2.0 has no monitor): what a socket's connections
 * do, as two-part messages on an inproc PAIR socket the caller connects to. Part one is
 * six bytes: the event number (uint16) and a value (uint32), little-endian, with libzmq's
 * numbers (`XS_EVENT_*`); part two is the endpoint's address. Events are sent without
 * waiting: with no reader connected, or a full pipe, they are dropped, as in libzmq.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { fail } from "../errors.ts";
import type { MonitorEvent } from "../pipe/mod.ts";
import { sockOf, sockState, type XsSocket } from "./api.ts";

/** The peer connected (libzmq ZMQ_EVENT_CONNECTED). Value: 0. */
export const XS_EVENT_CONNECTED = 0x0001;
/** A connect is under way, asynchronously (ZMQ_EVENT_CONNECT_DELAYED). Value: 0. */
export const XS_EVENT_CONNECT_DELAYED = 0x0002;
/** A connect will be tried again (ZMQ_EVENT_CONNECT_RETRIED). Value: the interval in ms. */
export const XS_EVENT_CONNECT_RETRIED = 0x0004;
/** The socket listens (ZMQ_EVENT_LISTENING). Value: 0. */
export const XS_EVENT_LISTENING = 0x0008;
/** A bind failed (ZMQ_EVENT_BIND_FAILED). Value: the errno. */
export const XS_EVENT_BIND_FAILED = 0x0010;
/** A connection was accepted (ZMQ_EVENT_ACCEPTED). Value: 0. */
export const XS_EVENT_ACCEPTED = 0x0020;
/** An accept failed (ZMQ_EVENT_ACCEPT_FAILED). Value: the errno. */
export const XS_EVENT_ACCEPT_FAILED = 0x0040;
/** A listening endpoint was closed (ZMQ_EVENT_CLOSED). Value: 0. */
export const XS_EVENT_CLOSED = 0x0080;
/** A connection ended after its handshake (ZMQ_EVENT_DISCONNECTED). Value: 0. */
export const XS_EVENT_DISCONNECTED = 0x0200;
/** The monitor stopped: the last event (ZMQ_EVENT_MONITOR_STOPPED). Value: 0. */
export const XS_EVENT_MONITOR_STOPPED = 0x0400;
/** A handshake failed otherwise: peer gone, timed out (HANDSHAKE_FAILED_NO_DETAIL). */
export const XS_EVENT_HANDSHAKE_FAILED_NO_DETAIL = 0x0800;
/** A handshake finished (ZMQ_EVENT_HANDSHAKE_SUCCEEDED). Value: 0. */
export const XS_EVENT_HANDSHAKE_SUCCEEDED = 0x1000;
/** The peer broke the protocol in the handshake (HANDSHAKE_FAILED_PROTOCOL). */
export const XS_EVENT_HANDSHAKE_FAILED_PROTOCOL = 0x2000;
/** Authentication failed (ZMQ_EVENT_HANDSHAKE_FAILED_AUTH). */
export const XS_EVENT_HANDSHAKE_FAILED_AUTH = 0x4000;
/** Every event. */
export const XS_EVENT_ALL = 0xffff;

const NUMBERS: Record<MonitorEvent["type"], number> = {
  "connect": XS_EVENT_CONNECTED,
  "connect:delay": XS_EVENT_CONNECT_DELAYED,
  "connect:retry": XS_EVENT_CONNECT_RETRIED,
  "listening": XS_EVENT_LISTENING,
  "bind:error": XS_EVENT_BIND_FAILED,
  "accept": XS_EVENT_ACCEPTED,
  "accept:error": XS_EVENT_ACCEPT_FAILED,
  "close": XS_EVENT_CLOSED,
  "disconnect": XS_EVENT_DISCONNECTED,
  "handshake": XS_EVENT_HANDSHAKE_SUCCEEDED,
  "handshake:error:protocol": XS_EVENT_HANDSHAKE_FAILED_PROTOCOL,
  "handshake:error:auth": XS_EVENT_HANDSHAKE_FAILED_AUTH,
  "handshake:error:other": XS_EVENT_HANDSHAKE_FAILED_NO_DETAIL,
};

/** The value part of an event: the interval of a retry, the errno of a failed bind. */
function valueOf(ev: MonitorEvent): number {
  if (ev.type === "connect:retry") return ev.interval;
  if (ev.type === "bind:error") return ev.errno;
  return 0;
}

const utf8 = new TextEncoder();

/** The two parts of one event message. */
export function monitorMessage(event: number, value: number, address: string): Uint8Array[] {
  const head = new Uint8Array(6);
  const v = new DataView(head.buffer);
  v.setUint16(0, event, true);
  v.setUint32(2, value >>> 0, true);
  return [head, utf8.encode(address)];
}

/**
 * Starts reporting the events of `s` named in `events` (a mask of `XS_EVENT_*`) to an
 * inproc PAIR socket bound at `endpoint`, which the caller connects a PAIR of its own to;
 * `endpoint` null stops (the monitor socket sends `XS_EVENT_MONITOR_STOPPED` and closes, as
 * it also does when `s` is closed). An extension modelled on zmq_socket_monitor(3).
 *
 * @param s the socket to watch
 * @param endpoint an `inproc://` endpoint for the monitor socket, or null to stop
 * @param events the events to report (`XS_EVENT_ALL` for all)
 * @returns 0, or -1 with errno: ENOTSOCK, ETERM, EPROTONOSUPPORT (not inproc), EADDRINUSE
 *
 * @example
 * ```ts
 * import * as xs from "@crossroads/xs/xs";
 * const ctx = xs.xs_init();
 * const pull = xs.xs_socket(ctx, xs.XS_PULL);
 * xs.xs_socket_monitor(pull, "inproc://pull-events", xs.XS_EVENT_ALL);
 * const mon = xs.xs_socket(ctx, xs.XS_PAIR);
 * xs.xs_connect(mon, "inproc://pull-events");
 * xs.xs_bind(pull, "tcp://127.0.0.1:*");
 * const head = new Uint8Array(6);
 * xs.xs_recv(mon, head, 6, 0); // XS_EVENT_LISTENING, 0
 * xs.xs_close(mon);
 * xs.xs_close(pull);
 * xs.xs_term(ctx);
 * ```
 */
export function xs_socket_monitor(
  s: XsSocket | null,
  endpoint: string | null,
  events: number,
): number {
  const st = sockOf(s);
  const e = sockState(st);
  if (e) return fail(e);
  const core = st!.core;
  MONITORS.get(core)?.stop();
  if (endpoint === null) return 0;
  if (typeof endpoint !== "string" || !endpoint.startsWith("inproc://")) {
    return fail(C.EPROTONOSUPPORT);
  }
  const pair = st!.ctx.core.socket(C.XS_PAIR);
  if (typeof pair === "number") return fail(pair);
  pair.setOption(C.XS_LINGER, 0);
  const rc = pair.bind(endpoint);
  if (rc < 0) {
    pair.close();
    return -1;
  }
  const send = (event: number, value: number, address: string) => {
    if (!pair.closed) pair.send(monitorMessage(event, value, address), C.XS_DONTWAIT);
  };
  const stop = () => {
    MONITORS.delete(core);
    if (!core.closed) core.watch(null, null);
    send(XS_EVENT_MONITOR_STOPPED, 0, "");
    if (!pair.closed) pair.close();
  };
  MONITORS.set(core, { stop });
  core.watch((ev) => {
    const n = NUMBERS[ev.type];
    if (events & n) send(n, valueOf(ev), ev.address);
  }, stop);
  return 0;
}

/** The monitor of each watched socket. */
const MONITORS = new WeakMap<object, { stop(): void }>();
