/**
 * SUB — the subscriber.
 *
 * - Role: receives the part of a publisher's data it subscribed to.
 * - Peers: PUB, XPUB.
 * - Send: not supported (ENOTSUP); XS_POLLOUT never set.
 * - Receive: fair-queued over all peers; a message whose first part matches no local
 *   subscription is discarded with all its parts (the publisher may send more than was
 *   asked for: legacy peers, XS_PROTOCOL 1, topic unsubscriptions that never leave).
 * - Subscriptions: XS_SUBSCRIBE / XS_UNSUBSCRIBE (bytes, empty = everything) act on the
 *   local filter chosen by XS_FILTER at that moment (1 prefix, 2 topic; another id →
 *   EINVAL on subscribe, no effect on unsubscribe). Prefix filter: counted, only the
 *   first subscribe and the last unsubscribe of a body go upstream. Topic filter: every
 *   subscribe goes upstream (the XSUB logic below dedups), an unsubscribe only removes
 *   the local entry and never goes upstream. Both filters may be in use at once.
 * - Upstream traffic is XSUB's: the whole set goes to each new peer and again after a
 *   reconnect; nothing on pipes made while XS_PROTOCOL is 1 (inproc: the connecting
 *   socket's).
 * - Options: XS_SUBSCRIBE, XS_UNSUBSCRIBE, XS_FILTER, XS_RCVHWM, XS_SNDHWM (default 0),
 *   XS_LINGER (default 0), XS_PROTOCOL. Wire header: none.
 * - Spec: docs/behaviour.md §4.1, §4.5, §4.6, §8 traps 10, 17, 18.
 *
 * Runs on: API thread.
 */
import { EINVAL, ENOTSUP, XS_SUB, XS_SUBSCRIBE, XS_UNSUBSCRIBE } from "../constants.ts";
import {
  CMD_SUBSCRIBE,
  CMD_UNSUBSCRIBE,
  encodeSubscription,
  FILTER_PREFIX,
  FILTER_TOPIC,
  type Pipe,
} from "../pipe/mod.ts";
import { PrefixFilter, TopicFilter } from "./_subscriptions.ts";
import type { Protocol, ProtocolHost, ProtocolInfo } from "./protocol.ts";
import { XSub } from "./xsub.ts";

/** SUB's identity. */
export const info: ProtocolInfo = {
  number: XS_SUB,
  name: "SUB",
  zmtpName: "SUB",
  peers: ["PUB", "XPUB"],
  sendsIdentity: false,
  subscriptions: "sends",
  defaults: { sndhwm: 0, linger: 0 },
  create: (host) => new Sub(host),
};

/** The SUB state machine: XSUB logic plus a local filter. */
export class Sub implements Protocol {
  readonly #host: ProtocolHost;
  readonly #xsub: XSub;
  readonly #prefix = new PrefixFilter<null>();
  readonly #topic = new TopicFilter<null>();
  /** A matching message taken ahead by `hasIn`. */
  #ahead: Uint8Array<ArrayBuffer>[] | null = null;

  constructor(host: ProtocolHost) {
    this.#host = host;
    this.#xsub = new XSub(host);
  }

  attach(pipe: Pipe): void {
    this.#xsub.attach(pipe);
  }
  pipeUp(pipe: Pipe): void {
    this.#xsub.pipeUp(pipe);
  }
  detach(pipe: Pipe): void {
    this.#xsub.detach(pipe);
  }

  setOption(option: number, value: number | Uint8Array): number | undefined {
    if (option !== XS_SUBSCRIBE && option !== XS_UNSUBSCRIBE) return undefined;
    if (!(value instanceof Uint8Array)) return EINVAL;
    const filter = this.#host.options.filter;
    if (option === XS_SUBSCRIBE) {
      if (filter === FILTER_PREFIX) {
        if (this.#prefix.add(value, null)) this.#upstream(CMD_SUBSCRIBE, filter, value);
      } else if (filter === FILTER_TOPIC) {
        this.#topic.add(value, null);
        this.#upstream(CMD_SUBSCRIBE, filter, value);
      } else {
        return EINVAL;
      }
      return 0;
    }
    // Unsubscribing something unknown, or under a filter id never used, does nothing.
    if (filter === FILTER_PREFIX) {
      if (this.#prefix.remove(value, null)) this.#upstream(CMD_UNSUBSCRIBE, filter, value);
    } else if (filter === FILTER_TOPIC) {
      this.#topic.remove(value, null);
    }
    return 0;
  }

  send(): number {
    return ENOTSUP;
  }
  sendState(): number {
    return ENOTSUP;
  }

  recv(): Uint8Array<ArrayBuffer>[] | number {
    const ahead = this.#ahead;
    if (ahead) {
      this.#ahead = null;
      return ahead;
    }
    for (;;) {
      const m = this.#xsub.recv();
      if (typeof m === "number" || this.#matches(m[0]!)) return m;
    }
  }

  hasIn(): boolean {
    if (this.#ahead) return true;
    const m = this.recv();
    if (typeof m === "number") return false;
    this.#ahead = m;
    return true;
  }

  hasOut(): boolean {
    return false;
  }

  retained(): readonly Uint8Array[] {
    return this.#ahead ?? [];
  }

  #matches(first: Uint8Array): boolean {
    return this.#prefix.matches(first) || this.#topic.matches(first);
  }

  #upstream(cmd: number, filter: number, body: Uint8Array): void {
    // The XSUB logic refuses only malformed messages, which this never is.
    this.#xsub.send([encodeSubscription(cmd, filter, body)]);
  }
}
