/**
 * InprocNames: the context's table of bound `inproc://` names and the connects waiting
 * for a bind (an inproc connect may come first: docs/behaviour.md). A connect makes a pair
 * of in-memory pipes (lib/transports/inproc.ts) whose capacity combines both sides' HWMs;
 * it completes at once if the name is bound, or when the bind comes.
 *
 * As upstream's inproc connect (src/socket_base.cpp `connect`, `pipepair`):
 * - the pipe's `XS_PROTOCOL` is the connecting socket's at its connect, for both ends;
 * - an identity-sending socket (REQ, REP, XREQ, XREP: `sendsIdentity`) announces its
 *   `XS_IDENTITY` (the binder's as of its bind, the connector's as of its connect). To
 *   another identity-sending socket it is the pipe's `peerIdentity`; to any other type it
 *   is a first single-part message, which that socket receives as an ordinary message
 *   (upstream aborts on it there; over tcp it arrives as a message, docs/behaviour.md
 *   §10.4). A socket that sends no identity announces none: its `XS_IDENTITY` is ignored.
 *
 * It also keeps each connect's pair of pipes, for `xs_disconnect` (libzmq's zmq_disconnect:
 * the connector's end goes at once, the binder reads what is queued for it, then its end
 * goes too), and `xs_unbind` frees a bound name (the connections made through it stay, as
 * in libzmq). A socket reaches its context's table through `SocketCore.inprocEnds`, which
 * its first inproc bind or connect sets.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import type { Pipe } from "../pipe/mod.ts";
import { combinedHwm, InprocPipe } from "../transports/inproc.ts";
import type { SocketCore } from "./socket.ts";

interface Binding {
  socket: SocketCore;
  /** The bound name (for events). */
  name: string;
  sndhwm: number;
  rcvhwm: number;
  identity: Uint8Array;
}

interface PendingConnect {
  socket: SocketCore;
  far: InprocPipe;
  near: InprocPipe;
  sndhwm: number;
  rcvhwm: number;
  /** The connector's identity at its connect. */
  identity: Uint8Array;
}

/** One inproc connect of a socket: its pipes, and the bound socket once there is one. */
interface Connection {
  /** The connecting socket. */
  socket: SocketCore;
  name: string;
  /** The connector's end. */
  near: InprocPipe;
  /** The binder's end. */
  far: InprocPipe;
  /** The bound socket that took `far`; null while the connect waits for the bind. */
  binder: SocketCore | null;
}

/** Bound names and waiting connects of one context. */
export class InprocNames {
  readonly #bound = new Map<string, Binding>();
  readonly #pending = new Map<string, PendingConnect[]>();
  /** Every live inproc connect, by its connector's end, for `disconnect`. */
  readonly #connections = new Map<InprocPipe, Connection>();
  readonly #nextId: () => number;
  readonly #kick: () => void;

  /**
   * @param nextId the context's next pipe id
   * @param kick called on pipe activity (the context re-tries waiting operations)
   */
  constructor(nextId: () => number, kick: () => void) {
    this.#nextId = nextId;
    this.#kick = kick;
  }

  /** True if `name` is bound. */
  isBound(name: string): boolean {
    return this.#bound.has(name);
  }

  /** The socket bound at `name`, if any. */
  ownerOf(name: string): SocketCore | undefined {
    return this.#bound.get(name)?.socket;
  }

  /** Binds `name` for `s`: 0 or EADDRINUSE. Connects waiting for the name complete. */
  bind(s: SocketCore, name: string): number {
    if (this.#bound.has(name)) return C.EADDRINUSE;
    s.inprocEnds = this;
    const b: Binding = {
      socket: s,
      name,
      sndhwm: s.options.sndhwm,
      rcvhwm: s.options.rcvhwm,
      identity: new Uint8Array(s.options.identity),
    };
    this.#bound.set(name, b);
    s.monitorEvent({ type: "listening", address: `inproc://${name}` });
    const pending = this.#pending.get(name);
    if (pending) {
      this.#pending.delete(name);
      for (const p of pending) {
        if (p.socket.closed) continue;
        p.near.setCapacity(combinedHwm(p.sndhwm, b.rcvhwm), combinedHwm(p.rcvhwm, b.sndhwm));
        this.#complete(b, p.socket, p.near, p.far, p.identity);
      }
    }
    return 0;
  }

  /** Connects `s` to `name`: 0. Before the bind, the pipe waits for it. */
  connect(s: SocketCore, name: string): number {
    const b = this.#bound.get(name);
    const o = s.options;
    const [near, far] = InprocPipe.pair(
      this.#nextId(),
      this.#nextId(),
      b ? combinedHwm(o.sndhwm, b.rcvhwm) : o.sndhwm,
      b ? combinedHwm(o.rcvhwm, b.sndhwm) : o.rcvhwm,
    );
    near.onActivity = this.#kick;
    far.onActivity = this.#kick;
    near.peerVersion = far.peerVersion = "inproc";
    // Both ends use the connecting side's XS_PROTOCOL, whichever order (upstream pipepair).
    near.protocol = far.protocol = o.protocol;
    const identity = new Uint8Array(o.identity);
    // A ROUTER's connect routing id (XS_CONNECT_ROUTING_ID) names the pipe from the start.
    const rid = s.inprocRoutingId;
    if (rid !== undefined) (near as Pipe).routingId = rid.slice();
    s.inprocEnds = this;
    const conn: Connection = { socket: s, name, near, far, binder: null };
    if (!b) {
      near.peerIdentity = new Uint8Array(0);
      if (!this.#attach(s, near)) return 0;
      this.#connections.set(near, conn);
      // The name is not bound yet: the connect completes when it is.
      s.monitorEvent({ type: "connect:delay", address: `inproc://${name}` });
      const list = this.#pending.get(name) ?? [];
      list.push({ socket: s, near, far, sndhwm: o.sndhwm, rcvhwm: o.rcvhwm, identity });
      this.#pending.set(name, list);
      return 0;
    }
    near.peerIdentity = b.socket.info.sendsIdentity
      ? new Uint8Array(b.identity)
      : new Uint8Array(0);
    near.peerType = b.socket.info.zmtpName;
    if (!this.#attach(s, near)) return 0;
    this.#connections.set(near, conn);
    this.#complete(b, s, near, far, identity);
    return 0;
  }

  /**
   * `xs_unbind` of `inproc://name` on `s`: 0, or ENOENT if `s` has not bound `name`. The name
   * is free again; the connections made through it stay (libzmq's zmq_unbind).
   */
  unbind(s: SocketCore, name: string): number {
    if (this.#bound.get(name)?.socket !== s) return C.ENOENT;
    this.#bound.delete(name);
    return 0;
  }

  /**
   * `xs_disconnect` of `inproc://name` on `s`: 0, or ENOENT if `s` has no connection to
   * `name`. Every connect of `s` to `name` ends (libzmq's zmq_disconnect).
   */
  disconnect(s: SocketCore, name: string): number {
    const mine = [...this.#connections.values()].filter((c) => c.socket === s && c.name === name);
    if (mine.length === 0) return C.ENOENT;
    for (const c of mine) {
      this.#connections.delete(c.near);
      if (c.binder === null) {
        const rest = (this.#pending.get(name) ?? []).filter((p) => p.near !== c.near);
        if (rest.length) this.#pending.set(name, rest);
        else this.#pending.delete(name);
        // Nobody will read what it queued for a bind that never came: release it.
        c.far.discardInbound();
      } else {
        // The binder reads what is queued for it, then lets go of its end.
        c.far.terminate();
        c.binder.pipeGone(c.far);
      }
      // Our end goes at once, with what it had not read (libzmq: a terminated pipe reads none).
      c.near.terminate();
      c.near.discardInbound();
      s.dropPipe(c.near);
    }
    return 0;
  }

  /** `s` closed: its names are free again and its waiting connects are dropped. */
  release(s: SocketCore): void {
    for (const [name, b] of this.#bound) if (b.socket === s) this.#bound.delete(name);
    // Its connections end with it, from either side (their pipes go the way close takes).
    for (const c of this.#connections.values()) {
      if (c.socket === s || c.binder === s) this.#connections.delete(c.near);
    }
    for (const [name, list] of this.#pending) {
      const rest = list.filter((p) => p.socket !== s);
      if (rest.length) this.#pending.set(name, rest);
      else this.#pending.delete(name);
    }
  }

  /** Attaches `pipe` to `s`, which owns what it reads from it (already while attaching). */
  #attach(s: SocketCore, pipe: InprocPipe): boolean {
    pipe.holder = s;
    if (s.attachPipe(pipe)) return true;
    pipe.holder = null;
    return false;
  }

  #complete(
    b: Binding,
    connector: SocketCore,
    near: InprocPipe,
    far: InprocPipe,
    identity: Uint8Array,
  ): void {
    const cSends = connector.info.sendsIdentity, bSends = b.socket.info.sendsIdentity;
    near.peerIdentity = bSends ? new Uint8Array(b.identity) : new Uint8Array(0);
    near.peerType = b.socket.info.zmtpName;
    far.peerIdentity = cSends ? identity : new Uint8Array(0);
    far.peerType = connector.info.zmtpName;
    // An identity for a socket that takes none is a message, ahead of anything queued
    // (the connector's identity before what it sent while waiting for the bind).
    if (cSends && !bSends) near.writeFirst([identity]);
    if (bSends && !cSends) far.writeFirst([new Uint8Array(b.identity)]);
    const conn = this.#connections.get(near);
    if (conn) conn.binder = b.socket;
    if (b.socket.closed || !this.#attach(b.socket, far)) {
      this.#connections.delete(near);
      // Refused (e.g. a PAIR that already has its peer): the connector's pipe dies, and
      // what it queued for the binder is dropped.
      far.discardInbound();
      near.terminate();
      connector.pipeGone(near);
      return;
    }
    const address = `inproc://${b.name}`;
    connector.monitorEvent({ type: "connect", address, remote: address });
    b.socket.monitorEvent({ type: "accept", address, remote: address });
  }
}
