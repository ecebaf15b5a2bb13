/**
 * Byte helpers for the wire tests: hex dumps as written in docs/wire.md, with "quoted" ASCII
 * allowed between the bytes, and a recording FrameSink.
 *
 * Runs on: the test runner's main thread.
 */
import type { FrameSink } from "../../lib/wire/mod.ts";

/** Bytes of a dump like `04 19 05 "READY" 0B`; `..` is not allowed. */
export function hex(s: string): Uint8Array {
  const out: number[] = [];
  const re = /"([^"]*)"|([0-9A-Fa-f]{2})|(\S)/g;
  for (const m of s.matchAll(re)) {
    if (m[1] !== undefined) { for (const c of m[1]) out.push(c.charCodeAt(0)); }
    else if (m[2] !== undefined) out.push(parseInt(m[2], 16));
    else throw new Error(`bad hex token ${m[3]} in ${s}`);
  }
  return new Uint8Array(out);
}

/** ASCII bytes of `s`. */
export function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Concatenation of byte arrays. */
export function cat(...parts: Uint8Array[]): Uint8Array {
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

/** `n` copies of byte `b`. */
export function fill(n: number, b: number): Uint8Array {
  return new Uint8Array(n).fill(b);
}

/** One decoded frame as the tests compare it. */
export interface Got {
  flags: number;
  body: number[];
}

/** A FrameSink that records every frame (copying bodies) and accepts everything. */
export class Recorder implements FrameSink {
  frames: Got[] = [];
  bodyCalls = 0;
  start(flags: number, _size: number): boolean {
    this.frames.push({ flags, body: [] });
    return true;
  }
  body(bytes: Uint8Array): number {
    this.bodyCalls++;
    const f = this.frames[this.frames.length - 1]!; // `start` came first
    for (const b of bytes) f.body.push(b);
    return bytes.length;
  }
}

/** Frames as Got records: `[flags, "ascii body"]` pairs. */
export function frames(...fs: [number, string | Uint8Array][]): Got[] {
  return fs.map(([flags, b]) => ({ flags, body: [...(typeof b === "string" ? ascii(b) : b)] }));
}
