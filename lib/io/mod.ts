/**
 * What the I/O worker runs: the command handler and event loop (loop.ts) and reconnect
 * back-off (reconnect.ts).
 *
 * Runs on: I/O worker.
 */
export { IoLoop } from "./loop.ts";
export { Backoff } from "./reconnect.ts";
