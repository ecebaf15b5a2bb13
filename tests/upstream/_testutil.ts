/**
 * Helpers shared by the ports of the Crossroads I/O 1.2.0 self-tests (upstream
 * `tests/testutil.hpp`, docs/upstream-tests.md §2): `bounce` on both faces, `timeAssert`,
 * a free-port reservation, a raw byte peer for tcp/ipc (wireformat, libzmq21), and a
 * Worker-based actor for the C-face tests whose main thread is blocked in a call.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, portOf, waitFor } from "../_harness.ts";

export { portOf };
import type { Socket } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { loadRuntime } from "../../lib/runtime/mod.ts";
import type { StreamConn, StreamHandlers } from "../../lib/runtime/mod.ts";

/** The 32 bytes upstream's `bounce` sends. */
export const CONTENT: Uint8Array = new TextEncoder().encode("12345678ABCDEFGH12345678abcdefgh");

/**
 * Upstream `bounce(sb, sc)` on the C face: a blocking two-part echo. Every part's bytes
 * are compared (upstream compares only the last). Both sockets should have a receive
 * timeout set so a lost part fails instead of hanging.
 */
export function bounceC(sb: xs.XsSocket, sc: xs.XsSocket): void {
  const more = new Int32Array(1), len = { value: 4 };
  const rcvmore = (s: xs.XsSocket) => {
    len.value = 4;
    assert.equal(xs.xs_getsockopt(s, xs.XS_RCVMORE, more, len), 0);
    return more[0];
  };
  const b1 = new Uint8Array(32), b2 = new Uint8Array(32);
  assert.equal(xs.xs_send(sc, CONTENT, 32, xs.XS_SNDMORE), 32);
  assert.equal(xs.xs_send(sc, CONTENT, 32, 0), 32);
  assert.equal(xs.xs_recv(sb, b1, 32, 0), 32);
  assert.deepEqual(b1, CONTENT);
  assert.notEqual(rcvmore(sb), 0);
  assert.equal(xs.xs_recv(sb, b1, 32, 0), 32);
  assert.deepEqual(b1, CONTENT);
  assert.equal(rcvmore(sb), 0);
  assert.equal(xs.xs_send(sb, b1, 32, xs.XS_SNDMORE), 32);
  assert.equal(xs.xs_send(sb, b1, 32, 0), 32);
  assert.equal(xs.xs_recv(sc, b2, 32, 0), 32);
  assert.deepEqual(b2, CONTENT);
  assert.notEqual(rcvmore(sc), 0);
  assert.equal(xs.xs_recv(sc, b2, 32, 0), 32);
  assert.equal(rcvmore(sc), 0);
  assert.deepEqual(b2, CONTENT);
}

/** Upstream `bounce(sb, sc)` on the idiomatic face: one 2-part message each way. */
export async function bounce(sb: Socket, sc: Socket, timeout = 5_000): Promise<void> {
  await sc.send([CONTENT, CONTENT]);
  const req = await sb.receive({ timeout });
  assert.equal(req.length, 2);
  assert.deepEqual(req[0], CONTENT);
  assert.deepEqual(req[1], CONTENT);
  await sb.send(req);
  const rep = await sc.receive({ timeout });
  assert.equal(rep.length, 2);
  assert.deepEqual(rep[0], CONTENT);
  assert.deepEqual(rep[1], CONTENT);
}

/** Upstream `time_assert(actual, expected)`: expected − 50 < actual < expected + 500 (ms). */
export function timeAssert(actual: number, expected: number): void {
  assert.ok(
    actual > expected - 50 && actual < expected + 500,
    `took ${actual} ms, expected ${expected} ms (window ${expected - 50} … ${expected + 500})`,
  );
}

/** Blocks the calling thread for `ms` (a C-face `sleep`; never as a settle wait). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export { reservePort, retry } from "../_harness.ts";

/** A raw tcp/unix client that writes literal bytes and records what it receives. */
export class RawPeer implements StreamHandlers {
  got: number[] = [];
  isClosed = false;
  conn!: StreamConn;
  #queue: Uint8Array[] = [];
  #busy = false;
  data(chunk: Uint8Array): void {
    for (const b of chunk) this.got.push(b);
  }
  written(): void {
    this.#busy = false;
    this.#pump();
  }
  closed(): void {
    this.isClosed = true;
  }
  /** Queues bytes for writing. */
  send(bytes: number[]): void {
    this.#queue.push(new Uint8Array(bytes));
    this.#pump();
  }
  #pump(): void {
    if (this.#busy || this.isClosed || !this.#queue.length) return;
    this.#busy = true;
    this.conn.write(this.#queue.shift()!);
  }
  /** Waits until everything queued was written. */
  async drained(ms = 10_000): Promise<void> {
    await waitFor(() => !this.#busy && this.#queue.length === 0, ms, "raw peer's writes");
  }
  /** Waits until `n` bytes arrived; returns the first `n`. */
  async read(n: number, ms = 5_000): Promise<number[]> {
    await waitFor(() => this.got.length >= n, ms, `${n} bytes from the socket`);
    return this.got.slice(0, n);
  }
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.conn.close();
    await waitFor(() => this.isClosed, 2_000, "raw peer closed");
  }
  /** Connects to a `tcp://127.0.0.1:port` or `ipc:///path` endpoint. */
  static async connect(endpoint: string): Promise<RawPeer> {
    const rt = await loadRuntime();
    const attach = endpoint.startsWith("ipc://")
      ? await rt.connectUnix(endpoint.slice("ipc://".length))
      : await rt.connectTcp("127.0.0.1", portOf(endpoint));
    const p = new RawPeer();
    p.conn = attach(p);
    return p;
  }
}

/**
 * Upstream's `timeo_worker`/`polltimeo_worker` on another JS thread, with its own
 * context (docs/upstream-tests.md §4.1): after `connectAfter` ms a PUSH connects to
 * `endpoint`, after `closeAfter` more ms it is closed. `done` resolves with the
 * worker's report once it finished (`"ok"` or an error text). Resolves once the Worker
 * and its I/O worker are up, so that start-up does not eat into the timed wait.
 */
export async function startActor(
  endpoint: string,
  connectAfter = 1000,
  closeAfter = 1000,
): Promise<{
  done: Promise<string>;
  stop(): void;
}> {
  if (typeof Worker === "undefined") {
    return await startNodeActor(endpoint, connectAfter, closeAfter);
  }
  const w = new Worker(new URL("./_actor_worker.ts", import.meta.url).href, { type: "module" });
  let ready!: () => void;
  const isReady = new Promise<void>((r) => ready = r);
  const done = new Promise<string>((resolve) => {
    w.onmessage = (e: MessageEvent) => e.data === "ready" ? ready() : resolve(String(e.data));
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault?.();
      ready();
      resolve(`error: ${e.message}`);
    };
  });
  // Started (and its I/O worker up) before the caller's clock runs.
  await isReady;
  w.postMessage({ endpoint, connectAfter, closeAfter });
  return { done, stop: () => w.terminate() };
}

/** `startActor` on Node, which has no web Worker: the compiled actor on worker_threads. */
async function startNodeActor(
  endpoint: string,
  connectAfter: number,
  closeAfter: number,
): Promise<{ done: Promise<string>; stop(): void }> {
  const { Worker: NodeWorker } = await import("node:worker_threads");
  const w = new NodeWorker(new URL("./_actor_worker.js", import.meta.url));
  let ready!: () => void;
  const isReady = new Promise<void>((r) => ready = r);
  const done = new Promise<string>((resolve) => {
    w.on("message", (m: unknown) => m === "ready" ? ready() : resolve(String(m)));
    w.on("error", (e: Error) => {
      ready();
      resolve(`error: ${e.message}`);
    });
  });
  await isReady;
  w.postMessage({ endpoint, connectAfter, closeAfter });
  return { done, stop: () => void w.terminate() };
}
