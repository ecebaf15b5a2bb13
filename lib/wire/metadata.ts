/**
 * ZMTP 3 metadata, the body of READY and INITIATE after the command name (docs/wire.md §3.4):
 * a run of `name_len (1) | name | value_len (4, BE) | value`, no count, nothing else.
 *
 * Runs on: I/O worker
 */

/**
 * Encodes properties in the given order (libzmq sends `Socket-Type` first, then
 * `Identity`; keep that order to be byte-exact with it).
 *
 * @param props `[name, value]` pairs; names are ASCII, 1..255 characters.
 * @returns The metadata bytes.
 * @throws {RangeError} If a name is empty, longer than 255 or not ASCII.
 * @example
 * ```ts
 * import { encodeMetadata } from "./metadata.ts";
 * encodeMetadata([["Socket-Type", new TextEncoder().encode("REP")]]);
 * // 0B "Socket-Type" 00 00 00 03 "REP"
 * ```
 */
export function encodeMetadata(props: [string, Uint8Array][]): Uint8Array {
  let total = 0;
  for (const [name, value] of props) {
    if (name.length < 1 || name.length > 255) {
      throw new RangeError(`Cannot encode metadata name of length ${name.length}`);
    }
    total += 1 + name.length + 4 + value.length;
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const [name, value] of props) {
    out[off++] = name.length;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c > 0x7f) throw new RangeError(`Cannot encode non-ASCII metadata name "${name}"`);
      out[off++] = c;
    }
    const n = value.length;
    out[off++] = n >>> 24;
    out[off++] = (n >>> 16) & 0xff;
    out[off++] = (n >>> 8) & 0xff;
    out[off++] = n & 0xff;
    out.set(value, off);
    off += n;
  }
  return out;
}

/**
 * Parses metadata. Names are stored lower-cased, so lookups are case-insensitive (RFC 37)
 * while libzmq's spellings (`Socket-Type`) still match; a repeated name keeps the last
 * value. Values are views into `body` (copy what must outlive it).
 *
 * @param body The metadata bytes.
 * @returns The properties, or null when a property is truncated (including one stray
 *   trailing byte), which is a protocol error (docs/wire.md §8.1 row 15).
 * @example
 * ```ts
 * import { parseMetadata } from "./metadata.ts";
 * const m = parseMetadata(new Uint8Array([1, 0x41, 0, 0, 0, 1, 0x7a]));
 * m?.get("a"); // Uint8Array [0x7a]
 * ```
 */
export function parseMetadata(body: Uint8Array): Map<string, Uint8Array> | null {
  const out = new Map<string, Uint8Array>();
  let off = 0;
  const end = body.length;
  while (off < end) {
    // off < end, then the 4 length bytes were checked: the indexes are in range.
    const nameLen = body[off++]!;
    if (off + nameLen + 4 > end) return null;
    const name = String.fromCharCode(...body.subarray(off, off + nameLen)).toLowerCase();
    off += nameLen;
    const valueLen =
      ((body[off]! << 24) | (body[off + 1]! << 16) | (body[off + 2]! << 8) | body[off + 3]!) >>> 0;
    off += 4;
    if (valueLen > end - off) return null;
    out.set(name, body.subarray(off, off + valueLen));
    off += valueLen;
  }
  return out;
}
