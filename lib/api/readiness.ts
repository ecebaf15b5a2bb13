/**
 * Readiness of idiomatic sockets without polling: the one waiter behind `poll` (poll.ts),
 * `Socket.waitReadable` / `waitWritable` (socket.ts) and the steerable proxy's waits
 * (proxy.ts). `whenReady` resolves with each item's ready events (`XS_POLLIN`,
 * `XS_POLLOUT`, level-triggered from `XS_EVENTS`) as soon as one item has one; it waits
 * as lib/core/waiting.ts `waitAsync`: registered with every context of its sockets, it is
 * re-checked on the worker's wake message and on local (inproc) activity, and nothing runs
 * on a timer except the caller's timeout. An item asking for no events (0) never makes
 * the wait end by itself, but its socket's close or its context's term does: a way to
 * watch a socket for its end.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { waitAsync } from "../core/mod.ts";
import { getErrno, XsError } from "../errors.ts";
import { timeoutOf } from "./options.ts";
import type { WaitOptions } from "./messages.ts";
import type { SocketState } from "./socket_state.ts";

/** One socket and the events waited for (`XS_POLLIN | XS_POLLOUT`, or 0: its end only). */
export interface ReadyItem {
  readonly state: SocketState;
  readonly events: number;
}

const BOTH = C.XS_POLLIN | C.XS_POLLOUT;

/**
 * Every item's ready events now (taking in the worker's events), or null if none is
 * ready; throws the XsError (ENOTSOCK, ETERM) of the first closed socket or terminated
 * context, with `action` as its message.
 */
function readyEvents(items: readonly ReadyItem[], action: string): number[] | null {
  let any = false;
  const out = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) {
    const { state, events } = items[i]!;
    state.check(action);
    const e = state.core.events();
    if (e < 0) throw state.error(getErrno(), action);
    const r = e & events & BOTH;
    if (r) any = true;
    out[i] = r;
  }
  return any ? out : null;
}

/** An item's readiness from the socket type alone (no events taken in); true once it ended. */
function readyNow({ state, events }: ReadyItem): boolean {
  const core = state.core;
  if (state.closed || core.closed || core.ctx.terminating) return true;
  return ((events & C.XS_POLLIN) !== 0 && core.canRecv()) ||
    ((events & C.XS_POLLOUT) !== 0 && core.canSend());
}

/**
 * Waits until some item is ready: resolves with every item's ready events, or null at
 * `timeout` (ms; 0: check once; negative: no limit) if none became ready. Rejects with
 * the signal's reason when it aborts, and with the XsError (ENOTSOCK, ETERM; `action`
 * its message) when a socket is closed or its context terminated, before or meanwhile.
 */
export function whenReady(
  items: readonly ReadyItem[],
  timeout: number,
  signal: AbortSignal | undefined,
  action: string,
): Promise<number[] | null> {
  let found: number[] | null = null;
  const contexts = new Set(items.map((it) => it.state.core.ctx));
  return waitAsync(
    contexts,
    {
      check: () => (found = readyEvents(items, action)) !== null,
      maybe: () => items.some(readyNow),
    },
    timeout,
    signal,
  ).then((ok) => ok ? found : null);
}

/** The socket types that never receive, and those that never send. */
const SEND_ONLY: ReadonlySet<number> = new Set([C.XS_PUSH, C.XS_PUB]);
const RECEIVE_ONLY: ReadonlySet<number> = new Set([C.XS_PULL, C.XS_SUB]);

/** True if the socket's type can receive at all (not PUSH or PUB). */
export function receives(s: SocketState): boolean {
  return !SEND_ONLY.has(s.core.info.number);
}

/** True if the socket's type can send at all (not PULL or SUB). */
export function sends(s: SocketState): boolean {
  return !RECEIVE_ONLY.has(s.core.info.number);
}

/**
 * `Socket.waitReadable` (`events` XS_POLLIN) and `waitWritable` (XS_POLLOUT): true once
 * the socket could receive / send without waiting, false at the timeout (default the
 * socket's `rcvtimeo` / `sndtimeo`, as `receive` / `send`). Rejects as `receive` /
 * `send` do: ENOTSUP for a type that never does it, ENOTSOCK / ETERM, the signal's reason.
 */
export function waitFor(s: SocketState, events: number, options: WaitOptions): Promise<boolean> {
  const reading = events === C.XS_POLLIN;
  const action = `Cannot wait to ${reading ? "receive" : "send"} on a ${s.type} socket`;
  let timeout: number;
  try {
    const o = s.core.options;
    timeout = timeoutOf(options.timeout, reading ? o.rcvtimeo : o.sndtimeo);
    s.check(action);
    if (!(reading ? receives(s) : sends(s))) throw new XsError(C.ENOTSUP, action);
  } catch (e) {
    return Promise.reject(e);
  }
  return whenReady([{ state: s, events }], timeout, options.signal, action).then((r) => r !== null);
}
