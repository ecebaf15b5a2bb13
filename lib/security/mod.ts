/**
 * The security mechanisms of ZMTP/3.x (NULL, PLAIN: RFC 24, CURVE: RFC 25/26) as pure state
 * machines, the factory the handshake uses, and the key helpers.
 *
 * Where to look:
 * - `mechanism.ts`: the `Mechanism` contract and the option types (start here).
 * - `null.ts`, `plain.ts`, `curve.ts` (over `curve_client.ts`, `curve_server.ts`): the
 *   mechanisms; `lib/wire/handshake.ts` drives them after the greeting.
 * - `curve_stream.ts`: CURVE's MESSAGE boxes, once the handshake is done.
 * - `zap.ts`: the frames of ZAP (RFC 27) requests and replies.
 * - `crypto.ts`: the one file that imports the cryptography (`@noble/curves`, `@noble/ciphers`).
 * - `keys.ts`, `z85.ts`: keys as the options take them.
 *
 * Runs on: both threads (keys on the API thread; mechanisms on the I/O worker).
 *
 * @module
 */
import type { Mechanism, MechanismConfig } from "./mechanism.ts";
import { NullMechanism } from "./null.ts";
import { PlainMechanism } from "./plain.ts";
import { CurveMechanism } from "./curve.ts";

export type * from "./mechanism.ts";
export { NullMechanism } from "./null.ts";
export { PLAIN_NEEDS_ZAP, PlainMechanism } from "./plain.ts";
export { CurveClient, CurveMechanism, CurveServer, type Rng } from "./curve.ts";
export { z85Decode, z85Encode } from "./z85.ts";
export { cryptoMissing, newKeyPair, publicKeyOf, sameBytes } from "./crypto.ts";
export { type CurveKeyPair, curveKeyPair, curvePublicKey, parseKey } from "./keys.ts";
export { CurveStream } from "./curve_stream.ts";
export {
  parseZapReply,
  parseZapRequest,
  ZAP_ENDPOINT,
  zapReplyFrames,
  type ZapRequestFrames,
  zapRequestFrames,
} from "./zap.ts";

/**
 * The mechanism `config.security` names, on the side it says.
 *
 * @param config Our socket and its security options.
 * @param maxMsgSize The socket's `maxmsgsize` (-1 for none), for CURVE's traffic codec.
 * @returns A mechanism that has sent nothing yet; call `start()` once the peer's whole
 *   greeting is in.
 */
export function createMechanism(config: MechanismConfig, maxMsgSize: number): Mechanism {
  switch (config.security.mechanism) {
    case "PLAIN":
      return new PlainMechanism(config, maxMsgSize);
    case "CURVE":
      return new CurveMechanism(config, maxMsgSize);
    default:
      return new NullMechanism(config, maxMsgSize);
  }
}
