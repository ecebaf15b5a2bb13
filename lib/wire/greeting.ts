/**
 * The greeting's bytes, both ways: the 10-byte signature, the rest of the 64-byte ZMTP/3.x
 * greeting with our security mechanism and as-server byte (docs/wire.md §3.1, §4.1-§4.3,
 * §5.1), and the ZMTP/2.0 type byte with its identity frame (docs/wire.md §3.9). What we
 * send and what of the peer's is checked; when each is sent and what follows is the
 * handshake's business (handshake.ts).
 *
 * Runs on: I/O worker
 */
import { SOCKET_TYPE_NAMES } from "../constants.ts";
import type { MechanismName } from "../security/mod.ts";
import { writeU64 } from "./frame.ts";
import { encodedSize3, encodeFrame3 } from "./encoder.ts";

/** Bytes of the signature: `FF`, 8 bytes of padding, `7F`. */
export const SIG_LEN = 10;
/** Bytes of a whole ZMTP/3.x greeting. */
export const GREETING_LEN = 64;

const MECH_OFF = 12;
const MECH_LEN = 20;
const AS_SERVER_OFF = 32;

// A mechanism name right-padded with zeros to 20 bytes.
function mechanismField(name: string): Uint8Array {
  const f = new Uint8Array(MECH_LEN);
  for (let i = 0; i < name.length && i < MECH_LEN; i++) f[i] = name.charCodeAt(i);
  return f;
}

// ZMTP/2.0 type bytes are the XS_* socket type numbers (docs/wire.md §3.9); 5 and 6 go by
// libzmq's names, the ones ZMTP/3.x READY carries.
const V2_NAMES: readonly string[] = SOCKET_TYPE_NAMES.map((n) =>
  n === "XREQ" ? "DEALER" : n === "XREP" ? "ROUTER" : n
);

/**
 * The signature auto mode sends first: `FF <u64 BE identity length + 1> 7F`. The padding
 * is what makes a ZMTP/1.0 peer read it as the header of a long identity frame.
 */
export function signature(identityLength: number): Uint8Array {
  const sig = new Uint8Array(SIG_LEN);
  sig[0] = 0xff;
  writeU64(sig, 1, identityLength + 1);
  sig[9] = 0x7f;
  return sig;
}

/**
 * The whole greeting zmtp3 mode sends at once: zero padding, version 3.1, our mechanism
 * padded to 20 bytes, as-server `01` on the server side of PLAIN/CURVE (else `00`), filler.
 */
export function fullGreeting(mechanism: MechanismName, asServer: boolean): Uint8Array {
  const g = new Uint8Array(GREETING_LEN);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = 1;
  g.set(mechanismField(mechanism), MECH_OFF);
  g[AS_SERVER_OFF] = asServer ? 1 : 0;
  return g;
}

/**
 * What auto mode sends once the peer's revision says 3.x (bytes 11-63 of the greeting; the
 * major `03` went earlier): minor `01`, our mechanism padded to 20 bytes, as-server (`01`
 * on the server side of PLAIN/CURVE, else `00`), filler.
 */
export function greetingTail(mechanism: MechanismName, asServer: boolean): Uint8Array {
  const rest = new Uint8Array(GREETING_LEN - SIG_LEN - 1);
  rest[0] = 1;
  rest.set(mechanismField(mechanism), MECH_OFF - SIG_LEN - 1);
  rest[AS_SERVER_OFF - SIG_LEN - 1] = asServer ? 1 : 0;
  return rest;
}

/**
 * Null if the whole greeting in `b` names our mechanism `ours` (an exact 20-byte compare,
 * so `null` is not `NULL`), else the name it gives instead. The peer's as-server byte is
 * not read (docs/security.md §1).
 */
export function foreignMechanism(b: Uint8Array, ours: MechanismName): string | null {
  const want = mechanismField(ours);
  for (let i = 0; i < MECH_LEN; i++) {
    if (b[MECH_OFF + i] !== want[i]) {
      return String.fromCharCode(...b.subarray(MECH_OFF, MECH_OFF + MECH_LEN))
        .replace(/\0+$/, "");
    }
  }
  return null;
}

/** The dialect a whole ZMTP/3.x greeting announces: major 3 minor 0 is "3.0", all else "3.1". */
export function greetingVersion(b: Uint8Array): "3.0" | "3.1" {
  return b[10] === 3 && b[11] === 0 ? "3.0" : "3.1";
}

/** What a ZMTP/2.0 peer gets after our major version: our type byte, then `00 <len> <id>`. */
export function v2Hello(socketType: string, identity: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + encodedSize3(identity.length));
  out[0] = v2TypeByte(socketType);
  encodeFrame3(out, 1, 0, identity);
  return out;
}

/** The name a ZMTP/2.0 peer's type byte stands for, null if none. */
export function v2TypeName(byte: number): string | null {
  return V2_NAMES[byte] ?? null;
}

function v2TypeByte(type: string): number {
  const i = V2_NAMES.indexOf(type);
  if (i >= 0) return i;
  const j = (SOCKET_TYPE_NAMES as readonly string[]).indexOf(type); // XREQ, XREP
  return j < 0 ? 0 : j;
}
