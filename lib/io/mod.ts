/**
 * What the I/O worker runs: the command handler and event loop (loop.ts) and reconnect
 * back-off (reconnect.ts).
 *
 * Runs on: I/O worker.
 */
export { IoLoop, reportWorkerState } from "./loop.ts";
export { WORKER_FAILED, WORKER_UP } from "../pipe/mod.ts";
export { Backoff } from "./reconnect.ts";
