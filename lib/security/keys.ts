/**
 * CURVE keys as the options take them: 40 Z85 characters or 32 raw bytes (libzmq also
 * accepts 41 characters ending in NUL, as a C string). `curveKeyPair()` and
 * `curvePublicKey()` are the key helpers of both faces (`xs_curve_keypair` and
 * `xs_curve_public` in xs.ts, `curveKeyPair` in mod.ts).
 *
 * Runs on: API thread.
 */
import { KEY_BYTES, newKeyPair, publicKeyOf } from "./crypto.ts";
import { z85Decode, z85Encode } from "./z85.ts";

/** A CURVE key pair in Z85 text. */
export interface CurveKeyPair {
  /** 40 Z85 characters. */
  publicKey: string;
  /** 40 Z85 characters: keep it secret. */
  secretKey: string;
}

/**
 * A fresh CURVE key pair, in Z85, from the platform's CSPRNG.
 *
 * @example
 * ```ts
 * import { curveKeyPair } from "./keys.ts";
 * const { publicKey, secretKey } = curveKeyPair();
 * publicKey.length === 40 && secretKey.length === 40; // true
 * ```
 */
export function curveKeyPair(): CurveKeyPair {
  const { publicKey, secretKey } = newKeyPair();
  return { publicKey: z85Encode(publicKey), secretKey: z85Encode(secretKey) };
}

/**
 * The public key (Z85) of a secret key (Z85 or 32 bytes).
 *
 * @throws {TypeError} If `secretKey` is not a key (the message never contains it).
 *
 * @example The pair from libzmq's zmq_curve(7)
 * ```ts
 * import { curvePublicKey } from "./keys.ts";
 * curvePublicKey("JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"); // "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
 * ```
 */
export function curvePublicKey(secretKey: string | Uint8Array): string {
  const k = parseKey(secretKey);
  if (typeof k === "string") throw new TypeError(`curvePublicKey: ${k}`);
  return z85Encode(publicKeyOf(k));
}

/**
 * Reads a key option's value: 40 Z85 characters (or 41 with a trailing NUL), or 32 bytes.
 * Returns the 32 bytes, or a string saying what is wrong (never quoting the value).
 */
export function parseKey(value: unknown): Uint8Array | string {
  if (typeof value === "string") {
    const text = value.length === 41 && value.endsWith("\0") ? value.slice(0, 40) : value;
    if (text.length !== 40) {
      return `a key in Z85 is 40 characters long, this one has ${value.length}`;
    }
    const k = z85Decode(text);
    return k ?? "the key is not valid Z85 text (RFC 32)";
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const b = value instanceof ArrayBuffer ? new Uint8Array(value) : value;
    if (b.length === KEY_BYTES) return b.slice();
    if (b.length === 40 || b.length === 41) {
      return parseKey(
        new TextDecoder().decode(b.length === 41 && b[40] === 0 ? b.subarray(0, 40) : b),
      );
    }
    return `a key is 32 bytes or 40 Z85 characters, this one has ${b.length} bytes`;
  }
  return `a key is a 40-character Z85 string or 32 bytes, not ${typeof value}`;
}
