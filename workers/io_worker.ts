/**
 * Entry point of the I/O worker: receives the context block, builds the loop from
 * lib/io with the runtime adapter of lib/runtime, and feeds it the API thread's
 * commands. Nothing else lives here.
 *
 * Runs on: I/O worker.
 */
import type { IoLoop, ToWorker, WorkerNote } from "../lib/io/mod.ts";
import { loadRuntime, workerScope } from "../lib/runtime/mod.ts";
import { reportWorkerState, WORKER_FAILED, WORKER_UP } from "../lib/pipe/mod.ts";

const scope = workerScope<ToWorker, WorkerNote>();
const post = (msg: WorkerNote) => scope.post(msg);
const queued: ToWorker[] = [];
let loop: IoLoop | null = null;
let block: SharedArrayBuffer | null = null;
let bell: SharedArrayBuffer | null = null;
let state = 0;
let reported = false;

/**
 * Once both the context block (the `init` command) and the outcome of loading the
 * runtime are known, tells the API thread whether we came up: the shared word (seen even
 * by a thread blocked in Atomics.wait), then a message. Either may come first.
 */
function report(): void {
  if (!block || !bell || !state || reported) return;
  reported = true;
  reportWorkerState(block, bell, state);
  if (state === WORKER_UP) post({ t: "ready" });
}

// Commands that arrive while the runtime adapter and the engine load are queued, in order.
// The engine (lib/io and what it imports) is loaded after the listener is in place: the
// cryptography's loading awaits (lib/security/crypto.ts), and a module graph that awaits
// would let Bun deliver the first commands before a static import's listener exists.
scope.listen((m) => {
  if (m.t === "init" && !block) {
    block = m.sab;
    bell = m.bell;
  }
  if (loop) loop.command(m);
  else queued.push(m);
  report();
});

Promise.all([loadRuntime(), import("../lib/io/mod.ts")]).then(([rt, mod]) => {
  loop = new mod.IoLoop(rt, post);
  for (const m of queued.splice(0)) loop.command(m);
  state = WORKER_UP;
  report();
}, (e) => {
  state = WORKER_FAILED;
  report();
  post({ t: "error", fatal: true, error: `cannot load the runtime adapter or engine: ${e}` });
});
