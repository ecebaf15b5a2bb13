/**
 * Fair queue (libxs `fq`): takes one whole message per turn from each pipe that has
 * one, round-robin. Used by PULL, XREQ/DEALER, XREP/ROUTER, REQ, REP and the
 * subscriber side.
 *
 * Runs on: API thread.
 */
import type { Pipe } from "../pipe/mod.ts";
import { Rotation } from "./_rotation.ts";

/** Round-robin receiver over a set of pipes. */
export class FairQueue extends Rotation {
  /** The pipe the last message came from. */
  last: Pipe | null = null;

  /** The next whole message, or null if no pipe has one. */
  recv(): Uint8Array<ArrayBuffer>[] | null {
    const pipes = this.pipes;
    const n = pipes.length;
    for (let k = 0; k < n; k++) {
      const i = (this.next + k) % n;
      const pipe = pipes[i]!;
      const msg = pipe.read();
      if (msg) {
        this.last = pipe;
        this.next = (i + 1) % n;
        return msg;
      }
    }
    return null;
  }

  /** True if some pipe has a whole message. */
  hasIn(): boolean {
    for (const p of this.pipes) if (p.checkRead()) return true;
    return false;
  }
}
