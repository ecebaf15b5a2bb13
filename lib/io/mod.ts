/**
 * What the I/O worker runs: the command handler and event loop (loop.ts) over the
 * worker's records (tables.ts), binding and dialling (endpoints.ts), closing and lingering
 * (linger.ts) and the reconnect back-off (reconnect.ts).
 *
 * Runs on: I/O worker.
 */
export { IoLoop } from "./loop.ts";
export {
  reportWorkerState,
  type ToWorker,
  WORKER_FAILED,
  WORKER_UP,
  type WorkerNote,
} from "../pipe/mod.ts";
export { Backoff } from "./reconnect.ts";
