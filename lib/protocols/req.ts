/**
 * REQ — the requesting end of request/reply, in strict alternation.
 *
 * - Role: client that sends a request and waits for its reply.
 * - Peers: REP, ROUTER (XREP).
 * - Send: only when idle (else EFSM). The request goes out with an empty delimiter part
 *   in front, round-robin to the next peer below its send HWM; if none has room the send
 *   blocks (EAGAIN under XS_DONTWAIT / XS_SNDTIMEO) and the state does not change, so it
 *   can be retried. After the last part REQ awaits the reply.
 * - Receive: only while awaiting a reply (else EFSM). Replies are fair-queued and
 *   accepted from any peer (no request ids, no resend: a lost reply leaves REQ waiting
 *   until it is closed). A reply must start with an empty part followed by at least one
 *   more part; the delimiter is hidden from the application, and anything else is
 *   dropped whole (the call then reports EAGAIN, a blocking call keeps waiting).
 * - Options: XS_SNDHWM, XS_RCVHWM, XS_IDENTITY (announced to the peer).
 * - Wire header: empty delimiter part; connections exchange identity frames.
 * - Spec: docs/behaviour.md §4.1, §4.7 "REQ", §8 traps 6 and 19; xs_socket(3).
 *
 * Runs on: API thread.
 */
import { EFSM, XS_REQ } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import type { Protocol, ProtocolInfo } from "./protocol.ts";
import { XReq } from "./xreq.ts";

/** REQ's identity. */
export const info: ProtocolInfo = {
  number: XS_REQ,
  name: "REQ",
  zmtpName: "REQ",
  peers: ["REP", "ROUTER"],
  sendsIdentity: true,
  create: () => new Req(),
};

/** The REQ state machine over the XREQ logic. */
export class Req implements Protocol {
  readonly #raw = new XReq();
  /** True between the last part of a request and the last part of its reply. */
  #awaiting = false;

  attach(pipe: Pipe): void {
    this.#raw.attach(pipe);
  }
  detach(pipe: Pipe): void {
    this.#raw.detach(pipe);
  }
  send(msg: Uint8Array[]): number {
    if (this.#awaiting) return EFSM;
    const rc = this.#raw.send([new Uint8Array(0), ...msg]);
    if (rc === 0) this.#awaiting = true;
    return rc;
  }
  recv(): Uint8Array<ArrayBuffer>[] | number {
    if (!this.#awaiting) return EFSM;
    for (;;) {
      const msg = this.#raw.recv();
      if (typeof msg === "number") return msg;
      // A reply without its delimiter (or with nothing after it) is dropped whole.
      if (msg.length < 2 || msg[0]!.length !== 0) continue;
      this.#awaiting = false;
      return msg.slice(1);
    }
  }
  hasIn(): boolean {
    return this.#awaiting && this.#raw.hasIn();
  }
  hasOut(): boolean {
    return !this.#awaiting && this.#raw.hasOut();
  }
  sendState(): number {
    return this.#awaiting ? EFSM : 0;
  }
  recvState(): number {
    return this.#awaiting ? 0 : EFSM;
  }
}
