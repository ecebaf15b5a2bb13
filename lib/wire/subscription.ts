/**
 * Subscriptions on the wire, per dialect (docs/wire.md §2.3, §3.7): the one place that
 * translates between the subscription message a pipe carries — the Crossroads 1.2 form
 * `[u16 cmd][u16 filter][body]` (docs/behaviour.md §4.5; built by lib/pipe/subscription.ts)
 * — and what each peer expects:
 *
 * | peer (handshake `version`) | a subscription is sent as                                   |
 * | -------------------------- | ----------------------------------------------------------- |
 * | `"3.1"` (ZMTP/3.1)         | a SUBSCRIBE or CANCEL command (RFC 37)                      |
 * | `"3.0"`, `"2.0"` (ZMTP)    | a data frame `01`/`00` + topic (RFC 23, RFC 15)             |
 * | `"1.0"` (0MQ 3.x legacy)   | the same data frame, in 1.0 framing                         |
 * | `"xs1"` (Crossroads 1.x)   | the 4-byte form itself, in 1.0 framing                      |
 * | `"zmtp1"` (0MQ 2.x)        | nothing: a 0MQ 2.x publisher sends all, the SUB filters     |
 *
 * ZMTP knows only prefix subscriptions: a topic-filter pattern (XS_FILTER_TOPIC) goes out
 * as the literal prefix before its first `*` element, a superset the SUB's local filter
 * narrows. Inbound, a PUB/XPUB reads the same forms back (only single-part messages are
 * subscriptions; the caller sees to that).
 *
 * Runs on: I/O worker.
 */
import { encodedSize1, encodedSize3, encodeFrame1, encodeFrame3 } from "./encoder.ts";
import { encodeCommand } from "./commands.ts";

/** A subscription as the wire carries it: `cmd` 1 subscribe / 2 unsubscribe, a filter id, a body. */
export interface WireSubscription {
  readonly cmd: number;
  readonly filter: number;
  readonly body: Uint8Array;
}

const SUBSCRIBE = 1, UNSUBSCRIBE = 2, PREFIX = 1, TOPIC = 2, STAR = 0x2a;

/**
 * The bytes that carry one subscription message (the Crossroads 1.2 form, as a SUB/XSUB
 * wrote it into its pipe) to a peer speaking `version`; null where that peer takes no
 * subscriptions (0MQ 2.x) or the message is not a subscription ZMTP can express (too short,
 * an unknown command or filter id). A Crossroads peer gets the form itself.
 *
 * @example A prefix subscription to a ZMTP/3.1 peer is a SUBSCRIBE command
 * ```ts
 * import { subscriptionFrame } from "./subscription.ts";
 * import assert from "node:assert/strict";
 * const f = subscriptionFrame(new Uint8Array([0, 1, 0, 1, 0x41]), "3.1")!;
 * assert.deepEqual([...f], [0x04, 11, 9, ...new TextEncoder().encode("SUBSCRIBE"), 0x41]);
 * ```
 */
export function subscriptionFrame(form: Uint8Array, version: string): Uint8Array | null {
  const s = readForm(form);
  if (s === null || version === "zmtp1") return null;
  if (version === "xs1") return frame1(form);
  let topic = s.body;
  if (s.filter === TOPIC) {
    let end = topic.indexOf(0);
    if (end < 0) end = topic.length;
    const star = topic.subarray(0, end).indexOf(STAR);
    topic = topic.subarray(0, star >= 0 ? star : end);
  } else if (s.filter !== PREFIX) return null;
  const subscribe = s.cmd === SUBSCRIBE;
  if (version === "3.1") return subscribe ? subscribeFrame3(topic) : cancelFrame3(topic);
  if (version !== "1.0") return subscriptionDataFrame(subscribe, topic);
  const data = new Uint8Array(topic.length + 1);
  data[0] = subscribe ? 1 : 0;
  data.set(topic, 1);
  return frame1(data);
}

/**
 * Reads the body of a single-part data message a subscriber sent: the 4-byte form from a
 * Crossroads peer (`version` `"xs1"`), `01`/`00` + topic from anyone else. Null if it is
 * not a subscription (malformed ones are skipped, docs/wire.md §8.1 row 36).
 *
 * @example
 * ```ts
 * import { subscriptionFromData } from "./subscription.ts";
 * import assert from "node:assert/strict";
 * const s = subscriptionFromData(new Uint8Array([0, 0x41]), "3.0")!;
 * assert.deepEqual([s.cmd, s.filter, [...s.body]], [2, 1, [0x41]]);
 * ```
 */
export function subscriptionFromData(body: Uint8Array, version: string): WireSubscription | null {
  if (version === "xs1") return readForm(body);
  if (body.length < 1 || body[0]! > 1) return null;
  return { cmd: body[0] === 1 ? SUBSCRIBE : UNSUBSCRIBE, filter: PREFIX, body: body.subarray(1) };
}

/**
 * Reads a ZMTP/3.1 command as a subscription: SUBSCRIBE or CANCEL with its topic; null for
 * any other command.
 */
export function subscriptionFromCommand(name: string, data: Uint8Array): WireSubscription | null {
  if (name === "SUBSCRIBE") return { cmd: SUBSCRIBE, filter: PREFIX, body: data };
  if (name === "CANCEL") return { cmd: UNSUBSCRIBE, filter: PREFIX, body: data };
  return null;
}

/**
 * Builds a ZMTP/3.1 SUBSCRIBE command.
 *
 * @param topic The prefix to subscribe to (empty = everything).
 * @returns The whole frame.
 * @example
 * ```ts
 * import { subscribeFrame3 } from "./subscription.ts";
 * subscribeFrame3(new Uint8Array(0)); // 04 0A 09 "SUBSCRIBE"
 * ```
 */
export function subscribeFrame3(topic: Uint8Array): Uint8Array {
  return encodeCommand("SUBSCRIBE", topic);
}

/**
 * Builds a ZMTP/3.1 CANCEL command.
 *
 * @param topic The prefix to unsubscribe from.
 * @returns The whole frame.
 * @example
 * ```ts
 * import { cancelFrame3 } from "./subscription.ts";
 * cancelFrame3(new TextEncoder().encode("topic")); // 04 0C 06 "CANCEL" "topic"
 * ```
 */
export function cancelFrame3(topic: Uint8Array): Uint8Array {
  return encodeCommand("CANCEL", topic);
}

/**
 * Builds the subscription data frame of ZMTP/3.0 and 2.0 (docs/wire.md §3.7): `01`/`00` then
 * the topic, as a single last frame. LONG is computed after adding the prefix byte, so a
 * 255-byte topic is encoded correctly (unlike libzmq, docs/wire.md §8.1 row 35).
 *
 * @param subscribe True to subscribe, false to cancel.
 * @param topic The prefix.
 * @returns The whole frame.
 * @example
 * ```ts
 * import { subscriptionDataFrame } from "./subscription.ts";
 * subscriptionDataFrame(true, new TextEncoder().encode("topic")); // 00 06 01 "topic"
 * ```
 */
export function subscriptionDataFrame(subscribe: boolean, topic: Uint8Array): Uint8Array {
  const body = new Uint8Array(1 + topic.length);
  body[0] = subscribe ? 1 : 0;
  body.set(topic, 1);
  const out = new Uint8Array(encodedSize3(body.length));
  encodeFrame3(out, 0, 0, body);
  return out;
}

/** The Crossroads form `[u16 cmd][u16 filter][body]` read; null unless cmd is 1 or 2. */
function readForm(b: Uint8Array): WireSubscription | null {
  const cmd = b.length >= 4 ? b[0]! << 8 | b[1]! : 0;
  if (cmd !== SUBSCRIBE && cmd !== UNSUBSCRIBE) return null;
  return { cmd, filter: b[2]! << 8 | b[3]!, body: b.subarray(4) };
}

function frame1(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(encodedSize1(body.length));
  encodeFrame1(out, 0, false, body);
  return out;
}
