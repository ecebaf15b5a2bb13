/**
 * The pure ZMTP codec over `Uint8Array`: frame headers, streaming decoders, encoders,
 * command frames, metadata and the connection handshake. No I/O, no timers.
 *
 * Where to look:
 * - `frame.ts`: flag constants, header sizes and writers (start here).
 * - `decoder.ts`: `Decoder3` / `Decoder1`, streaming, zero-copy, backpressure.
 * - `encoder.ts`: whole frames into caller buffers.
 * - `commands.ts` / `metadata.ts`: READY, PING/PONG, SUBSCRIBE/CANCEL, ERROR.
 * - `handshake.ts`: version detection and the NULL handshake, over `greeting.ts` (the
 *   greeting's bytes).
 *
 * Runs on: I/O worker
 *
 * @example Encode a frame and decode it back
 * ```ts
 * import { Decoder3, encodeFrame3, encodedSize3 } from "./mod.ts";
 * const body = new TextEncoder().encode("hello");
 * const wire = new Uint8Array(encodedSize3(body.length));
 * encodeFrame3(wire, 0, 0, body);
 * const d = new Decoder3({ start: () => true, body: (b) => b.length }, -1);
 * d.feed(wire); // 7
 * ```
 *
 * @module
 */
export * from "./frame.ts";
export * from "./decoder.ts";
export * from "./encoder.ts";
export * from "./metadata.ts";
export * from "./commands.ts";
export * from "./handshake.ts";
export * from "./legacy.ts";
export * from "./subscription.ts";
export * from "./websocket.ts";
export * from "./zws.ts";
