/**
 * Rotation: the round-robin list of pipes that the load balancer (sending) and the fair
 * queue (receiving) turn through: pipes join at the end, and removing one keeps the turn
 * on the pipe that was next.
 *
 * Runs on: API thread.
 */
import type { Pipe } from "../pipe/mod.ts";

/** A round-robin list of pipes; subclasses walk `pipes` from `next`. */
export class Rotation {
  /** The pipes, in turn order. */
  protected readonly pipes: Pipe[] = [];
  /** Index of the pipe whose turn is next. */
  protected next = 0;

  /** Adds a pipe at the end of the rotation. */
  attach(pipe: Pipe): void {
    this.pipes.push(pipe);
  }

  /** Removes a pipe; the pipe that was next stays next. */
  detach(pipe: Pipe): void {
    const i = this.pipes.indexOf(pipe);
    if (i < 0) return;
    this.pipes.splice(i, 1);
    if (this.next > i) this.next--;
    if (this.next >= this.pipes.length) this.next = 0;
  }
}
