/**
 * The face for web pages (`@crossroads/xs/browser`): `Context`, `Socket` and its types,
 * `XsError` and `VERSION`, nothing else. In a page there is no I/O worker (no OS sockets to
 * listen or dial with): a context serves its `ws://` connects on the page's thread with the
 * standard `WebSocket` (lib/transports/ws_dial.ts), speaking ZWS 2.0 (bare `ZWS2.0`) to a
 * ZeroMQ WebSocket endpoint — one mounted with `WebSocketEndpoint` in a `Bun.serve` /
 * `Deno.serve` app, a `ws://` bind of this library, or libzmq's. SUB, REQ, DEALER, PUSH,
 * PULL and PAIR connects work there; binds and security mechanisms are refused, and
 * `inproc://` works within the page.
 *
 * bench/_build_browser.ts bundles this module into one ES module, `dist/browser/xs.js`,
 * that a page imports as it is (examples/ws_app shows a page and its server).
 *
 * Runs on: a page's main thread (any thread with a standard `WebSocket` and no I/O worker).
 *
 * @example A page subscribing to a publisher mounted at /updates
 * ```ts ignore
 * import { Context } from "./xs.js";
 *
 * const ctx = new Context();
 * const sub = ctx.socket("SUB");
 * sub.subscribe("");
 * await sub.connect(`ws://${location.host}/updates`);
 * for await (const [update] of sub) console.log(new TextDecoder().decode(update));
 * ```
 *
 * @module
 */
export {
  Context,
  type ContextOptions,
  type Message,
  type MonitorEvent,
  type NameOf,
  type Part,
  type ReceiveOnlyType,
  type Receiving,
  type Sending,
  type SendOnlyType,
  Socket,
  type SocketEvent,
  type SocketEvents,
  type SocketOptionAccessors,
  type SocketOptions,
  type SocketOptionValue,
  type SocketType,
  type SocketTypeName,
  type Subscribing,
  type WaitOptions,
  type WireMode,
} from "./mod.ts";
export { XsError } from "../errors.ts";
export { VERSION } from "../version.ts";
