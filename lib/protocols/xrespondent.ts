/**
 * XRESPONDENT — the raw answering side of the survey pattern (a device's front end).
 *
 * - Role: receives surveys from many surveyors and routes each response back to the
 *   peer it names, like XREP but with 4-byte ids and no identity frames.
 * - Peers: SURVEYOR, XSURVEYOR.
 * - Receive: fair-queued over all peers; each message is preceded by the 4-byte id of
 *   the pipe it came from (big-endian u32; the first pipe gets a random value, each
 *   later pipe the previous + 1). A peer's unread surveys are dropped as soon as it
 *   disconnects: its responses could not be routed anyway.
 * - Send: the first part that is exactly 4 bytes and followed by more parts names the
 *   peer; parts before it (wrong size, or the last part) are dropped, as upstream drops
 *   such a part and reads the next one as the address again. The parts after the id go
 *   to that peer as one message. An unknown id, a full peer, or a message without a
 *   usable id is dropped silently. Never blocks, never EAGAIN.
 * - Options: XS_SNDHWM, XS_RCVHWM. Wire header: none of its own (the id never leaves
 *   the socket); a SURVEYOR's survey arrives as [survey id 4 B][body].
 * - Spec: docs/behaviour.md §4.1, §4.8; docs/wire.md §2.4; upstream tests/survey.cpp
 *   (docs/upstream-tests.md §3.22).
 *
 * Runs on: API thread.
 */
import { EAGAIN, XS_XRESPONDENT } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import { FairQueue } from "./_fair_queue.ts";
import type { Protocol, ProtocolInfo } from "./protocol.ts";

/** XRESPONDENT's identity. */
export const info: ProtocolInfo = {
  number: XS_XRESPONDENT,
  name: "XRESPONDENT",
  zmtpName: "XRESPONDENT",
  peers: ["SURVEYOR", "XSURVEYOR"],
  sendsIdentity: false,
  create: () => new XRespondent(),
};

/** The XRESPONDENT state machine; RESPONDENT holds one (composition). */
export class XRespondent implements Protocol {
  readonly #fq = new FairQueue();
  /** Pipes by their u32 id; each pipe's `tag` holds its id. */
  readonly #byId = new Map<number, Pipe>();
  #nextId = Math.floor(Math.random() * 0x1_0000_0000) >>> 0;

  attach(pipe: Pipe): void {
    // After 2^32 pipes the counter could meet a live id: skip those.
    while (this.#byId.has(this.#nextId)) this.#nextId = (this.#nextId + 1) >>> 0;
    const id = this.#nextId;
    this.#nextId = (id + 1) >>> 0;
    pipe.tag = id;
    this.#byId.set(id, pipe);
    this.#fq.attach(pipe);
  }
  detach(pipe: Pipe): void {
    this.#fq.detach(pipe);
    if (this.#byId.get(pipe.tag as number) === pipe) this.#byId.delete(pipe.tag as number);
  }
  send(msg: Uint8Array[]): number {
    for (let i = 0; i < msg.length - 1; i++) {
      const part = msg[i]!;
      if (part.length !== 4) continue;
      const pipe = this.#byId.get(readU32(part));
      // Unknown peer or no room: dropped whole (upstream src/xrespondent.cpp).
      pipe?.write(msg.slice(i + 1));
      return 0;
    }
    return 0;
  }
  recv(): Uint8Array<ArrayBuffer>[] | number {
    this.#dropDisconnected();
    const msg = this.#fq.recv();
    if (!msg) return EAGAIN;
    return [u32(this.#fq.last!.tag as number), ...msg];
  }
  hasIn(): boolean {
    this.#dropDisconnected();
    return this.#fq.hasIn();
  }
  hasOut(): boolean {
    return true;
  }

  /**
   * Upstream sets `delay_on_disconnect = false`: what a gone peer sent and nobody read
   * is discarded. Emptying the pipe also lets the socket detach it (lib/core/socket.ts).
   */
  #dropDisconnected(): void {
    for (const p of this.#byId.values()) {
      if (p.terminated) { while (p.read()) { /* discard */ } }
    }
  }
}

/** A u32 as 4 big-endian bytes. */
function u32(n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
}

function readU32(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0);
}
