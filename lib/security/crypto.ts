/**
 * The cryptography of CURVE (ZeroMQ RFC 26, CurveZMQ), and the one file that uses it:
 * X25519 from `@noble/curves`, HSalsa20 and XSalsa20-Poly1305 from `@noble/ciphers`
 * (audited, pure JavaScript, synchronous, pinned in package.json and deno.json), loaded
 * through lib/runtime/crypto_deno.ts or crypto_npm.ts. Web Crypto
 * has neither HSalsa20 nor XSalsa20-Poly1305 (docs/security.md), so nothing here uses it
 * except `crypto.getRandomValues` for keys and nonces. No primitive is written by hand.
 *
 * - `boxKey(theirPublic, mySecret)`: NaCl's `crypto_box_beforenm`: HSalsa20 over 16 zero
 *   bytes keyed with the X25519 shared secret.
 * - `seal(key, nonce, m)` / `open(key, nonce, box)`: XSalsa20-Poly1305 in the
 *   `crypto_box_easy` layout (16-byte tag, then the ciphertext). With a `boxKey` they are
 *   `crypto_box_afternm` / `crypto_box_open_afternm`; with a random key, `crypto_secretbox`.
 *   `open` returns null when the tag does not verify (constant-time, in the library).
 *
 * Runs on: both threads (keys on the API thread; handshakes and messages on the I/O worker).
 */
import { type CryptoLib, loadCrypto } from "../runtime/mod.ts";

// Deno takes the packages through `npm:` specifiers, Bun and Node as dependencies
// (lib/runtime/crypto_deno.ts, crypto_npm.ts). Loaded once, before anything here runs: the
// functions below are synchronous, as the handshake and the codec need them. Where they
// cannot be loaded (a Deno checkout without `npm install`, say) everything but CURVE works,
// and CURVE says why it cannot (`cryptoMissing`).
let lib: CryptoLib | null = null;
let why = "";
try {
  lib = await loadCrypto();
} catch (e) {
  why = (e as Error)?.message ?? String(e);
}

/** Null if CURVE's cryptography is loaded, else why not. */
export function cryptoMissing(): string | null {
  return lib ? null : `the packages @noble/curves and @noble/ciphers could not be loaded (${why})`;
}

function need(): CryptoLib {
  if (lib) return lib;
  throw new Error(`CURVE is not available: ${cryptoMissing()}`);
}

/** Length of a Curve25519 key, public or secret. */
export const KEY_BYTES = 32;
/** Length of an XSalsa20 nonce. */
export const NONCE_BYTES = 24;
/** Bytes a box adds to its plaintext (the Poly1305 tag). */
export const BOX_OVERHEAD = 16;

/** `n` bytes from the platform's CSPRNG. */
export function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  crypto.getRandomValues(b);
  return b;
}

/** The public key of a 32-byte secret key. */
export function publicKeyOf(secret: Uint8Array): Uint8Array {
  return need().x25519.getPublicKey(secret);
}

/** A fresh key pair from the CSPRNG. */
export function newKeyPair(): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const secretKey = randomBytes(KEY_BYTES);
  return { publicKey: need().x25519.getPublicKey(secretKey), secretKey };
}

const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
const ZERO16 = new Uint32Array(4);

/**
 * `crypto_box_beforenm(theirPublic, mySecret)`: the key both sides of a box share. Throws
 * an Error if the shared point is all zeros (a low-order public key): callers treat that
 * as a refused handshake.
 */
export function boxKey(theirPublic: Uint8Array, mySecret: Uint8Array): Uint8Array {
  const { x25519, hsalsa } = need();
  const shared = x25519.getSharedSecret(mySecret, theirPublic);
  const k = new Uint32Array(8);
  for (let i = 0; i < 8; i++) k[i] = readLE32(shared, i * 4);
  const out = new Uint32Array(8);
  hsalsa(SIGMA, k, ZERO16, out);
  const r = new Uint8Array(32);
  for (let i = 0; i < 8; i++) writeLE32(r, i * 4, out[i]!);
  return r;
}

/** XSalsa20-Poly1305: tag (16) + ciphertext of `m` under `key` and the 24-byte `nonce`. */
export function seal(key: Uint8Array, nonce: Uint8Array, m: Uint8Array): Uint8Array {
  return need().xsalsa20poly1305(key, nonce).encrypt(m);
}

/** Opens a `seal`ed box; null if it is too short or its tag does not verify. */
export function open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Uint8Array | null {
  if (box.length < BOX_OVERHEAD) return null;
  try {
    return need().xsalsa20poly1305(key, nonce).decrypt(box);
  } catch {
    return null;
  }
}

/** Constant-time equality of two byte strings (their lengths are not secret). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

function readLE32(b: Uint8Array, o: number): number {
  return (b[o]! | b[o + 1]! << 8 | b[o + 2]! << 16 | b[o + 3]! << 24) >>> 0;
}

function writeLE32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = v >>> 24;
}
