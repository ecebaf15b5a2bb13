/**
 * `@crossroads/xs`: Crossroads I/O 1.2.0 (a ZeroMQ fork) in TypeScript for Deno and
 * Bun. This is the idiomatic, promise-based face; the C face (`xs_*` functions, for
 * programs ported from the man pages) is `@crossroads/xs/xs`.
 *
 * Runs on: API thread.
 *
 * @example Pipeline in ten lines
 * ```ts
 * import assert from "node:assert/strict";
 * import { Context } from "@crossroads/xs";
 *
 * await using ctx = new Context();
 * using pull = ctx.socket("PULL", { rcvhwm: 1000 });
 * using push = ctx.socket("PUSH");
 * await pull.bind("inproc://work");
 * await push.connect(pull.lastEndpoint);
 * await push.send("hello");                       // one part
 * await push.send(["a", new Uint8Array([1, 2])]); // one multi-part message
 * const parts: Uint8Array[] = await pull.receive({ timeout: 1000 });
 * assert.equal(new TextDecoder().decode(parts[0]), "hello");
 * ```
 *
 * ## Two faces
 *
 * - `@crossroads/xs` (this module): `Context`, `Socket` with promise-based `send` /
 *   `receive`, `trySend` / `tryReceive`, async iteration, `using`, `XsError`, plus
 *   `proxy`, `steerableProxy`, `poll` and every `XS_*` constant.
 * - `@crossroads/xs/xs`: the Crossroads C API (`xs_init`, `xs_socket`, `xs_sendmsg`,
 *   errno, blocking calls), for programs ported line by line from the man pages.
 *
 * Where things live in the code: docs/architecture.md in the source repository.
 *
 * @module
 */
export {
  type AliasKey,
  Authenticator,
  type AuthenticatorOptions,
  type BunHandlers,
  type BunServerLike,
  type BunWebSocketLike,
  type ConnectOptions,
  Context,
  type ContextOptions,
  EVENTS_KEPT,
  type Message,
  type MonitorEvent,
  type NameOf,
  OPTION_ALIASES,
  type Part,
  type ReceiveOnlyType,
  type Receiving,
  type Sending,
  type SendOnlyType,
  Socket,
  type SocketEvent,
  SocketEvents,
  SocketOptionAccessors,
  type SocketOptions,
  type SocketType,
  type SocketTypeName,
  type StandardWebSocketLike,
  type Subscribing,
  type WaitOptions,
  WebSocketEndpoint,
  type WireMode,
  type ZapRequestInfo,
  type ZapVerdict,
} from "./lib/api/mod.ts";
export { type CurveKeyPair, curveKeyPair, curvePublicKey } from "./lib/security/mod.ts";
export { XsError } from "./lib/errors.ts";
export {
  poll,
  type PollItem,
  proxy,
  type ProxyOptions,
  type ProxySocketStatistics,
  type ProxyStatistics,
  type SocketOptionValue,
  type SteerableProxy,
  steerableProxy,
} from "./lib/api/mod.ts";
export * from "./lib/constants.ts";
export { VERSION } from "./lib/version.ts";
