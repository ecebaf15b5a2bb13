/**
 * The idiomatic TypeScript face: `Context` and `Socket` (docs/api.md §2), promise-based over
 * the same engine as the C face (lib/core/socket.ts, lib/core/context.ts). Whole messages are
 * arrays of parts; every failure is an `XsError` with a ZeroMQ-style `code`; wrong
 * arguments are `TypeError`/`RangeError`.
 *
 * The face is split by concept: `Context` in context.ts, the `Socket` class in socket.ts
 * (its state in socket_state.ts, endpoints in endpoints.ts, sending and receiving with
 * `Part` and `WaitOptions` in messages.ts, subscriptions in subscriptions.ts), socket
 * option table and value conversion in options.ts, `getOption`/`setOption` in
 * generic_options.ts, readiness waits in readiness.ts, `poll` in poll.ts, `proxy` and
 * `steerableProxy` in proxy.ts (the running proxy in proxy_run.ts). This file is the
 * face's single import path (mod.ts).
 *
 * Runs on: API thread.
 */
export {
  Context,
  type ContextOptions,
  type NameOf,
  type SocketType,
  type SocketTypeName,
} from "./context.ts";
export {
  type ReceiveOnlyType,
  type Receiving,
  type Sending,
  type SendOnlyType,
  Socket,
  type Subscribing,
} from "./socket.ts";
export { SocketOptionAccessors } from "./socket_options.ts";
export { EVENTS_KEPT, type SocketEvent, SocketEvents } from "./socket_events.ts";
export type { MonitorEvent } from "../pipe/mod.ts";
export { type Message, type Part, type WaitOptions } from "./messages.ts";
export { type ConnectOptions } from "./endpoints.ts";
export { type SocketOptionValue } from "./generic_options.ts";
export { poll, type PollItem } from "./poll.ts";
export {
  proxy,
  type ProxyOptions,
  type ProxySocketStatistics,
  type ProxyStatistics,
  type SteerableProxy,
  steerableProxy,
} from "./proxy.ts";
export { type AliasKey, OPTION_ALIASES, type SocketOptions, type WireMode } from "./options.ts";
export {
  Authenticator,
  type AuthenticatorOptions,
  type ZapRequestInfo,
  type ZapVerdict,
} from "./authenticator.ts";
export {
  type BunHandlers,
  type BunServerLike,
  type BunWebSocketLike,
  type StandardWebSocketLike,
  WebSocketEndpoint,
} from "./ws_endpoint.ts";
