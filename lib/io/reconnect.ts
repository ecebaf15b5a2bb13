/**
 * Reconnect delays of a connect endpoint (docs/behaviour.md §5.5): each failed
 * attempt waits `cur + random(0 .. XS_RECONNECT_IVL - 1)` ms; `cur` starts at
 * XS_RECONNECT_IVL and doubles per attempt up to XS_RECONNECT_IVL_MAX only when that is
 * larger. An interval of 0 means no jitter (upstream divides by zero there).
 *
 * Runs on: I/O worker.
 */

/** Back-off state of one connect endpoint. */
export class Backoff {
  readonly #ivl: number;
  readonly #max: number;
  #cur: number;

  constructor(ivl: number, max: number) {
    this.#ivl = Math.max(0, ivl);
    this.#max = max;
    this.#cur = this.#ivl;
  }

  /** The delay before the next attempt, advancing the back-off. */
  next(): number {
    const jitter = this.#ivl > 0 ? Math.floor(Math.random() * this.#ivl) : 0;
    const d = this.#cur + jitter;
    if (this.#max > this.#ivl) this.#cur = Math.min(this.#cur * 2, this.#max);
    return d;
  }

  /** A connection was established: start over. */
  reset(): void {
    this.#cur = this.#ivl;
  }
}
