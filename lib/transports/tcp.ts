/**
 * tcp:// — ZMTP over TCP (IPv4 and IPv6 literals, `*` for all interfaces, port 0 for any
 * free port on bind; names resolved at each connect attempt).
 *
 * Runs on: I/O worker.
 */
import type { Transport } from "./transport.ts";

/** The tcp transport. */
export const tcp: Transport = {
  async listen(rt, ep, accept, opts) {
    if (ep.scheme !== "tcp") throw new TypeError("not a tcp endpoint");
    const listener = await rt.listenTcp(ep.host, ep.port, accept, opts);
    return { listener, bound: { ...ep, port: listener.port } };
  },
  async dial(rt, ep, opts) {
    if (ep.scheme !== "tcp") throw new TypeError("not a tcp endpoint");
    const [host] = await rt.resolve(ep.host);
    // The runtimes throw rather than answer no address; a rejection means "retry later".
    if (host === undefined) throw new Error(`cannot resolve ${ep.host}`);
    return rt.connectTcp(host, ep.port, opts);
  },
};
