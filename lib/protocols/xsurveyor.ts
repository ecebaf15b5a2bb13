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
 *   SURVEYOR has it, src/options.cpp). Wire header: none.
 * - Close: upstream discards unsent surveys whatever XS_LINGER says
 *   (`delay_on_close = false`); here XS_LINGER applies (see the report of issue 3).
 * - Spec: crossroads-behavior.md §4.1, §4.8; wire.md 2.4; xs_socket(3) "XS_XSURVEYOR".
 *
 * Runs on: API thread.
 */
import { EAGAIN, XS_XSURVEYOR } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
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
  readonly #out: Pipe[] = [];
  attach(pipe: Pipe): void {
    this.#fq.attach(pipe);
    this.#out.push(pipe);
  }
  detach(pipe: Pipe): void {
    this.#fq.detach(pipe);
    const i = this.#out.indexOf(pipe);
    if (i >= 0) this.#out.splice(i, 1);
  }
  send(msg: Uint8Array[]): number {
    distribute(this.#out, msg);
    return 0;
  }
  recv(): Uint8Array[] | number {
    return this.#fq.recv() ?? EAGAIN;
  }
  hasIn(): boolean {
    return this.#fq.hasIn();
  }
  hasOut(): boolean {
    return true;
  }
}

/**
 * libxs `dist.send_to_all` for whole messages: each pipe with room gets the message,
 * full ones are skipped. An inproc peer receives the parts themselves and owns them
 * (pipe.ts), so when several peers get one message every inproc peer gets its own copy.
 */
function distribute(pipes: readonly Pipe[], msg: Uint8Array[]): void {
  if (pipes.length === 1) {
    pipes[0].write(msg);
    return;
  }
  for (const p of pipes) {
    p.write(p.peerVersion === "inproc" ? msg.map((part) => part.slice()) : msg);
  }
}
