/**
 * ipc:// — ZMTP over a Unix stream socket. As in Crossroads, a bind first removes any
 * file at the path (even a live endpoint's) and closing the listener removes it; a
 * connect to a missing path just retries.
 *
 * Runs on: I/O worker.
 */
import type { Transport } from "./transport.ts";

/** The ipc transport. */
export const ipc: Transport = {
  async listen(rt, ep, accept, opts) {
    if (ep.scheme !== "ipc") throw new TypeError("not an ipc endpoint");
    const listener = await rt.listenUnix(ep.path, accept, opts);
    return { listener, bound: ep };
  },
  dial(rt, ep) {
    if (ep.scheme !== "ipc") throw new TypeError("not an ipc endpoint");
    return rt.connectUnix(ep.path);
  },
};
