/**
 * XSUB — the raw subscriber: subscriptions are messages the application sends.
 *
 * - Role: the subscribing end of a pub/sub forwarder (with an XPUB), or a subscriber
 *   that builds its own subscription messages.
 * - Peers: PUB, XPUB.
 * - Send: subscription messages only, one part each: `[u16 BE cmd 1=subscribe|
 *   2=unsubscribe][u16 BE filter id][body]`; anything else → EINVAL. They are counted
 *   per (filter id, body): only the first subscribe and the last unsubscribe go to every
 *   upstream peer; an unsubscribe of something not subscribed is swallowed. A peer at
 *   its send HWM misses it. Never blocks; XS_POLLOUT always set.
 * - Receive: fair-queued over all peers, whole messages as published.
 * - Every new peer gets the whole current set at once, and again whenever its
 *   connection is re-made (the engine drops unsent subscription bytes with the old
 *   connection). Pipes made while XS_PROTOCOL is 1 get no subscriptions at all; an
 *   inproc pipe has the connecting socket's XS_PROTOCOL on both ends (upstream pipepair).
 * - Options: XS_SNDHWM (default 0), XS_RCVHWM, XS_LINGER (default 0), XS_PROTOCOL.
 *   Wire header: none (the engine turns subscriptions into the peer's dialect).
 * - Spec: docs/behaviour.md §4.1, §4.5, §4.6, §8 traps 10, 16; docs/wire.md §2.3.
 *
 * Runs on: API thread.
 */
import { EAGAIN, EINVAL, XS_XSUB } from "../constants.ts";
import { CMD_SUBSCRIBE, encodeSubscription, parseSubscription, type Pipe } from "../pipe/mod.ts";
import { Distributor } from "./_distributor.ts";
import { FairQueue } from "./_fair_queue.ts";
import { bytesKey } from "./_subscriptions.ts";
import type { Protocol, ProtocolHost, ProtocolInfo } from "./protocol.ts";

/** XSUB's identity. */
export const info: ProtocolInfo = {
  number: XS_XSUB,
  name: "XSUB",
  zmtpName: "XSUB",
  peers: ["PUB", "XPUB"],
  sendsIdentity: false,
  subscriptions: "sends",
  defaults: { sndhwm: 0, linger: 0 },
  create: (host) => new XSub(host),
};

/** One counted subscription. */
interface Entry {
  readonly filter: number;
  readonly body: Uint8Array;
  count: number;
}

/** The XSUB state machine; SUB is built on it. */
export class XSub implements Protocol {
  readonly #host: ProtocolHost;
  readonly #fq = new FairQueue();
  readonly #dist = new Distributor();
  /**
   * Pipes of protocol version 1 (attached while XS_PROTOCOL was 1, or inproc pipes whose
   * connecting side had it): no subscriptions ever go there.
   */
  readonly #protocol1 = new Set<Pipe>();
  /** Subscriptions by (filter id, body); keys sort as upstream's std::map. */
  readonly #subs = new Map<string, Entry>();

  constructor(host: ProtocolHost) {
    this.#host = host;
  }

  attach(pipe: Pipe): void {
    this.#fq.attach(pipe);
    // An inproc pipe carries the connecting side's version for both ends (Pipe.protocol).
    if ((pipe.protocol ?? this.#host.options.protocol) === 1) {
      this.#protocol1.add(pipe);
      return;
    }
    this.#dist.attach(pipe);
    this.#sendAll(pipe);
  }

  pipeUp(pipe: Pipe): void {
    // Only a re-made connection lost its unsent subscriptions (the engine drops them);
    // the first one carries the set written at attach.
    if (pipe.connections > 1 && !this.#protocol1.has(pipe)) this.#sendAll(pipe);
  }

  detach(pipe: Pipe): void {
    this.#fq.detach(pipe);
    this.#dist.detach(pipe);
    this.#protocol1.delete(pipe);
  }

  send(msg: Uint8Array[]): number {
    const sub = msg.length === 1 ? parseSubscription(msg[0]!) : null;
    if (!sub) return EINVAL;
    const key = String.fromCharCode(sub.filter >> 8, sub.filter & 255) + bytesKey(sub.body);
    const e = this.#subs.get(key);
    if (sub.cmd === CMD_SUBSCRIBE) {
      if (e) {
        e.count++;
        return 0;
      }
      this.#subs.set(key, { filter: sub.filter, body: sub.body.slice(), count: 1 });
    } else {
      if (!e || --e.count > 0) return 0;
      this.#subs.delete(key);
    }
    this.#dist.sendToAll(msg);
    return 0;
  }

  recv(): Uint8Array<ArrayBuffer>[] | number {
    return this.#fq.recv() ?? EAGAIN;
  }

  hasIn(): boolean {
    return this.#fq.hasIn();
  }

  hasOut(): boolean {
    return true;
  }

  /** Writes the whole current set into `pipe`, in (filter id, body) order. */
  #sendAll(pipe: Pipe): void {
    const keys = [...this.#subs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const k of keys) {
      const e = this.#subs.get(k)!;
      // At the send HWM the subscription is dropped for this pipe, as upstream does.
      pipe.write([encodeSubscription(CMD_SUBSCRIBE, e.filter, e.body)]);
    }
    pipe.flush();
  }
}
