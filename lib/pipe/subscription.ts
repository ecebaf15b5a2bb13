/**
 * The subscription message as it crosses the thread boundary: the Crossroads 1.2 form
 * `[u16 BE cmd][u16 BE filter id][body]` (docs/behaviour.md §4.5). A SUB/XSUB writes one
 * such single-part message into its pipe per subscribe or unsubscribe; the worker writes
 * one into a PUB/XPUB's pipe per subscription its peer sent, whatever the dialect on the
 * wire (lib/wire/subscription.ts translates).
 *
 * Which end of a pipe carries subscriptions is a property of the socket type
 * (`ProtocolInfo.subscriptions`), handed to the worker in `WireOptions`.
 *
 * Runs on: both threads.
 */

/** Command of a subscription message: subscribe. */
export const CMD_SUBSCRIBE = 1;
/** Command of a subscription message: unsubscribe. */
export const CMD_UNSUBSCRIBE = 2;
/** Filter id of the prefix filter (`XS_FILTER_PREFIX`). */
export const FILTER_PREFIX = 1;
/** Filter id of the topic filter (`XS_FILTER_TOPIC`). */
export const FILTER_TOPIC = 2;

/**
 * What a socket type does with subscriptions on its connections: `"sends"` (SUB, XSUB:
 * every outbound message is a subscription), `"receives"` (PUB, XPUB: what the peer sends
 * is read as subscriptions), `"none"` (every other type).
 */
export type SubscriptionRole = "sends" | "receives" | "none";

/** A parsed subscription message. */
export interface Subscription {
  readonly cmd: number;
  readonly filter: number;
  readonly body: Uint8Array;
}

/** Builds `[u16 BE cmd][u16 BE filter id][body]` (docs/behaviour.md §4.5). */
export function encodeSubscription(
  cmd: number,
  filter: number,
  body: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const m = new Uint8Array(4 + body.length);
  m[0] = cmd >> 8;
  m[1] = cmd & 255;
  m[2] = (filter >> 8) & 255;
  m[3] = filter & 255;
  m.set(body, 4);
  return m;
}

/** Parses a subscription message; null if shorter than 4 bytes or the command is not 1/2. */
export function parseSubscription(m: Uint8Array): Subscription | null {
  if (m.length < 4) return null;
  const cmd = (m[0]! << 8) | m[1]!;
  if (cmd !== CMD_SUBSCRIBE && cmd !== CMD_UNSUBSCRIBE) return null;
  return { cmd, filter: (m[2]! << 8) | m[3]!, body: m.subarray(4) };
}
