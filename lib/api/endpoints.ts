/**
 * The endpoint calls of the idiomatic `Socket` (socket.ts): `bind`, `connect` (with its
 * `ConnectOptions`), `shutdown`, `unbind` and `disconnect` over the engine socket, with
 * engine failures turned into `XsError`.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { getErrno, XsError } from "../errors.ts";
import { toBytes } from "./options.ts";
import type { SocketState } from "./socket_state.ts";

/** Options of `Socket.connect`. */
export interface ConnectOptions {
  /**
   * ROUTER only: the routing id (1–255 bytes, first not 0; a string as UTF-8) this connect's
   * peer gets at once, whatever it announces, so the ROUTER can send to it before it has
   * spoken (zeromq.js's `routingId` of `Router.connect`; libzmq's ZMQ_CONNECT_ROUTING_ID).
   * The socket's `connectRoutingId` option is left as it is.
   */
  routingId?: Uint8Array | string | undefined;
}

/** `Socket.bind` (`bind` true) and `Socket.connect`: the endpoint id. */
export async function attach(
  s: SocketState,
  endpoint: string,
  bind: boolean,
  options?: ConnectOptions,
): Promise<number> {
  const action = `Cannot ${bind ? "bind to" : "connect to"} ${endpoint}`;
  if (typeof endpoint !== "string") throw new TypeError("The endpoint must be a string");
  const routingId = routingIdOf(options);
  s.check(action);
  if (routingId !== undefined && s.core.info.number !== C.XS_XREP) {
    const err = new XsError(C.EINVAL, action);
    err.message += ` (a routing id on connect is for ROUTER sockets, not ${s.type})`;
    throw err;
  }
  try {
    if (bind) return await s.core.bindAsync(endpoint);
    const id = await s.core.connectAsync(endpoint, routingId);
    // A tcp/ipc connect needs the I/O worker: a worker that cannot start fails here. A
    // ws:// or wss:// connect served on this thread (a page has no worker) does not.
    const onThread = /^wss?:\/\//.test(endpoint) && s.core.ctx.wsOnThread;
    if (!endpoint.startsWith("inproc://") && !onThread) await s.core.ctx.workerUp();
    return id;
  } catch (e) {
    const f = e as { errno?: number; error?: string };
    if (typeof f?.errno !== "number") throw e;
    const err = new XsError(f.errno, action);
    // What is wrong, in words, after the errno's text: the part of the endpoint, the
    // missing permission, the host that did not resolve, the worker that did not start.
    const why = f.error?.replace(/^[A-Za-z]*Error: /, "");
    if (why) err.message = f.errno === C.EMTHREAD ? `${action}: ${why}` : `${err.message} (${why})`;
    throw err;
  }
}

/** `ConnectOptions.routingId`, checked: the bytes, or undefined if none is given. */
function routingIdOf(options: ConnectOptions | undefined): Uint8Array | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) {
    throw new TypeError("The connect options must be an object");
  }
  const v = options.routingId;
  if (v === undefined) return undefined;
  if (typeof v !== "string" && !(v instanceof Uint8Array)) {
    throw new TypeError("routingId must be a Uint8Array or a string");
  }
  const id = toBytes(v);
  if (id.length < 1 || id.length > 255 || id[0] === 0) {
    throw new RangeError("routingId must be 1–255 bytes, first not 0");
  }
  return id;
}

/** `Socket.unbind` (`bind` true) and `Socket.disconnect`: ends the endpoints it names. */
export function end(s: SocketState, endpoint: string, bind: boolean): Promise<void> {
  try {
    if (typeof endpoint !== "string") throw new TypeError("The endpoint must be a string");
    const action = `Cannot ${bind ? "unbind" : "disconnect"} ${endpoint}`;
    s.check(action);
    if ((bind ? s.core.unbind(endpoint) : s.core.disconnect(endpoint)) < 0) {
      const err = new XsError(getErrno(), action);
      const why = s.core.endpointProblem;
      if (why) err.message += ` (${why})`;
      throw err;
    }
    return Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** `Socket.shutdown`: stops using the endpoint `id`. */
export function detach(s: SocketState, id: number): void {
  if (typeof id !== "number") throw new TypeError("The endpoint id must be a number");
  s.check("Cannot shut down an endpoint");
  if (s.core.shutdown(id) < 0) {
    throw new XsError(getErrno(), `Cannot shut down endpoint ${id}`);
  }
}
