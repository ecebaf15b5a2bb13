/**
 * XREQ (DEALER) — the raw requester.
 *
 * - Role: asynchronous requests to a pool of repliers, or the back end of a device.
 * - Peers: REP, DEALER (XREQ), ROUTER (XREP).
 * - Send: round-robin over peers below their send HWM, one whole message each, sent as
 *   given (no envelope is added); blocks (EAGAIN under XS_DONTWAIT / XS_SNDTIMEO) when
 *   none has room, including when it only bound and nobody connected yet.
 * - Receive: fair-queued over all peers, one whole message per turn, as received (the
 *   peers' identity frames never reach the application).
 * - Options: XS_SNDHWM, XS_RCVHWM, XS_IDENTITY (announced to the peer).
 * - Wire header: none; connections exchange identity frames (ZMTP/3 READY `Identity`).
 * - Spec: docs/behaviour.md §4.1, §4.7 "XREQ (DEALER)", xs_socket(3) "XS_XREQ".
 *
 * Runs on: API thread.
 */
import { EAGAIN, XS_XREQ } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import { FairQueue } from "./_fair_queue.ts";
import { LoadBalancer } from "./_load_balancer.ts";
import type { Protocol, ProtocolInfo } from "./protocol.ts";

/** XREQ's identity (DEALER in ZMTP/3 and in the idiomatic face). */
export const info: ProtocolInfo = {
  number: XS_XREQ,
  name: "XREQ",
  zmtpName: "DEALER",
  peers: ["REP", "DEALER", "ROUTER"],
  sendsIdentity: true,
  create: () => new XReq(),
};

/** The XREQ state machine: a load balancer out, a fair queue in. REQ wraps it. */
export class XReq implements Protocol {
  readonly #lb = new LoadBalancer();
  readonly #fq = new FairQueue();
  attach(pipe: Pipe): void {
    this.#lb.attach(pipe);
    this.#fq.attach(pipe);
  }
  detach(pipe: Pipe): void {
    this.#lb.detach(pipe);
    this.#fq.detach(pipe);
  }
  send(msg: Uint8Array[]): number {
    return this.#lb.send(msg) ? 0 : EAGAIN;
  }
  recv(): Uint8Array<ArrayBuffer>[] | number {
    return this.#fq.recv() ?? EAGAIN;
  }
  hasIn(): boolean {
    return this.#fq.hasIn();
  }
  hasOut(): boolean {
    return this.#lb.hasOut();
  }
}
