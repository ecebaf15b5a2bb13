/**
 * Z85 (ZeroMQ RFC 32): binary as printable text, 4 bytes to 5 characters, big-endian base
 * 85. CURVE keys are written as 40 Z85 characters. Pure.
 *
 * Runs on: both threads.
 */

const ALPHABET =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/**
 * Encodes bytes as Z85.
 *
 * @param bytes A multiple of 4 bytes.
 * @throws {RangeError} If the length is not a multiple of 4.
 *
 * @example RFC 32's test vector
 * ```ts
 * import { z85Encode } from "./z85.ts";
 * z85Encode(new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])); // "HelloWorld"
 * ```
 */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) {
    throw new RangeError(`Z85 encodes a multiple of 4 bytes, not ${bytes.length}`);
  }
  let s = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let v = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>>
      0;
    const c = new Array<string>(5);
    for (let j = 4; j >= 0; j--) {
      c[j] = ALPHABET[v % 85]!;
      v = Math.floor(v / 85);
    }
    s += c.join("");
  }
  return s;
}

/**
 * Decodes Z85 text; null if its length is not a multiple of 5, a character is not in the
 * alphabet, or a group is larger than 32 bits.
 *
 * @example
 * ```ts
 * import { z85Decode } from "./z85.ts";
 * z85Decode("HelloWorld")?.length; // 8
 * z85Decode("Hello"); // a Uint8Array of 4 bytes
 * z85Decode("Hell"); // null
 * ```
 */
export function z85Decode(text: string): Uint8Array | null {
  if (text.length % 5 !== 0) return null;
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let v = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const d = code < 128 ? DECODE[code]! : -1;
      if (d < 0) return null;
      v = v * 85 + d;
    }
    if (v > 0xffffffff) return null;
    out[o] = v >>> 24;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
  return out;
}
