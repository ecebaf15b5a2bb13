/**
 * XREP (ROUTER) — the raw replier, which routes by peer identity.
 *
 * - Role: server that talks to many peers at once, or the front end of a device.
 * - Peers: REQ, DEALER (XREQ), ROUTER (XREP).
 * - Identities: every new peer gets a generated 5-byte identity, `00` + a big-endian
 *   u32 counter that starts at a random value and grows by one per peer. A peer that
 *   announces its own identity (ZMTP/3 READY `Identity`, the legacy identity frame, or
 *   the inproc peer's XS_IDENTITY) is known by that instead; an empty one keeps the
 *   generated identity. A peer announcing an identity already in use is refused: the
 *   NEW connection is closed, the old one keeps its identity.
 * - Send: the first part names the peer, the rest of the message goes to it. A message
 *   of one part (an address without MORE) is dropped, as is a message for an unknown
 *   identity or for a peer at its send HWM. Never blocks, never EAGAIN; a dropped
 *   message still counts as sent.
 * - Receive: fair-queued over all peers; the sending peer's identity comes first (with
 *   MORE), then the message as received.
 * - Options: XS_SNDHWM, XS_RCVHWM, XS_IDENTITY (announced to the peer).
 * - Wire header: the identity part (local only); connections exchange identity frames.
 * - Spec: docs/behaviour.md §4.1, §4.7 "XREP (ROUTER)", §8 trap 20; xs_socket(3).
 *
 * Runs on: API thread.
 */
import { EAGAIN, XS_XREP } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import { FairQueue } from "./_fair_queue.ts";
import type { Protocol, ProtocolInfo } from "./protocol.ts";

/** XREP's identity (ROUTER in ZMTP/3 and in the idiomatic face). */
export const info: ProtocolInfo = {
  number: XS_XREP,
  name: "XREP",
  zmtpName: "ROUTER",
  peers: ["REQ", "DEALER", "ROUTER"],
  sendsIdentity: true,
  create: () => new XRep(),
};

/** What XREP keeps per pipe (in `pipe.tag`). */
interface Route {
  /** The identity the pipe is routed by. */
  id: Uint8Array;
  /** `id` as a map key. */
  key: string;
  /** The `peerIdentity` object last looked at (it is replaced on each new connection). */
  seen: Uint8Array | null;
}

/** The XREP state machine: a fair queue in, an identity table out. REP wraps it. */
export class XRep implements Protocol {
  readonly #fq = new FairQueue();
  readonly #pipes = new Set<Pipe>();
  readonly #routes = new Map<string, Pipe>();
  /** The next generated identity's counter (random start, as upstream). */
  #next = crypto.getRandomValues(new Uint32Array(1))[0]!;

  /** Refuses a peer whose announced identity is already routed to another pipe. */
  accepts(pipe: Pipe): boolean {
    const id = pipe.peerIdentity;
    return id.length === 0 || !this.#routes.has(keyOf(id));
  }

  attach(pipe: Pipe): void {
    const id = new Uint8Array(5);
    new DataView(id.buffer).setUint32(1, this.#next);
    this.#next = (this.#next + 1) >>> 0;
    const route: Route = { id, key: keyOf(id), seen: null };
    pipe.tag = route;
    this.#routes.set(route.key, pipe);
    this.#pipes.add(pipe);
    this.#identify(pipe);
    this.#fq.attach(pipe);
  }

  detach(pipe: Pipe): void {
    const route = pipe.tag as Route | undefined;
    if (route && this.#routes.get(route.key) === pipe) this.#routes.delete(route.key);
    this.#pipes.delete(pipe);
    this.#fq.detach(pipe);
  }

  /** A connect-side pipe has a new connection, which may announce another identity. */
  pipeUp(pipe: Pipe): void {
    if (this.#pipes.has(pipe)) this.#identify(pipe);
  }

  send(msg: Uint8Array[]): number {
    // An address with nothing after it is dropped (upstream: a first part without MORE),
    // and so is one longer than any identity can be.
    if (msg.length < 2 || msg[0]!.length > 255) return 0;
    const key = keyOf(msg[0]!);
    let pipe = this.#routes.get(key);
    if (!pipe) {
      // An identity may have been announced since we last looked (e.g. an inproc
      // connect that waited for its bind): take note of all of them, then look again.
      for (const p of this.#pipes) this.#identify(p);
      pipe = this.#routes.get(key);
    }
    // Unknown peer or peer at its HWM: the whole message is dropped, the send succeeds.
    pipe?.write(msg.slice(1));
    return 0;
  }

  recv(): Uint8Array<ArrayBuffer>[] | number {
    const msg = this.#fq.recv();
    if (!msg) return EAGAIN;
    const pipe = this.#fq.last!;
    this.#identify(pipe);
    return [(pipe.tag as Route).id.slice(), ...msg];
  }

  hasIn(): boolean {
    return this.#fq.hasIn();
  }

  hasOut(): boolean {
    return true;
  }

  /** Routes `pipe` by its peer's announced identity, if any and not taken. */
  #identify(pipe: Pipe): void {
    const route = pipe.tag as Route;
    const announced = pipe.peerIdentity;
    if (route.seen === announced) return;
    route.seen = announced;
    if (announced.length === 0) return;
    const key = keyOf(announced);
    if (key === route.key || this.#routes.has(key)) return;
    if (this.#routes.get(route.key) === pipe) this.#routes.delete(route.key);
    route.id = announced.slice();
    route.key = key;
    this.#routes.set(key, pipe);
  }
}

/** An identity as a map key (identities are at most 255 bytes). */
function keyOf(id: Uint8Array): string {
  return String.fromCharCode(...id);
}
