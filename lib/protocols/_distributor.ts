/**
 * Distributor (libxs `dist`): hands one whole message to each selected pipe. A pipe
 * that is full (at its send HWM) when the message comes is skipped for that message;
 * nothing ever blocks and the send always succeeds. Used by PUB/XPUB (the matching
 * pipes) and XSUB (its subscriptions to every upstream pipe).
 *
 * Messages are whole here, so "full at the first part" and "full at the message" are
 * the same thing. tcp/ipc pipes copy the bytes into shared memory; inproc pipes hand
 * the very array to the peer, so with several recipients each inproc one gets its own
 * copy (upstream shares one refcounted buffer read-only; JavaScript cannot enforce
 * read-only). Parts made by `xs_msg_init_data` are the exception: every recipient shares
 * them by reference, each pipe holding a reference (lib/pipe/shared_content.ts), as
 * upstream does (docs/behaviour.md §10.17).
 *
 * Spec: docs/behaviour.md §4.3 "dist".
 *
 * Runs on: API thread.
 */
import { contentOf, type Pipe } from "../pipe/mod.ts";

/** Fan-out of whole messages over a set of pipes. */
export class Distributor {
  readonly #pipes: Pipe[] = [];

  /** Adds a pipe. */
  attach(pipe: Pipe): void {
    this.#pipes.push(pipe);
  }

  /** Removes a pipe. */
  detach(pipe: Pipe): void {
    const i = this.#pipes.indexOf(pipe);
    if (i >= 0) this.#pipes.splice(i, 1);
  }

  /** Every attached pipe, in attach order. */
  get pipes(): readonly Pipe[] {
    return this.#pipes;
  }

  /** Writes `msg` to every pipe in `to` (each once) that has room; returns how many took it. */
  sendTo(msg: Uint8Array[], to: readonly Pipe[]): number {
    let sent = 0;
    for (const p of to) {
      // An inproc peer reads this very array: with several recipients it gets a copy.
      const m = to.length > 1 && p.peerVersion === "inproc" ? copied(msg) : msg;
      // Each pipe publishes at the end of the burst by itself (RingPipe), not per message.
      if (p.write(m)) sent++;
    }
    return sent;
  }

  /** Writes `msg` to every attached pipe that has room. */
  sendToAll(msg: Uint8Array[]): number {
    return this.sendTo(msg, this.#pipes);
  }
}

/** A copy of `msg` for one inproc recipient: registered content stays shared. */
function copied(msg: Uint8Array[]): Uint8Array[] {
  return msg.map((part) => contentOf(part) ? part : part.slice());
}
