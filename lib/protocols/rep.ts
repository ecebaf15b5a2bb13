/**
 * REP — the replying end of request/reply, in strict alternation.
 *
 * - Role: service that answers each request before taking the next.
 * - Peers: REQ, DEALER (XREQ).
 * - Receive: only when not in the middle of a reply (else EFSM). Requests are
 *   fair-queued over all peers. The leading parts up to and including the first empty
 *   part (the peer's identity, any routing parts added by devices, the delimiter) are
 *   kept as the reply route and hidden from the application; a request without an empty
 *   part followed by a body is dropped whole. After a request REP is in reply state.
 * - Send: only in reply state (else EFSM). The reply goes back along the saved route;
 *   it is dropped if that peer is gone or at its send HWM (the send still succeeds).
 *   Never blocks. Back to receiving after the reply.
 * - Options: XS_SNDHWM, XS_RCVHWM, XS_IDENTITY (announced to the peer).
 * - Wire header: the route and empty delimiter; connections exchange identity frames.
 * - Spec: docs/behaviour.md §4.1, §4.7 "REP", §8 traps 7 and 19; xs_socket(3).
 *
 * Runs on: API thread.
 */
import { EFSM, XS_REP } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import type { Protocol, ProtocolInfo } from "./protocol.ts";
import { XRep } from "./xrep.ts";

/** REP's identity. */
export const info: ProtocolInfo = {
  number: XS_REP,
  name: "REP",
  zmtpName: "REP",
  peers: ["REQ", "DEALER"],
  sendsIdentity: true,
  create: () => new Rep(),
};

/** The REP state machine over the XREP logic. */
export class Rep implements Protocol {
  readonly #raw = new XRep();
  /** The route of the request being answered; null when not in reply state. */
  #route: Uint8Array[] | null = null;

  accepts(pipe: Pipe): boolean {
    return this.#raw.accepts(pipe);
  }
  attach(pipe: Pipe): void {
    this.#raw.attach(pipe);
  }
  detach(pipe: Pipe): void {
    this.#raw.detach(pipe);
  }
  pipeUp(pipe: Pipe): void {
    this.#raw.pipeUp(pipe);
  }
  recv(): Uint8Array<ArrayBuffer>[] | number {
    if (this.#route) return EFSM;
    for (;;) {
      const msg = this.#raw.recv();
      if (typeof msg === "number") return msg;
      // Part 0 is the identity XREP put in front; the delimiter must come later and
      // be followed by a body (upstream aborts otherwise; we drop the request).
      let i = 1;
      while (i < msg.length && msg[i]!.length !== 0) i++;
      if (i >= msg.length - 1) continue;
      this.#route = msg.slice(0, i + 1);
      return msg.slice(i + 1);
    }
  }
  send(msg: Uint8Array[]): number {
    if (!this.#route) return EFSM;
    this.#raw.send([...this.#route, ...msg]);
    this.#route = null;
    return 0;
  }
  hasIn(): boolean {
    return this.#route === null && this.#raw.hasIn();
  }
  hasOut(): boolean {
    return this.#route !== null;
  }
  sendState(): number {
    return this.#route ? 0 : EFSM;
  }
  retained(): readonly Uint8Array[] {
    return this.#route ?? [];
  }
  recvState(): number {
    return this.#route ? EFSM : 0;
  }
}
