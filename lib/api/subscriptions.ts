/**
 * Subscriptions on the idiomatic `Socket` (socket.ts): `subscribe` and `unsubscribe` set
 * `XS_SUBSCRIBE` / `XS_UNSUBSCRIBE` on a SUB (and fail with EINVAL on types without
 * subscriptions); on an XSUB they send the subscription message upstream instead
 * (docs/behaviour.md §4.5).
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { CMD_SUBSCRIBE, CMD_UNSUBSCRIBE, encodeSubscription } from "../core/mod.ts";
import { getErrno, XsError } from "../errors.ts";
import { toBytes } from "./options.ts";
import type { SocketState } from "./socket_state.ts";

/** `Socket.subscribe` (`on` true) and `Socket.unsubscribe` for `prefix`. */
export function subscription(s: SocketState, prefix: unknown, on: boolean): void {
  const action = on ? "Cannot subscribe" : "Cannot unsubscribe";
  const body = toBytes(prefix, "The value");
  if (s.core.info.number !== C.XS_XSUB) {
    s.setBytes(on ? C.XS_SUBSCRIBE : C.XS_UNSUBSCRIBE, body, action);
    return;
  }
  // XSUB: the subscription message `[u16 cmd][u16 XS_FILTER][body]`.
  s.check(action);
  const msg = encodeSubscription(on ? CMD_SUBSCRIBE : CMD_UNSUBSCRIBE, s.core.options.filter, body);
  if (s.core.send([msg], C.XS_DONTWAIT) < 0) throw new XsError(getErrno(), action);
}
