/**
 * Load balancer (libxs `lb`): round-robin of whole messages over the pipes that have
 * room; full pipes are skipped until they have room again. Used by PUSH, XREQ/DEALER
 * and REQ.
 *
 * Runs on: API thread.
 */
import { Rotation } from "./_rotation.ts";

/** Round-robin sender over a set of pipes. */
export class LoadBalancer extends Rotation {
  /** Writes `msg` to the next pipe with room; false if none has room. */
  send(msg: Uint8Array[]): boolean {
    const pipes = this.pipes;
    const n = pipes.length;
    for (let k = 0; k < n; k++) {
      const i = (this.next + k) % n;
      if (pipes[i]!.write(msg)) {
        this.next = (i + 1) % n;
        return true;
      }
    }
    return false;
  }

  /** True if some pipe has room. */
  hasOut(): boolean {
    for (const p of this.pipes) if (p.checkWrite()) return true;
    return false;
  }
}
