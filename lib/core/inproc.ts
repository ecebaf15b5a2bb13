/**
 * InprocNames: the context's table of bound `inproc://` names and the connects waiting
 * for a bind (an inproc connect may come first: docs/behaviour.md). A connect makes a pair
 * of in-memory pipes (lib/transports/inproc.ts) whose capacity combines both sides' HWMs;
 * it completes at once if the name is bound, or when the bind comes.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
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
}

/** Bound names and waiting connects of one context. */
export class InprocNames {
  readonly #bound = new Map<string, Binding>();
  readonly #pending = new Map<string, PendingConnect[]>();
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
        this.#complete(b, p.socket, p.near, p.far);
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
    if (!b) {
      near.peerIdentity = new Uint8Array(0);
      if (!s.attachPipe(near)) return 0;
      // The name is not bound yet: the connect completes when it is.
      s.monitorEvent({ type: "connect:delay", address: `inproc://${name}` });
      const list = this.#pending.get(name) ?? [];
      list.push({ socket: s, near, far, sndhwm: o.sndhwm, rcvhwm: o.rcvhwm });
      this.#pending.set(name, list);
      return 0;
    }
    near.peerIdentity = new Uint8Array(b.identity);
    near.peerType = b.socket.info.zmtpName;
    if (!s.attachPipe(near)) return 0;
    this.#complete(b, s, near, far);
    return 0;
  }

  /** `s` closed: its names are free again and its waiting connects are dropped. */
  release(s: SocketCore): void {
    for (const [name, b] of this.#bound) if (b.socket === s) this.#bound.delete(name);
    for (const [name, list] of this.#pending) {
      const rest = list.filter((p) => p.socket !== s);
      if (rest.length) this.#pending.set(name, rest);
      else this.#pending.delete(name);
    }
  }

  #complete(b: Binding, connector: SocketCore, near: InprocPipe, far: InprocPipe): void {
    near.peerIdentity = new Uint8Array(b.identity);
    near.peerType = b.socket.info.zmtpName;
    far.peerIdentity = new Uint8Array(connector.options.identity);
    far.peerType = connector.info.zmtpName;
    if (b.socket.closed || !b.socket.attachPipe(far)) {
      // Refused (e.g. a PAIR that already has its peer): the connector's pipe dies.
      near.terminate();
      connector.pipeGone(near);
      return;
    }
    const address = `inproc://${b.name}`;
    connector.monitorEvent({ type: "connect", address, remote: address });
    b.socket.monitorEvent({ type: "accept", address, remote: address });
  }
}
