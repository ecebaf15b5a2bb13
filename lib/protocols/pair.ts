/**
 * PAIR — an exclusive connection between exactly two sockets.
 *
 * - Role: bidirectional messaging with one peer.
 * - Peers: PAIR.
 * - Send: to the one peer; blocks (EAGAIN under XS_DONTWAIT / XS_SNDTIMEO) when there
 *   is no peer or it is at its HWM.
 * - Receive: from the one peer.
 * - Exclusivity: only the first pipe is kept; later ones are refused and closed at once
 *   (their connect still succeeds). Reconnects over tcp/ipc like every type.
 * - Options: XS_SNDHWM, XS_RCVHWM. Wire header: none.
 * - Spec: docs/behaviour.md §4.4, xs_socket(3) "XS_PAIR", upstream tests/pair_tcp.cpp
 *   (docs/upstream-tests.md §3.3).
 *
 * Runs on: API thread.
 */
import { EAGAIN, XS_PAIR } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import type { Protocol, ProtocolInfo } from "./protocol.ts";

/** PAIR's identity. */
export const info: ProtocolInfo = {
  number: XS_PAIR,
  name: "PAIR",
  zmtpName: "PAIR",
  peers: ["PAIR"],
  sendsIdentity: false,
  create: () => new Pair(),
};

/** The PAIR state machine. */
export class Pair implements Protocol {
  #pipe: Pipe | null = null;
  accepts(): boolean {
    return this.#pipe === null;
  }
  attach(pipe: Pipe): void {
    this.#pipe = pipe;
  }
  detach(pipe: Pipe): void {
    if (this.#pipe === pipe) this.#pipe = null;
  }
  send(msg: Uint8Array[]): number {
    return this.#pipe && this.#pipe.write(msg) ? 0 : EAGAIN;
  }
  recv(): Uint8Array<ArrayBuffer>[] | number {
    return this.#pipe?.read() ?? EAGAIN;
  }
  hasIn(): boolean {
    return this.#pipe !== null && this.#pipe.checkRead();
  }
  hasOut(): boolean {
    return this.#pipe !== null && this.#pipe.checkWrite();
  }
}
