/**
 * XSURVEYOR — the raw asking side of the survey pattern (a device's back end).
 *
 * - Role: broadcasts surveys to every respondent and collects whatever comes back,
 *   with no survey ids or deadlines of its own (SURVEYOR adds those, surveyor.ts).
 * - Peers: RESPONDENT, XRESPONDENT.
 * - Send: every whole message goes to every peer (dist); a peer at its send HWM
 *   silently misses that message. Never blocks, never EAGAIN; with no peer the message
 *   is dropped and the send still succeeds.
 * - Receive: fair-queued over all peers, whole messages as they came (no envelope).
 *   Messages received from a peer stay readable after that peer disconnects.
 * - Options: XS_SNDHWM, XS_RCVHWM; XS_SURVEY_TIMEOUT is refused with ENOTSUP (only
 *   SURVEYOR has it, upstream src/options.cpp). Wire header: none.
 * - Close: surveys not yet sent are discarded whatever XS_LINGER says (upstream
 *   `delay_on_close = false`; `dropsOnClose`), so a dead respondent never holds up
 *   xs_term. XS_LINGER still reads back as set.
 * - Spec: docs/behaviour.md §4.1, §4.8; docs/wire.md §2.4; xs_socket(3) "XS_XSURVEYOR".
 *
 * Runs on: API thread.
 */
import { EAGAIN, XS_XSURVEYOR } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import { Distributor } from "./_distributor.ts";
import { FairQueue } from "./_fair_queue.ts";
import type { Protocol, ProtocolInfo } from "./protocol.ts";

/** XSURVEYOR's identity. */
export const info: ProtocolInfo = {
  number: XS_XSURVEYOR,
  name: "XSURVEYOR",
  zmtpName: "XSURVEYOR",
  peers: ["RESPONDENT", "XRESPONDENT"],
  sendsIdentity: false,
  dropsOnClose: true,
  create: () => new XSurveyor(),
};

/** The XSURVEYOR state machine; SURVEYOR holds one (composition). */
export class XSurveyor implements Protocol {
  readonly #fq = new FairQueue();
  readonly #dist = new Distributor();
  attach(pipe: Pipe): void {
    this.#fq.attach(pipe);
    this.#dist.attach(pipe);
  }
  detach(pipe: Pipe): void {
    this.#fq.detach(pipe);
    this.#dist.detach(pipe);
  }
  send(msg: Uint8Array[]): number {
    // Every peer with room gets it; a full one misses it (libxs dist.send_to_all).
    this.#dist.sendToAll(msg);
    return 0;
  }
  recv(): Uint8Array<ArrayBuffer>[] | number {
    return this.#fq.recv() ?? EAGAIN;
  }
  hasIn(): boolean {
    return this.#fq.hasIn();
  }
  hasOut(): boolean {
    return true;
  }
}
