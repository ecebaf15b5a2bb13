/**
 * The helper thread of upstream timeo/polltimeo (docs/upstream-tests.md §3.15, §3.18) as a
 * Worker with its own context: reports "ready" once its I/O worker is up, then on the
 * go message sleeps, connects a PUSH to the endpoint it is given,
 * sleeps, closes it, terminates its context, and reports "ok" (or the failure).
 *
 * Runs on: a Worker (a worker_threads Worker on Node) started by tests/upstream/_testutil.ts
 * `startActor`.
 */
import { parentPort } from "node:worker_threads";
import * as xs from "../../xs.ts";

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

// deno-lint-ignore no-explicit-any
const g = globalThis as any;
// A web Worker on Deno and Bun; node:worker_threads on Node (compiled by tests/node/run.mjs).
const port = typeof g.Deno !== "undefined" || typeof g.Bun !== "undefined" ? null : parentPort;
const self_ = port
  ? {
    postMessage: (m: unknown) => port.postMessage(m),
    set onmessage(f: (e: { data: unknown }) => void) {
      port.on("message", (data: unknown) => f({ data }));
    },
  }
  : g;

// Warm-up before the clock runs: the context and its I/O worker exist (a tcp bind waits
// for the worker's answer), so the connect at `connectAfter` happens on time.
const ctx = xs.xs_init();
const warm = xs.xs_socket(ctx, xs.XS_PULL);
xs.xs_bind(warm, "tcp://127.0.0.1:*");
xs.xs_close(warm);
self_.postMessage("ready");

self_.onmessage = (e: { data: unknown }) => {
  const { endpoint, connectAfter, closeAfter } = e.data as {
    endpoint: string;
    connectAfter: number;
    closeAfter: number;
  };
  let report = "ok";
  try {
    sleep(connectAfter);
    const sc = xs.xs_socket(ctx, xs.XS_PUSH);
    if (!sc) throw new Error(`xs_socket: ${xs.xs_strerror(xs.xs_errno())}`);
    xs.xs_setsockopt(sc, xs.XS_LINGER, 0);
    if (xs.xs_connect(sc, endpoint) < 0) {
      throw new Error(`xs_connect: ${xs.xs_strerror(xs.xs_errno())}`);
    }
    sleep(closeAfter);
    if (xs.xs_close(sc) !== 0) throw new Error("xs_close failed");
    if (xs.xs_term(ctx) !== 0) throw new Error("xs_term failed");
  } catch (err) {
    report = `error: ${(err as Error).message}`;
  }
  self_.postMessage(report);
};
