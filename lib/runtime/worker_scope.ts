/**
 * The I/O worker's side of its thread: how it hears the API thread's commands and posts its
 * notes back. A web Worker's global scope on Deno and Bun (`self.onmessage`,
 * `self.postMessage`); `parentPort` of `node:worker_threads` on Node. The API thread's side
 * of the same choice is `worker.ts`.
 *
 * Runs on: I/O worker.
 */
import { parentPort } from "node:worker_threads";
import { currentRuntimeName } from "./_common.ts";

/**
 * The worker's end of the thread boundary: `In` is what the API thread sends (for the I/O
 * worker, `ToWorker` of lib/pipe), `Out` what the worker posts back (`WorkerNote`).
 */
export interface WorkerScope<In, Out> {
  /** Posts a note to the API thread. */
  post(msg: Out): void;
  /** Registers the one handler of the API thread's commands. */
  listen(onCommand: (msg: In) => void): void;
}

// deno-lint-ignore no-explicit-any
const g = globalThis as any;

/** The scope of the worker this code runs in. */
export function workerScope<In, Out>(): WorkerScope<In, Out> {
  // Bun also sets `parentPort` in a web Worker; its web scope is the one the API side uses.
  if (currentRuntimeName() !== "node" || parentPort === null) {
    return {
      post: (msg) => g.postMessage(msg),
      listen: (on) => {
        g.onmessage = (e: MessageEvent<In>) => on(e.data);
      },
    };
  }
  const port = parentPort;
  return {
    post: (msg) => port.postMessage(msg),
    listen: (on) => {
      port.on("message", (m: In) => on(m));
    },
  };
}
