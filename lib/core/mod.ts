/**
 * The engine core both faces sit on: `ContextCore` (sockets, the I/O worker, shared
 * blocks, inproc names, term) and `SocketCore` (one socket's options, endpoints, pipes
 * and socket type, with blocking and promise-returning calls); the waits of the C face
 * that involve no one socket (`sleepSync`, `waitSyncAny`, from waiting.ts) and the async
 * wait on readiness the idiomatic face builds poll and `waitReadable` on (`waitAsync`).
 * docs/architecture.md §1.
 *
 * Runs on: API thread.
 */
export { ContextCore, type ContextOptions } from "./context.ts";
export { SocketCore, type SocketHost } from "./socket.ts";
export {
  type AsyncCondition,
  sleepSync,
  waitAsync,
  type WaitRegistry,
  waitSyncAny,
  type Watched,
} from "./waiting.ts";
// The subscription message an XSUB sends upstream, for the faces (lib/pipe/subscription.ts).
export { CMD_SUBSCRIBE, CMD_UNSUBSCRIBE, encodeSubscription } from "../pipe/mod.ts";
// Reference-counted content sent by reference, for the C face's xs_msg_init_data
// (lib/pipe/shared_content.ts).
export { contentOf, releaseContent, shareContent, type SharedContent } from "../pipe/mod.ts";
