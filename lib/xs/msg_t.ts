/**
 * The message storage of the Crossroads C face: `xs_msg_t`, the reference-counted content
 * behind it and the state of each message (docs/behaviour.md §2.5). msg.ts holds the
 * `xs_msg_*` functions over this state.
 *
 * A message is uninitialised storage until one of the `xs_msg_init*` calls makes it
 * live; `xs_msg_close` makes it dead. Content is reference-counted so that
 * `xs_msg_copy` shares it without copying bytes; the free function given to
 * `xs_msg_init_data` runs exactly once, when the last reference goes. Such content
 * travels by reference (lib/pipe/shared_content.ts, through the core): over inproc the
 * receivers' messages share it and hold references too, so the function runs once the
 * last of them was closed; tcp/ipc/ws copy the bytes when the message is sent, which is
 * when their reference goes (docs/behaviour.md §10.17).
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { fail } from "../errors.ts";
import { releaseContent, type SharedContent } from "../core/mod.ts";

/**
 * The free function of `xs_msg_init_data`: called once with the caller's buffer and the
 * hint when the library no longer needs the buffer.
 */
export type xs_free_fn = (data: ArrayBuffer | ArrayBufferView, hint: unknown) => void;

/**
 * Content shared by the messages `xs_msg_copy` made from one another, and by the
 * receivers of content sent by reference. `free` calls the free function of
 * `xs_msg_init_data`.
 */
export interface Content extends SharedContent {
  /**
   * True for content whose bytes a send hands over as they are, without reference
   * counting across the socket (`xs_msg_init_size`, parts received as fresh memory).
   * Absent: content of `xs_msg_init_data`, or received by reference, which is sent by
   * reference (lib/pipe/shared_content.ts).
   */
  readonly local?: true;
}

/** The state of an initialised message (absent from the map = uninitialised). */
export interface MsgState {
  live: boolean;
  content: Content | null;
  more: boolean;
  /** The properties of the connection a received part came from (`xs_msg_gets`). */
  properties?: Record<string, string> | null;
}

const states = new WeakMap<object, MsgState>();
/** The content of an empty message. */
export const EMPTY = new Uint8Array(0);

/**
 * Message storage, the `xs_msg_t` of C: `new xs_msg_t()` is uninitialised until
 * `xs_msg_init`, `xs_msg_init_size` or `xs_msg_init_data` is called on it.
 *
 * @example Sending a six-byte message
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const msg = new xs.xs_msg_t();
 * xs.xs_msg_init_size(msg, 6);
 * xs.xs_msg_data(msg).fill(0x41);
 * assert.equal(xs.xs_msg_size(msg), 6);
 * xs.xs_msg_close(msg);
 * ```
 */
export class xs_msg_t {
  /** Makes uninitialised message storage (as declaring an `xs_msg_t` in C). */
  constructor() {}
}

/** The state of `msg` if it is a live message, else null. */
export function live(msg: unknown): MsgState | null {
  if (typeof msg !== "object" || msg === null) return null;
  const st = states.get(msg);
  return st && st.live ? st : null;
}

/** Drops one reference to `c`; the last one runs the free function, once. */
export function release(c: Content | null): void {
  if (c) releaseContent(c);
}

/** Makes `msg` live over `content` (`xs_msg_init*`): 0, or -1 with EFAULT. */
export function init(msg: unknown, content: Content | null): number {
  if (!(msg instanceof xs_msg_t)) return fail(C.EFAULT);
  // Re-initialising a live message leaks its content silently, as in C.
  states.set(msg, { live: true, content, more: false });
  return 0;
}

/** The state of a live message, or a TypeError naming `what` (C would crash). */
export function liveOrThrow(msg: unknown, what: string): MsgState {
  const st = live(msg);
  if (!st) {
    throw new TypeError(
      `Cannot read the ${what} of a message that is not initialised or was closed`,
    );
  }
  return st;
}
