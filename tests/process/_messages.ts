/**
 * The numbered, self-checking messages the process tier sends and checks (`_peer.ts` and
 * the tests that talk to its peers): byte patterns derived from the sequence number, part
 * and offset, so a receiver can tell a lost, reordered or corrupted message. Kept apart from
 * `_peer.ts` so that importing them starts nothing (that file is a program).
 *
 * Runs on: any thread (pure functions).
 */

/** Byte `i` of part `p` of message `seq`. */
export function fill(seq: number, p: number, i: number): number {
  return (seq * 31 + p * 7 + i + (i >>> 8)) & 255;
}

/** Builds message `seq` with parts of `sizes` (part 0 is at least 8 bytes). */
export function makeMessage(seq: number, sizes: number[]): Uint8Array[] {
  return sizes.map((n, p) => {
    const b = new Uint8Array(p === 0 ? Math.max(8, n) : n);
    for (let i = 0; i < b.length; i++) b[i] = fill(seq, p, i);
    if (p === 0) {
      const v = new DataView(b.buffer);
      v.setUint32(0, seq);
      v.setUint32(4, sizes.length);
    }
    return b;
  });
}

/** The sequence number of a checked message, or an error text. */
export function checkMessage(m: Uint8Array[], sizes?: number[]): number | string {
  if (!m.length || m[0]!.length < 8) return `part 0 too short (${m[0]?.length} bytes)`;
  const v = new DataView(m[0]!.buffer, m[0]!.byteOffset, 8);
  const seq = v.getUint32(0), parts = v.getUint32(4);
  if (parts !== m.length) return `seq ${seq}: ${m.length} parts, announced ${parts}`;
  for (let p = 0; p < m.length; p++) {
    const b = m[p]!;
    if (sizes && b.length !== (p === 0 ? Math.max(8, sizes[p]!) : sizes[p])) {
      return `seq ${seq} part ${p}: ${b.length} bytes, expected ${sizes[p]}`;
    }
    for (let i = p === 0 ? 8 : 0; i < b.length; i++) {
      if (b[i] !== fill(seq, p, i)) return `seq ${seq} part ${p}: wrong byte at ${i}`;
    }
  }
  return seq;
}
