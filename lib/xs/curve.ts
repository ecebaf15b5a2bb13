/**
 * The C face's CURVE key helpers (extensions, libzmq's `zmq_curve_keypair(3)`,
 * `zmq_curve_public(3)`, `zmq_z85_encode(3)` and `zmq_z85_decode(3)`; docs/security.md):
 * out-parameters are `{ value }` holders, failures return -1 (or null) with errno.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { fail } from "../errors.ts";
import { curveKeyPair, curvePublicKey, parseKey, z85Decode, z85Encode } from "../security/mod.ts";

/**
 * Makes a fresh CURVE key pair, both keys as 40 Z85 characters.
 *
 * @param publicKey receives the public key
 * @param secretKey receives the secret key
 * @returns 0, or -1 with errno EFAULT if a holder is missing
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const pub = { value: "" }, sec = { value: "" };
 * assert.equal(xs.xs_curve_keypair(pub, sec), 0);
 * assert.equal(pub.value.length, 40);
 * ```
 */
export function xs_curve_keypair(
  publicKey: { value: string },
  secretKey: { value: string },
): number {
  if (typeof publicKey !== "object" || publicKey === null) return fail(C.EFAULT);
  if (typeof secretKey !== "object" || secretKey === null) return fail(C.EFAULT);
  const pair = curveKeyPair();
  publicKey.value = pair.publicKey;
  secretKey.value = pair.secretKey;
  return 0;
}

/**
 * Derives the public key of a secret key (40 Z85 characters or 32 bytes).
 *
 * @param publicKey receives the public key in Z85
 * @param secretKey the secret key
 * @returns 0, or -1 with errno EINVAL (not a key) or EFAULT
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const pub = { value: "" };
 * xs.xs_curve_public(pub, "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6");
 * assert.equal(pub.value, "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
 * ```
 */
export function xs_curve_public(
  publicKey: { value: string },
  secretKey: string | Uint8Array,
): number {
  if (typeof publicKey !== "object" || publicKey === null) return fail(C.EFAULT);
  if (typeof parseKey(secretKey) === "string") return fail(C.EINVAL);
  publicKey.value = curvePublicKey(secretKey);
  return 0;
}

/**
 * Encodes bytes (a multiple of 4) as Z85 text (ZeroMQ RFC 32).
 *
 * @returns the text, or null with errno EINVAL
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * const b = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
 * assert.equal(xs.xs_z85_encode(b), "HelloWorld");
 * ```
 */
export function xs_z85_encode(data: Uint8Array): string | null {
  if (!(data instanceof Uint8Array) || data.length % 4 !== 0) return fail(C.EINVAL), null;
  return z85Encode(data);
}

/**
 * Decodes Z85 text (a multiple of 5 characters).
 *
 * @returns the bytes, or null with errno EINVAL
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as xs from "@crossroads/xs/xs";
 * assert.equal(xs.xs_z85_decode("HelloWorld")?.length, 8);
 * assert.equal(xs.xs_z85_decode("Hell"), null);
 * ```
 */
export function xs_z85_decode(text: string): Uint8Array | null {
  const b = typeof text === "string" ? z85Decode(text) : null;
  return b ?? (fail(C.EINVAL), null);
}
