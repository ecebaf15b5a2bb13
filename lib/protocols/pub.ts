/**
 * PUB — the publisher.
 *
 * - Role: distributes data to every subscriber whose subscription matches.
 * - Peers: SUB, XSUB.
 * - Send: the first part of each message selects every peer with a matching
 *   subscription (each once); the whole message goes to those. No match, or a peer at
 *   its send HWM: that copy is dropped and the send still succeeds. Never blocks, never
 *   EAGAIN; XS_POLLOUT always set. Subscriptions are read whenever the socket is used,
 *   so messages sent before a subscription arrived miss that subscriber (slow joiner).
 * - Receive: not supported (ENOTSUP); XS_POLLIN never set.
 * - Pipes made while XS_PROTOCOL is 1 (inproc: the connecting socket's), and pipes to a
 *   legacy (ZMTP/1.0) peer, are subscribed to everything.
 * - Options: XS_SNDHWM, XS_PROTOCOL. Wire header: none.
 * - Spec: docs/behaviour.md §4.1, §4.6, §8 traps 9, 18; docs/wire.md §2.3.
 *
 * Runs on: API thread.
 */
import { ENOTSUP, XS_PUB } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import type { Protocol, ProtocolHost, ProtocolInfo } from "./protocol.ts";
import { XPub } from "./xpub.ts";

/** PUB's identity. */
export const info: ProtocolInfo = {
  number: XS_PUB,
  name: "PUB",
  zmtpName: "PUB",
  peers: ["SUB", "XSUB"],
  sendsIdentity: false,
  subscriptions: "receives",
  create: (host) => new Pub(host),
};

/** The PUB state machine: XPUB logic that keeps its subscriptions to itself. */
export class Pub implements Protocol {
  readonly #xpub: XPub;
  constructor(host: ProtocolHost) {
    this.#xpub = new XPub(host, false);
  }
  attach(pipe: Pipe): void {
    this.#xpub.attach(pipe);
  }
  pipeUp(pipe: Pipe): void {
    this.#xpub.pipeUp(pipe);
  }
  detach(pipe: Pipe): void {
    this.#xpub.detach(pipe);
  }
  send(msg: Uint8Array[]): number {
    return this.#xpub.send(msg);
  }
  recv(): number {
    return ENOTSUP;
  }
  recvState(): number {
    return ENOTSUP;
  }
  hasIn(): boolean {
    return false;
  }
  hasOut(): boolean {
    return this.#xpub.hasOut();
  }
  retained(): readonly Uint8Array[] {
    return this.#xpub.retained();
  }
}
