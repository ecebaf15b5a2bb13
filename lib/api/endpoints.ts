/**
 * The endpoint calls of the idiomatic `Socket` (socket.ts): `bind`, `connect` and
 * `shutdown` over the engine socket, with engine failures turned into `XsError`.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { getErrno, XsError } from "../errors.ts";
import type { SocketState } from "./socket_state.ts";

/** `Socket.bind` (`bind` true) and `Socket.connect`: the endpoint id. */
export async function attach(s: SocketState, endpoint: string, bind: boolean): Promise<number> {
  const action = `Cannot ${bind ? "bind to" : "connect to"} ${endpoint}`;
  if (typeof endpoint !== "string") throw new TypeError("The endpoint must be a string");
  s.check(action);
  try {
    if (bind) return await s.core.bindAsync(endpoint);
    const id = await s.core.connectAsync(endpoint);
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

/** `Socket.shutdown`: stops using the endpoint `id`. */
export function detach(s: SocketState, id: number): void {
  if (typeof id !== "number") throw new TypeError("The endpoint id must be a number");
  s.check("Cannot shut down an endpoint");
  if (s.core.shutdown(id) < 0) {
    throw new XsError(getErrno(), `Cannot shut down endpoint ${id}`);
  }
}
