/**
 * What the I/O worker runs: the command handler and event loop (loop.ts) and reconnect
 * back-off (reconnect.ts).
 *
 * Runs on: I/O worker.
 */
export { IoLoop, reportWorkerState } from "./loop.ts";
export { type ToWorker, WORKER_FAILED, WORKER_UP, type WorkerNote } from "../pipe/mod.ts";
export { Backoff } from "./reconnect.ts";
