/**
 * Where rings sit inside the shared blocks (layout.ts gives the offsets).
 *
 * Runs on: both threads.
 */
import {
  CONTROL_RING_BYTES,
  CONTROL_RING_DATA,
  CONTROL_RING_HEADER,
  PIPE_DATA,
  PIPE_IN_HEADER,
  PIPE_OUT_HEADER,
  pipeBlockBytes,
} from "./layout.ts";
import type { RingPlace } from "./ring.ts";

/** The control ring's place inside a context block. */
export function controlPlace(sab: SharedArrayBuffer): RingPlace {
  return {
    sab,
    header: CONTROL_RING_HEADER,
    data: CONTROL_RING_DATA,
    capacity: CONTROL_RING_BYTES,
  };
}

/** A new pipe block with rings of `outBytes` and `inBytes` (powers of two). */
export function newPipeBlock(outBytes: number, inBytes: number): SharedArrayBuffer {
  return sharedBuffer(pipeBlockBytes(outBytes, inBytes));
}

/**
 * `bytes` of shared memory; where there is none (a page that is not cross-origin isolated
 * has no `SharedArrayBuffer`), plain memory in its place: such a context never starts a
 * worker (its ws:// connects are served on its thread), so nothing else reads it, and
 * `Atomics` work on it except `wait`, which only the C face's blocking calls use.
 */
export function sharedBuffer(bytes: number): SharedArrayBuffer {
  return typeof SharedArrayBuffer === "function"
    ? new SharedArrayBuffer(bytes)
    : new ArrayBuffer(bytes) as unknown as SharedArrayBuffer;
}

/** The OUT (API → worker) and IN (worker → API) ring places of a pipe block. */
export function pipePlaces(
  sab: SharedArrayBuffer,
  outBytes: number,
  inBytes: number,
): { out: RingPlace; in: RingPlace } {
  return {
    out: { sab, header: PIPE_OUT_HEADER, data: PIPE_DATA, capacity: outBytes },
    in: { sab, header: PIPE_IN_HEADER, data: PIPE_DATA + outBytes, capacity: inBytes },
  };
}
