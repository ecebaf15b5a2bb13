/**
 * RESPONDENT — answers each survey it receives, once.
 *
 * - Role: the cooked answering side of the survey pattern, over XRESPONDENT
 *   (xrespondent.ts).
 * - Peers: SURVEYOR, XSURVEYOR.
 * - Receive: fair-queued over all peers. Every part of a survey that is followed by
 *   more (the XRESPONDENT pipe id, the survey id, routing added by devices) is kept as
 *   the reply route; the last part is returned and the socket is in reply state.
 *   Receiving in reply state → EFSM (a survey cannot be skipped without replying).
 *   A peer's unread surveys are dropped when it disconnects.
 * - Send: outside reply state → EFSM; a multi-part reply (XS_SNDMORE on the C face)
 *   → EINVAL; else the reply follows the route back, or is dropped silently if that
 *   peer is gone or at its HWM, and reply state ends. Never blocks.
 * - Options: XS_SNDHWM, XS_RCVHWM. Wire header: the survey id, echoed.
 * - Spec: docs/behaviour.md §4.1, §4.8, §8 trap 7; docs/wire.md §2.4; upstream
 *   tests/survey.cpp (docs/upstream-tests.md §3.22).
 *
 * Runs on: API thread.
 */
import { EFSM, EINVAL, XS_RESPONDENT } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import type { Protocol, ProtocolInfo } from "./protocol.ts";
import { XRespondent } from "./xrespondent.ts";

/** RESPONDENT's identity. */
export const info: ProtocolInfo = {
  number: XS_RESPONDENT,
  name: "RESPONDENT",
  zmtpName: "RESPONDENT",
  peers: ["SURVEYOR", "XSURVEYOR"],
  sendsIdentity: false,
  create: () => new Respondent(),
};

/** The RESPONDENT state machine. */
export class Respondent implements Protocol {
  readonly #x = new XRespondent();
  /** The route of the survey being answered; null when not in reply state. */
  #route: Uint8Array[] | null = null;

  attach(pipe: Pipe): void {
    this.#x.attach(pipe);
  }
  detach(pipe: Pipe): void {
    this.#x.detach(pipe);
  }
  send(msg: Uint8Array[]): number {
    if (!this.#route) return EFSM;
    if (msg.length !== 1) return EINVAL;
    this.#x.send([...this.#route, msg[0]!]);
    this.#route = null;
    return 0;
  }
  recv(): Uint8Array<ArrayBuffer>[] | number {
    if (this.#route) return EFSM;
    const msg = this.#x.recv();
    if (typeof msg === "number") return msg;
    this.#route = msg.slice(0, -1);
    return [msg[msg.length - 1]!];
  }
  hasIn(): boolean {
    return !this.#route && this.#x.hasIn();
  }
  hasOut(): boolean {
    return this.#route !== null;
  }
  sendState(more: boolean): number {
    if (!this.#route) return EFSM;
    return more ? EINVAL : 0; // a response is one part (docs/behaviour.md §4.8)
  }
  recvState(): number {
    return this.#route ? EFSM : 0;
  }
  retained(): readonly Uint8Array[] {
    return this.#route ?? [];
  }
}
