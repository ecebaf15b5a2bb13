/**
 * PUSH — the sending end of a pipeline.
 *
 * - Role: distributes messages to a pool of downstream workers.
 * - Peers: PULL.
 * - Send: round-robin over connected peers that are below their send HWM, one whole
 *   message each; blocks (EAGAIN under XS_DONTWAIT / XS_SNDTIMEO) when none has room,
 *   including when it only bound and nobody connected yet. A PUSH that connected has its
 *   pipe at once and queues up to XS_SNDHWM before the connection exists.
 * - Receive: not supported (ENOTSUP).
 * - Options: XS_SNDHWM. Wire header: none (the message as given).
 * - Spec: docs/behaviour.md §4.4, xs_socket(3) "XS_PUSH".
 *
 * Runs on: API thread.
 */
import { EAGAIN, ENOTSUP, XS_PUSH } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import { LoadBalancer } from "./_load_balancer.ts";
import type { Protocol, ProtocolInfo } from "./protocol.ts";

/** PUSH's identity. */
export const info: ProtocolInfo = {
  number: XS_PUSH,
  name: "PUSH",
  zmtpName: "PUSH",
  peers: ["PULL"],
  sendsIdentity: false,
  create: () => new Push(),
};

/** The PUSH state machine. */
export class Push implements Protocol {
  readonly #lb = new LoadBalancer();
  attach(pipe: Pipe): void {
    this.#lb.attach(pipe);
  }
  detach(pipe: Pipe): void {
    this.#lb.detach(pipe);
  }
  send(msg: Uint8Array[]): number {
    return this.#lb.send(msg) ? 0 : EAGAIN;
  }
  recv(): number {
    return ENOTSUP;
  }
  hasIn(): boolean {
    return false;
  }
  hasOut(): boolean {
    return this.#lb.hasOut();
  }
}
