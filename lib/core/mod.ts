/**
 * The engine core both faces sit on: `ContextCore` (sockets, the I/O worker, shared
 * blocks, inproc names, term) and `SocketCore` (one socket's options, endpoints, pipes
 * and socket type, with blocking and promise-returning calls); the waits of the C face
 * that involve no one socket (`sleepSync`, `waitSyncAny`, from waiting.ts).
 * docs/architecture.md §1.
 *
 * Runs on: API thread.
 */
export { ContextCore, type ContextOptions } from "./context.ts";
export { SocketCore, type SocketHost } from "./socket.ts";
export { sleepSync, waitSyncAny, type Watched } from "./waiting.ts";
// The subscription message an XSUB sends upstream, for the faces (lib/pipe/subscription.ts).
export { CMD_SUBSCRIBE, CMD_UNSUBSCRIBE, encodeSubscription } from "../pipe/mod.ts";
