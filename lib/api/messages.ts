/**
 * Sending and receiving on the idiomatic `Socket` (socket.ts): the `Part` and
 * `WaitOptions` types, `send`/`receive` (promises that wait), `trySend`/`tryReceive`
 * (never wait) and the loop behind `for await`. Whole messages are arrays of parts.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { getErrno, XsError } from "../errors.ts";
import { timeoutOf, toMessage } from "./options.ts";
import type { SocketState } from "./socket_state.ts";

/**
 * A received message: its parts, and, when it came through a secured connection (PLAIN,
 * CURVE, or NULL checked by ZAP), that connection's `properties` (docs/security.md):
 * `User-Id` (what the ZAP handler answered), `Socket-Type`, `Identity`, `Peer-Address`,
 * and the ZAP reply's metadata. Not enumerable: the array is the parts and nothing else.
 */
export type Message = Uint8Array<ArrayBuffer>[] & {
  readonly properties?: Readonly<Record<string, string>>;
};

/** One part of a message on send: bytes, or a string sent as UTF-8. */
export type Part = Uint8Array | ArrayBuffer | string;

/** Options of `send` and `receive`. */
export interface WaitOptions {
  /** Cancels the wait; the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /**
   * Milliseconds to wait before rejecting with `XsError` code `EAGAIN`; 0 = do not
   * wait, negative = no limit. Default: the socket's `sndtimeo` / `rcvtimeo`.
   */
  timeout?: number | undefined;
}

/** `Socket.send`: resolves when the message is queued. */
export function send(s: SocketState, parts: Part | Part[], options: WaitOptions): Promise<void> {
  let msg: Uint8Array[], timeout: number;
  try {
    msg = toMessage(parts);
    timeout = timeoutOf(options.timeout, s.core.options.sndtimeo);
    s.check("Cannot send");
  } catch (e) {
    return Promise.reject(e);
  }
  return s.core.sendAsync(msg, timeout, options.signal, s.sendFailed);
}

/** `Socket.receive`: resolves with the parts of one message. */
export function receive(
  s: SocketState,
  options: WaitOptions,
): Promise<Message> {
  let timeout: number;
  try {
    timeout = timeoutOf(options.timeout, s.core.options.rcvtimeo);
    s.check("Cannot receive");
  } catch (e) {
    return Promise.reject(e);
  }
  return s.core.recvAsync(timeout, options.signal, s.recvFailed);
}

/** `Socket.trySend`: true if sent, false if the socket would have to wait. */
export function trySend(s: SocketState, parts: Part | Part[]): boolean {
  const msg = toMessage(parts);
  s.check("Cannot send");
  if (s.core.send(msg, C.XS_DONTWAIT, false) === 0) return true;
  const e = getErrno();
  if (e === C.EAGAIN) return false;
  throw s.error(e, `Cannot send on a ${s.type} socket`);
}

/** `Socket.tryReceive`: the parts, or null if nothing is queued. */
export function tryReceive(s: SocketState): Message | null {
  s.check("Cannot receive");
  const r = s.core.recv(C.XS_DONTWAIT);
  if (r) return r;
  const e = getErrno();
  if (e === C.EAGAIN) return null;
  throw s.error(e, `Cannot receive on a ${s.type} socket`);
}

/**
 * The loop of `for await` over a socket: every message `receive` gives until the socket
 * is closed or its context terminated (ENOTSOCK, ETERM); other failures are thrown.
 */
export async function* eachMessage(
  receive: () => Promise<Message>,
): AsyncGenerator<Message, void, undefined> {
  for (;;) {
    let msg: Message;
    try {
      msg = await receive();
    } catch (e) {
      if (e instanceof XsError && (e.errno === C.ENOTSOCK || e.errno === C.ETERM)) return;
      throw e;
    }
    yield msg;
  }
}
