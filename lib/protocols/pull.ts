/**
 * PULL — the receiving end of a pipeline.
 *
 * - Role: collects messages from a set of upstream PUSH sockets.
 * - Peers: PUSH.
 * - Send: not supported (ENOTSUP).
 * - Receive: fair-queued over all peers, one whole message per turn; messages received
 *   from a peer stay readable after that peer disconnects.
 * - Options: XS_RCVHWM. Wire header: none.
 * - Spec: docs/behaviour.md §4.4, xs_socket(3) "XS_PULL".
 *
 * Runs on: API thread.
 */
import { EAGAIN, ENOTSUP, XS_PULL } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import { FairQueue } from "./_fair_queue.ts";
import type { Protocol, ProtocolInfo } from "./protocol.ts";

/** PULL's identity. */
export const info: ProtocolInfo = {
  number: XS_PULL,
  name: "PULL",
  zmtpName: "PULL",
  peers: ["PUSH"],
  sendsIdentity: false,
  create: () => new Pull(),
};

/** The PULL state machine. */
export class Pull implements Protocol {
  readonly #fq = new FairQueue();
  attach(pipe: Pipe): void {
    this.#fq.attach(pipe);
  }
  detach(pipe: Pipe): void {
    this.#fq.detach(pipe);
  }
  send(): number {
    return ENOTSUP;
  }
  recv(): Uint8Array<ArrayBuffer>[] | number {
    return this.#fq.recv() ?? EAGAIN;
  }
  hasIn(): boolean {
    return this.#fq.hasIn();
  }
  hasOut(): boolean {
    return false;
  }
}
