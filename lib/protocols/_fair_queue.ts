/**
 * Fair queue (libxs `fq`): takes one whole message per turn from each pipe that has
 * one, round-robin. Used by PULL, XREQ/DEALER, XREP/ROUTER, REQ, REP and the
 * subscriber side.
 *
 * Runs on: API thread.
 */
import type { Pipe } from "../pipe/mod.ts";

/** Round-robin receiver over a set of pipes. */
export class FairQueue {
  readonly #pipes: Pipe[] = [];
  #next = 0;
  /** The pipe the last message came from. */
  last: Pipe | null = null;

  /** Adds a pipe to the rotation. */
  attach(pipe: Pipe): void {
    this.#pipes.push(pipe);
  }

  /** Removes a pipe. */
  detach(pipe: Pipe): void {
    const i = this.#pipes.indexOf(pipe);
    if (i < 0) return;
    this.#pipes.splice(i, 1);
    if (this.#next > i) this.#next--;
    if (this.#next >= this.#pipes.length) this.#next = 0;
  }

  /** The next whole message, or null if no pipe has one. */
  recv(): Uint8Array[] | null {
    const pipes = this.#pipes;
    const n = pipes.length;
    for (let k = 0; k < n; k++) {
      const i = (this.#next + k) % n;
      const msg = pipes[i].read();
      if (msg) {
        this.last = pipes[i];
        this.#next = (i + 1) % n;
        return msg;
      }
    }
    return null;
  }

  /** True if some pipe has a whole message. */
  hasIn(): boolean {
    for (const p of this.#pipes) if (p.checkRead()) return true;
    return false;
  }
}
