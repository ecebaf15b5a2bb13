/**
 * A doorbell: how one thread parks until the other has news, without a wake-up per
 * message. The sleeper announces *how* it sleeps in `BELL_FLAGS` and then re-checks its
 * queues; the other side, after publishing, rings only if a flag is set, clearing it with
 * an exchange so one sleep costs at most one wake-up (docs/runtime.md §1: wake only a
 * side that is parked).
 *
 * - `WAKE_NOTIFY`: the sleeper is blocked in `Atomics.wait` on `BELL_SEQ` (the API
 *   thread in a C-face call).
 * - `WAKE_MESSAGE`: the sleeper is an event loop — the API thread's (idiomatic face) or
 *   the I/O worker's — and the waker sends it `postMessage({ t: "wake" })`. That also
 *   keeps Bun and Node processes alive while a receive is pending (docs/runtime.md trap 1), and it
 *   is the worker's only bell: `Atomics.waitAsync` in a worker resolved only when its loop
 *   turned for another reason (measured on Deno 2.9 and Bun 1.4; lib/io/loop.ts).
 *
 * Runs on: both threads.
 */
import { API_BELL, BELL_FLAGS, BELL_SEQ, WAKE_NOTIFY, WORKER_STATE } from "./layout.ts";

/** One doorbell inside the context block. */
export class Doorbell {
  readonly #i32: Int32Array;
  readonly #seq: number;
  readonly #flags: number;

  /** Attaches to the bell at Int32 index `index` of `sab`. */
  constructor(sab: SharedArrayBuffer, index: number) {
    this.#i32 = new Int32Array(sab);
    this.#seq = index + BELL_SEQ;
    this.#flags = index + BELL_FLAGS;
  }

  /**
   * Waker side: if the sleeper is parked, wakes it. Returns the flags that were set (0 if
   * nobody slept); the caller sends the message itself when `WAKE_MESSAGE` is among them.
   */
  ring(): number {
    // Atomics: a plain load first keeps the common "nobody sleeps" case free of RMWs.
    if (Atomics.load(this.#i32, this.#flags) === 0) return 0;
    const old = Atomics.exchange(this.#i32, this.#flags, 0);
    if (old !== 0) {
      // Atomics: bump the sequence before notify so a sleeper that read the old value
      // just before parking returns at once ("not-equal").
      Atomics.add(this.#i32, this.#seq, 1);
      if (old & WAKE_NOTIFY) Atomics.notify(this.#i32, this.#seq);
    }
    return old;
  }

  /**
   * Sleeper side, step 1: announce the sleep and read the sequence. The caller must then
   * re-check its queues and only park (`wait`/`waitAsync` with this sequence) if they are
   * still empty.
   */
  prepare(how: number): number {
    const seq = Atomics.load(this.#i32, this.#seq);
    // Atomics: the flag is set after reading seq and before the caller's re-check.
    Atomics.or(this.#i32, this.#flags, how);
    return seq;
  }

  /** Sleeper side: withdraws the announcement (work was found after all). */
  cancel(how: number): void {
    Atomics.and(this.#i32, this.#flags, ~how);
  }

  /** True if a sleep of kind `how` is currently announced. */
  armed(how: number): boolean {
    return (Atomics.load(this.#i32, this.#flags) & how) !== 0;
  }

  /** Sleeper side, step 2 (blocking): parks until rung or `ms` elapsed (-1 = forever). */
  wait(seq: number, ms: number): void {
    Atomics.wait(this.#i32, this.#seq, seq, ms < 0 ? Infinity : ms);
  }
}

/**
 * Tells the API thread, even one blocked in Atomics.wait, whether the worker came up
 * (`WORKER_UP`) or could not (`WORKER_FAILED`): the word in the context block, then the
 * API doorbell (in the context's bell block, layout.ts).
 */
export function reportWorkerState(
  block: SharedArrayBuffer,
  bell: SharedArrayBuffer,
  state: number,
): void {
  Atomics.store(new Int32Array(block), WORKER_STATE, state);
  new Doorbell(bell, API_BELL).ring();
}
