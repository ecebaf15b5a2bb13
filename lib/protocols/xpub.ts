/**
 * XPUB — the raw publisher: PUB that shows its subscriptions to the application.
 *
 * - Role: the publishing end of a pub/sub forwarder (with an XSUB), or a publisher that
 *   wants to know what is subscribed.
 * - Peers: SUB, XSUB.
 * - Send: the first part of each message selects every pipe with a matching
 *   subscription (prefix or topic filter, each pipe once); the whole message goes to
 *   those. No match: dropped. A pipe at its send HWM misses that message. Never blocks,
 *   never EAGAIN; XS_POLLOUT always set.
 * - Receive: subscription messages, one part each: `[u16 BE cmd 1|2][u16 BE filter id]
 *   [body]`. Prefix filter: a subscribe only when it is the first for that body from any
 *   peer, an unsubscribe when the last one goes (also when a peer disconnects). Topic
 *   filter: every subscribe, an unsubscribe only when it matched no entry, nothing on a
 *   disconnect (upstream quirks). EAGAIN when none is pending.
 * - Subscriptions are read from the pipes whenever the socket is used (send, receive,
 *   polling), so a message sent before a subscription was read misses it (slow joiner).
 *   Malformed ones (< 4 bytes, a command other than 1/2, an unknown filter id, an
 *   unsubscribe for a filter never used) are skipped and reading goes on.
 * - Pipes made while XS_PROTOCOL is 1, and pipes to a legacy (ZMTP/1.0) peer, are
 *   subscribed to everything without telling the application. An inproc pipe has the
 *   connecting socket's XS_PROTOCOL on both ends (upstream pipepair).
 * - Options: XS_SNDHWM, XS_RCVHWM, XS_PROTOCOL. Wire header: none.
 * - Spec: docs/behaviour.md §4.1, §4.5, §4.6, §8 traps 9, 16; docs/wire.md §2.3.
 *
 * Runs on: API thread.
 */
import { EAGAIN, XS_XPUB } from "../constants.ts";
import {
  CMD_SUBSCRIBE,
  CMD_UNSUBSCRIBE,
  encodeSubscription,
  FILTER_PREFIX,
  FILTER_TOPIC,
  parseSubscription,
  type Pipe,
} from "../pipe/mod.ts";
import { Distributor } from "./_distributor.ts";
import { PrefixFilter, TopicFilter } from "./_subscriptions.ts";
import type { Protocol, ProtocolHost, ProtocolInfo } from "./protocol.ts";

/** XPUB's identity. */
export const info: ProtocolInfo = {
  number: XS_XPUB,
  name: "XPUB",
  zmtpName: "XPUB",
  peers: ["SUB", "XSUB"],
  sendsIdentity: false,
  subscriptions: "receives",
  create: (host) => new XPub(host),
};

/** The XPUB state machine; PUB runs it with `report` false. */
export class XPub implements Protocol {
  readonly #host: ProtocolHost;
  readonly #report: boolean;
  readonly #dist = new Distributor();
  /** Pipes of protocol version 1 (Pipe.protocol, else XS_PROTOCOL at attach; fixed). */
  readonly #protocol1 = new Set<Pipe>();
  /** Pipes subscribed to everything silently (XS_PROTOCOL 1 or a legacy peer). */
  readonly #all = new Set<Pipe>();
  readonly #prefix = new PrefixFilter<Pipe>();
  readonly #topic = new TopicFilter<Pipe>();
  #prefixUsed = false;
  #topicUsed = false;
  /** Subscription messages waiting for the application. */
  readonly #pending: Uint8Array<ArrayBuffer>[] = [];
  /**
   * The recipients of every message while they do not depend on its bytes (no topic
   * pattern, no prefix but the empty one): worked out once instead of per message (a Set, a
   * closure and a key per message were a fifth of a publisher's thread). Dropped whenever
   * pipes or subscriptions change.
   */
  #everyone: Pipe[] | null = null;

  /** `report`: queue subscriptions for `recv` (XPUB) or not (PUB). */
  constructor(host: ProtocolHost, report = true) {
    this.#host = host;
    this.#report = report;
  }

  attach(pipe: Pipe): void {
    this.#everyone = null;
    this.#dist.attach(pipe);
    // An inproc pipe carries the connecting side's version for both ends (Pipe.protocol).
    if ((pipe.protocol ?? this.#host.options.protocol) === 1) {
      this.#protocol1.add(pipe);
      this.#all.add(pipe);
    } else if (pipe.peerVersion === "1.0" || pipe.peerVersion === "zmtp1") {
      this.#all.add(pipe);
    }
    this.#read(pipe);
  }

  pipeUp(pipe: Pipe): void {
    if (this.#protocol1.has(pipe)) return;
    this.#everyone = null;
    // A connect-side pipe may now face a legacy peer, or no longer.
    if (pipe.peerVersion === "1.0" || pipe.peerVersion === "zmtp1") this.#all.add(pipe);
    else this.#all.delete(pipe);
  }

  detach(pipe: Pipe): void {
    this.#everyone = null;
    this.#dist.detach(pipe);
    this.#protocol1.delete(pipe);
    this.#all.delete(pipe);
    for (const body of this.#prefix.removeAll(pipe)) {
      if (this.#report) {
        this.#pending.push(encodeSubscription(CMD_UNSUBSCRIBE, FILTER_PREFIX, body));
      }
    }
    this.#topic.removeAll(pipe);
  }

  send(msg: Uint8Array[]): number {
    this.#readAll();
    let to = this.#everyone;
    if (to === null) {
      const set = new Set<Pipe>(this.#all);
      const hit = (p: Pipe) => set.add(p);
      this.#prefix.match(msg[0]!, hit);
      this.#topic.match(msg[0]!, hit);
      to = [...set];
      if (this.#topic.size === 0 && this.#prefix.onlyEmpty) this.#everyone = to;
    }
    if (to.length) this.#dist.sendTo(msg, to);
    return 0;
  }

  recv(): Uint8Array<ArrayBuffer>[] | number {
    this.#readAll();
    const m = this.#pending.shift();
    return m ? [m] : EAGAIN;
  }

  hasIn(): boolean {
    this.#readAll();
    return this.#pending.length > 0;
  }

  hasOut(): boolean {
    this.#readAll();
    return true;
  }

  retained(): readonly Uint8Array[] {
    return this.#pending;
  }

  #readAll(): void {
    for (const p of this.#dist.pipes) this.#read(p);
  }

  /** Applies every subscription message queued in `pipe`. */
  #read(pipe: Pipe): void {
    for (let m = pipe.read(); m; m = pipe.read()) {
      // A subscription is one part; anything else is malformed and skipped.
      const sub = m.length === 1 ? parseSubscription(m[0]!) : null;
      if (!sub) continue;
      this.#everyone = null;
      let report: boolean;
      if (sub.filter === FILTER_PREFIX) {
        if (sub.cmd === CMD_SUBSCRIBE) {
          this.#prefixUsed = true;
          report = this.#prefix.add(sub.body, pipe);
        } else {
          if (!this.#prefixUsed) continue;
          report = this.#prefix.remove(sub.body, pipe);
        }
      } else if (sub.filter === FILTER_TOPIC) {
        if (sub.cmd === CMD_SUBSCRIBE) {
          this.#topicUsed = true;
          this.#topic.add(sub.body, pipe);
          report = true;
        } else {
          if (!this.#topicUsed) continue;
          report = !this.#topic.remove(sub.body, pipe);
        }
      } else {
        continue;
      }
      if (report && this.#report) this.#pending.push(m[0]!);
    }
  }
}
