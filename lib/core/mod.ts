/**
 * The engine core both faces sit on: `ContextCore` (sockets, the I/O worker, shared
 * blocks, inproc names, waiting) and `SocketCore` (one socket's options, endpoints, pipes
 * and socket type, with blocking and promise-returning calls). docs/architecture.md §1.
 *
 * Runs on: API thread.
 */
export { ContextCore, type ContextOptions } from "./context.ts";
export { SocketCore, type SocketHost } from "./socket.ts";
