/**
 * Starting the I/O worker, on Deno, Bun and Node.
 *
 * Deno and Bun run `workers/io_worker.ts` as a module Worker straight from its file URL.
 * Node 20 cannot load a `.ts` worker (runtime-facts trap 6), so it is given no worker
 * here; Node support is reserved for a later issue.
 *
 * Runs on: API thread.
 */

/** What the context holds of its worker. */
export interface WorkerHandle {
  /** Sends a command (SharedArrayBuffers inside are shared, not copied). */
  post(msg: unknown): void;
  /** Stops the worker at once; its sockets close (peers see FIN). */
  terminate(): void;
}

/** Starts the I/O worker; `onMessage` receives its `wake` and `error` messages. */
export function startIoWorker(onMessage: (msg: { t: string; error?: string }) => void): WorkerHandle {
  const url = new URL("../../workers/io_worker.ts", import.meta.url);
  const w = new Worker(url.href, { type: "module" });
  w.onmessage = (e: MessageEvent) => onMessage(e.data);
  w.onerror = (e: ErrorEvent) => {
    e.preventDefault?.();
    onMessage({ t: "error", error: String(e.message ?? e) });
  };
  return {
    post: (msg) => w.postMessage(msg),
    terminate: () => w.terminate(),
  };
}
