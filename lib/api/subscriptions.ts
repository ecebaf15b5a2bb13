/**
 * Subscriptions on the idiomatic `Socket` (socket.ts): `subscribe` and `unsubscribe` set
 * `XS_SUBSCRIBE` / `XS_UNSUBSCRIBE` on a SUB (and fail with EINVAL on types without
 * subscriptions); on an XSUB they send the subscription message upstream instead
 * (docs/behaviour.md §4.5).
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
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
  // XSUB: the subscription message `[u16 cmd][u16 XS_FILTER][body]`, cmd 1 or 2.
  s.check(action);
  const cmd = on ? 1 : 2;
  const filter = s.core.options.filter;
  const msg = new Uint8Array(4 + body.length);
  msg.set([cmd >> 8, cmd & 255, (filter >> 8) & 255, filter & 255]);
  msg.set(body, 4);
  if (s.core.send([msg], C.XS_DONTWAIT) < 0) throw new XsError(getErrno(), action);
}
