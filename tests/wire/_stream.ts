/**
 * Helpers of the stream-codec tests (CURVE's MESSAGE codec, WebSocket frames, ZWS): a plain
 * ZMTP/3 frame, recognisable bodies, a seeded PRNG, cutting a byte stream into chunks, and
 * feeding chunks through a codec in a reused scratch buffer.
 *
 * Runs on: the test runner's main thread.
 */
import { header3Size, writeHeader3 } from "../../lib/wire/frame.ts";

/** A plain ZMTP/3 frame. */
export function frame(flags: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(header3Size(body.length) + body.length);
  const h = writeHeader3(out, 0, flags, body.length);
  out.set(body, h);
  return out;
}

/** Body bytes with a recognisable pattern. */
export function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** A seeded PRNG (mulberry32), so a failing split can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Cuts `bytes` into chunks: every `step` bytes, or at random points when `step` is a PRNG
 * (chunks of at most `most` bytes then).
 */
export function split(
  bytes: Uint8Array,
  step: number | (() => number),
  most = 100_000,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < bytes.length) {
    const n = typeof step === "number"
      ? step
      : 1 + Math.floor(step() * Math.min(bytes.length, most));
    out.push(bytes.subarray(o, o + n));
    o += n;
  }
  return out;
}

/**
 * Feeds `chunks` through `f` in a reused scratch buffer (as the engine does), so a codec
 * that keeps a view instead of a copy is caught; returns the concatenated output.
 */
export function pump(f: (b: Uint8Array) => Uint8Array | null, chunks: Uint8Array[]): Uint8Array {
  const outs: Uint8Array[] = [];
  let scratch = new Uint8Array(0);
  for (const c of chunks) {
    if (scratch.length < c.length) scratch = new Uint8Array(c.length);
    const view = scratch.subarray(0, c.length);
    view.set(c);
    const r = f(view);
    if (r === null) throw new Error("codec failed");
    if (r.length > 0) outs.push(r.slice());
    view.fill(0xee);
  }
  return join(outs);
}

/** Concatenation of many byte arrays (no argument spreading). */
export function join(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}
