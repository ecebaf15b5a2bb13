/**
 * Reference-counted message content that travels by reference: what `xs_msg_init_data`
 * makes (lib/xs/msg_t.ts) is sent over inproc without a copy, and its free function runs
 * once the last holder let go, as upstream's refcounted `msg_t` content does
 * (docs/behaviour.md §10.17).
 *
 * A part carries its content by identity: the part handed to a socket is the content's
 * own `data` view, registered here. Every holder owns one reference:
 *
 * - the sender's message until the send went through (the C face, lib/xs/io.ts);
 * - each inproc pipe queue the part was written into (`InprocPipe.write` adds one per
 *   pipe, so a PUB's fan-out to three inproc peers holds three);
 * - the receiving socket from the pipe read until it hands the part to the application or
 *   drops it (lib/core/socket.ts: filtered, malformed, unroutable, closed with it);
 * - the receiver's message until it is closed, moved over or received into.
 *
 * tcp/ipc/ws pipes copy the bytes at `write`, so they take no reference.
 *
 * Parts are never tracked while no such content exists (`tracking()` is one load), so
 * every other message pays nothing.
 *
 * Runs on: API thread.
 */

/** Content shared by reference; `free` runs once, when `refs` drops to 0. */
export interface SharedContent {
  /** The bytes; for registered content, the very view that travels as a part. */
  readonly data: Uint8Array;
  /** Holders of the content. */
  refs: number;
  /** Called once when the last reference goes (then null). */
  free: (() => void) | null;
}

/** The socket that reads a pipe end: it takes over the references of what it reads. */
export interface PartHolder {
  /** `part` (registered content) was read: the reader owns its reference now. */
  hold(part: Uint8Array): void;
}

const byPart = new WeakMap<Uint8Array, SharedContent>();
/** Registered contents not yet freed. */
let registered = 0;

/** True while any registered content is alive: only then are parts looked up. */
export function tracking(): boolean {
  return registered > 0;
}

/**
 * Makes `c.data` carry `c` when sent (once per content); returns the part to send. The
 * caller's reference goes with the part until the send completes.
 */
export function shareContent(c: SharedContent): Uint8Array {
  if (byPart.get(c.data) !== c) {
    byPart.set(c.data, c);
    registered++;
  }
  return c.data;
}

/** The content `part` carries, if it is registered content. */
export function contentOf(part: Uint8Array): SharedContent | undefined {
  return registered === 0 ? undefined : byPart.get(part);
}

/** Drops one reference to `c`; the last one unregisters it and runs `free`, once. */
export function releaseContent(c: SharedContent): void {
  if (c.refs <= 0) return;
  if (--c.refs > 0) return;
  if (byPart.get(c.data) === c) {
    byPart.delete(c.data);
    registered--;
  }
  const f = c.free;
  c.free = null;
  f?.();
}

/** Adds one reference per registered part of `msg` (a pipe queue took the message). */
export function retainParts(msg: readonly Uint8Array[]): void {
  for (let i = 0; i < msg.length; i++) {
    const c = byPart.get(msg[i]!);
    if (c) c.refs++;
  }
}

/** Drops one reference per registered part of `msg` (a holder let go of the message). */
export function releaseParts(msg: readonly Uint8Array[]): void {
  for (let i = 0; i < msg.length; i++) {
    const c = byPart.get(msg[i]!);
    if (c) releaseContent(c);
  }
}

/**
 * An ArrayBuffer-backed copy of registered part `part` (whose memory is a
 * SharedArrayBuffer), registered as content of its own that holds the original's
 * reference: the reader still owns one reference, and the original's free function runs
 * when that copy is let go.
 */
export function arrayBackedCopy(part: Uint8Array, c: SharedContent): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(part);
  shareContent({ data: copy, refs: 1, free: () => releaseContent(c) });
  return copy;
}
