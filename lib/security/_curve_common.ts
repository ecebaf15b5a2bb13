/**
 * What the CURVE client and server share (ZeroMQ RFC 25/26, docs/security.md §6): command
 * sizes, nonce prefixes, nonce builders, counter reading and key derivation that reports a
 * low-order public key instead of throwing.
 *
 * Nonces are 24 bytes: a 16-byte prefix and an 8-byte big-endian counter (short nonces:
 * HELLO, INITIATE, READY, MESSAGE) or an 8-byte prefix and 16 random bytes (long nonces:
 * WELCOME, cookie, vouch). Counters start at 1 on each side and go up by 1 per box sent:
 * the client's HELLO is 1 and INITIATE 2, the server's READY is 1; a receiver requires
 * every counter to be strictly greater than the last one it saw.
 *
 * Runs on: I/O worker.
 */
import { boxKey, KEY_BYTES, NONCE_BYTES } from "./crypto.ts";
import { readU64, writeU64 } from "../wire/frame.ts";

/** Body size of HELLO: name 6, version 2, padding 72, C′ 32, counter 8, box 80. */
export const HELLO_BODY = 200;
/** Body size of WELCOME: name 8, nonce tail 16, box 144. */
export const WELCOME_BODY = 168;
/** Smallest INITIATE body: name 9, cookie 96, counter 8, box 144 (no metadata). */
export const INITIATE_MIN = 257;
/** Smallest READY body: name 6, counter 8, box 16 (no metadata). */
export const READY_MIN = 30;
/** Bytes of the cookie: nonce tail 16 + secretbox of C′ and s′ (80). */
export const COOKIE_BYTES = 96;
/** Bytes of a long nonce's random tail. */
export const TAIL_BYTES = 16;
/** The 8 bytes of HELLO's version field and padding start: version 1.0. */
export const VERSION_MAJOR = 1;
export const VERSION_MINOR = 0;
/** Bytes of zero padding in HELLO after the version (RFC 26's "70" is wrong: 72). */
export const HELLO_PADDING = 72;

/** Short-nonce prefixes (16 bytes). */
export const HELLO_PREFIX = "CurveZMQHELLO---";
export const INITIATE_PREFIX = "CurveZMQINITIATE";
export const READY_PREFIX = "CurveZMQREADY---";
/** Long-nonce prefixes (8 bytes). */
export const WELCOME_PREFIX = "WELCOME-";
export const COOKIE_PREFIX = "COOKIE--";
export const VOUCH_PREFIX = "VOUCH---";

/** A short nonce: a 16-character prefix and `counter` as 8 bytes big-endian. */
export function shortNonce(prefix: string, counter: number): Uint8Array {
  const n = new Uint8Array(NONCE_BYTES);
  for (let i = 0; i < 16; i++) n[i] = prefix.charCodeAt(i);
  writeU64(n, 16, counter);
  return n;
}

/** A long nonce: an 8-character prefix and a 16-byte tail. */
export function longNonce(prefix: string, tail: Uint8Array): Uint8Array {
  const n = new Uint8Array(NONCE_BYTES);
  for (let i = 0; i < 8; i++) n[i] = prefix.charCodeAt(i);
  n.set(tail.subarray(0, TAIL_BYTES), 8);
  return n;
}

/** The 8-byte counter of `b` at `off`; -1 if it is above `Number.MAX_SAFE_INTEGER`. */
export function readCounter(b: Uint8Array, off: number): number {
  return readU64(b, off);
}

/** 8 bytes holding `counter`, big-endian. */
export function counterBytes(counter: number): Uint8Array {
  const b = new Uint8Array(8);
  writeU64(b, 0, counter);
  return b;
}

/** `boxKey`, or null when the public key is not usable (low order, all-zero secret). */
export function boxKeyOrNull(theirPublic: Uint8Array, mySecret: Uint8Array): Uint8Array | null {
  if (theirPublic.length !== KEY_BYTES || mySecret.length !== KEY_BYTES) return null;
  try {
    return boxKey(theirPublic, mySecret);
  } catch {
    return null;
  }
}

/** Concatenation of byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
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

/** The key options of a CURVE side, or the text of what is missing (never the keys). */
export function keyOption(value: Uint8Array | undefined, name: string): Uint8Array | string {
  if (value === undefined) return `${name} is not set`;
  if (value.length !== KEY_BYTES) return `${name} is ${value.length} bytes, not ${KEY_BYTES}`;
  return value;
}
