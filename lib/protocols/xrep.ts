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
 * - Routing id on connect (extension XS_CONNECT_ROUTING_ID, libzmq's ZMQ_CONNECT_ROUTING_ID):
 *   a pipe made by a connect that was given one (`pipe.routingId`) is routed by it from the
 *   start and for its whole life; what its peer announces is ignored. The endpoint refuses
 *   a connect whose routing id is in use (`routes`), so it never takes over another peer.
 * - Send: the first part names the peer, the rest of the message goes to it. A message
 *   of one part (an address without MORE) is dropped, as is a message for an unknown
 *   identity or for a peer at its send HWM. Never blocks, never EAGAIN; a dropped
 *   message still counts as sent. With XS_ROUTER_MANDATORY (extension, libzmq's
 *   ZMQ_ROUTER_MANDATORY) a message for an unknown or departed peer fails whole with
 *   EHOSTUNREACH, and one for a peer at its HWM with EAGAIN (the socket waits, per
 *   XS_SNDTIMEO and XS_DONTWAIT); a lone address is still dropped, as in libzmq. It is
 *   then writable (`hasOut`) while some peer has room (libzmq: POLLOUT for any peer).
 * - Receive: fair-queued over all peers; the sending peer's identity comes first (with
 *   MORE), then the message as received.
 * - Options: XS_SNDHWM, XS_RCVHWM, XS_IDENTITY (announced to the peer), and the extensions
 *   XS_ROUTER_MANDATORY and XS_CONNECT_ROUTING_ID (XREP only; REP, built on it, has neither).
 * - Wire header: the identity part (local only); connections exchange identity frames.
 * - Spec: docs/behaviour.md §4.1, §4.7 "XREP (ROUTER)", §8 trap 20; xs_socket(3).
 *
 * Runs on: API thread.
 */
import { EAGAIN, EHOSTUNREACH, XS_XREP } from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import { FairQueue } from "./_fair_queue.ts";
import type { Protocol, ProtocolHost, ProtocolInfo } from "./protocol.ts";

/** XREP's identity (ROUTER in ZMTP/3 and in the idiomatic face). */
export const info: ProtocolInfo = {
  number: XS_XREP,
  name: "XREP",
  zmtpName: "ROUTER",
  peers: ["REQ", "DEALER", "ROUTER"],
  sendsIdentity: true,
  create: (host) => new XRep(host),
};

/** What XREP keeps per pipe (in `pipe.tag`). */
interface Route {
  /** The identity the pipe is routed by. */
  id: Uint8Array;
  /** `id` as a map key. */
  key: string;
  /** The `peerIdentity` object last looked at (it is replaced on each new connection). */
  seen: Uint8Array | null;
  /** Routed by the routing id given at connect (`pipe.routingId`): announcements ignored. */
  fixed: boolean;
}

/** The XREP state machine: a fair queue in, an identity table out. REP wraps it. */
export class XRep implements Protocol {
  readonly #fq = new FairQueue();
  readonly #pipes = new Set<Pipe>();
  readonly #routes = new Map<string, Pipe>();
  /** The next generated identity's counter (random start, as upstream). */
  #next = crypto.getRandomValues(new Uint32Array(1))[0]!;
  /** The socket's options (XS_ROUTER_MANDATORY); none for the XREP inside REP. */
  readonly #host: ProtocolHost | undefined;

  constructor(host?: ProtocolHost) {
    this.#host = host;
  }

  /** Refuses a peer whose announced (or given) identity is already routed to another pipe. */
  accepts(pipe: Pipe): boolean {
    const id = pipe.routingId?.length ? pipe.routingId : pipe.peerIdentity;
    return id.length === 0 || !this.#routes.has(keyOf(id));
  }

  attach(pipe: Pipe): void {
    const given = pipe.routingId;
    const fixed = given !== undefined && given.length > 0;
    let id: Uint8Array;
    if (fixed) {
      id = given.slice();
    } else {
      id = new Uint8Array(5);
      new DataView(id.buffer).setUint32(1, this.#next);
      this.#next = (this.#next + 1) >>> 0;
    }
    const route: Route = { id, key: keyOf(id), seen: null, fixed };
    pipe.tag = route;
    // A given routing id is free (`routes` was asked at connect), or held by an earlier pipe
    // of the same connect that is on its way out (a ws:// dial's reconnection): take it.
    this.#routes.set(route.key, pipe);
    this.#pipes.add(pipe);
    this.#identify(pipe);
    this.#fq.attach(pipe);
  }

  routes(id: Uint8Array): boolean {
    // Announcements are taken note of lazily: look at all of them first.
    for (const p of this.#pipes) this.#identify(p);
    return this.#routes.has(keyOf(id));
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
    const to = this.#target(msg[0]!, msg.length > 1);
    if (typeof to === "number") return to;
    // Dropped (null) or written whole: the send succeeds either way.
    to?.write(msg.slice(1));
    return 0;
  }

  sendable(first: Uint8Array, more: boolean): number {
    const to = this.#target(first, more);
    return typeof to === "number" ? to : 0;
  }

  /**
   * Where a message whose first part is `first` goes: the pipe to write it to, null if it is
   * dropped, or (XS_ROUTER_MANDATORY) the errno its send fails with.
   */
  #target(first: Uint8Array, more: boolean): Pipe | null | number {
    // An address with nothing after it is dropped (upstream: a first part without MORE),
    // whatever XS_ROUTER_MANDATORY says (as libzmq).
    if (!more) return null;
    const mandatory = this.#host?.options.routerMandatory === 1;
    // An address longer than any identity names nobody.
    const pipe = first.length > 255 ? undefined : this.#lookup(first);
    if (pipe === undefined) return mandatory ? EHOSTUNREACH : null;
    if (pipe.checkWrite()) return pipe;
    // Full, or its peer gone for good with unread messages left (libzmq: EHOSTUNREACH).
    if (!mandatory) return null;
    return pipe.terminated ? EHOSTUNREACH : EAGAIN;
  }

  #lookup(id: Uint8Array): Pipe | undefined {
    const key = keyOf(id);
    const pipe = this.#routes.get(key);
    if (pipe) return pipe;
    // An identity may have been announced since we last looked (e.g. an inproc connect
    // that waited for its bind): take note of all of them, then look again.
    for (const p of this.#pipes) this.#identify(p);
    return this.#routes.get(key);
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
    if (this.#host?.options.routerMandatory !== 1) return true;
    for (const p of this.#pipes) if (p.checkWrite()) return true;
    return false;
  }

  /** Routes `pipe` by its peer's announced identity, if any and not taken. */
  #identify(pipe: Pipe): void {
    const route = pipe.tag as Route;
    const announced = pipe.peerIdentity;
    if (route.fixed || route.seen === announced) return;
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
