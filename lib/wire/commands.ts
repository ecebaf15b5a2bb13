/**
 * ZMTP/3.x command frames (docs/wire.md §3.3, §3.4, §3.7, §3.8): builders that return whole frames
 * (header `04`/`06` included) and parsers of command bodies.
 *
 * A command body is `name_len (1) | name | data`; names are ASCII and length-prefixed
 * (no NUL separator, despite RFC 37's prose).
 *
 * Runs on: I/O worker
 */
import { FLAG_COMMAND } from "./frame.ts";
import { encodedSize3, encodeFrame3 } from "./encoder.ts";
import { encodeMetadata } from "./metadata.ts";

/** A parsed command body. `data` is a view into the parsed body. */
export interface Command {
  /** Command name, e.g. "READY". */
  name: string;
  /** Bytes after the name. */
  data: Uint8Array;
}

/** Longest PING context and PONG echo (docs/wire.md §7). */
export const MAX_PING_CONTEXT = 16;

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) throw new RangeError(`Cannot encode non-ASCII text "${s}"`);
    out[i] = c;
  }
  return out;
}

/**
 * Builds a whole command frame: header with the COMMAND bit (and LONG when needed), then
 * `name_len | name | data`.
 *
 * @param name ASCII command name, 1..255 characters.
 * @param data Command data.
 * @returns The frame bytes.
 * @throws {RangeError} If the name is empty, too long or not ASCII.
 * @example
 * ```ts
 * import { encodeCommand } from "./commands.ts";
 * encodeCommand("PONG", new Uint8Array(0)); // 04 05 04 50 4F 4E 47
 * ```
 */
export function encodeCommand(name: string, data: Uint8Array): Uint8Array {
  if (name.length < 1 || name.length > 255) {
    throw new RangeError(`Cannot encode command name of length ${name.length}`);
  }
  const n = ascii(name);
  const body = new Uint8Array(1 + n.length + data.length);
  body[0] = n.length;
  body.set(n, 1);
  body.set(data, 1 + n.length);
  const out = new Uint8Array(encodedSize3(body.length));
  encodeFrame3(out, 0, FLAG_COMMAND, body);
  return out;
}

/**
 * Splits a command body into name and data.
 *
 * @param body The frame body of a command.
 * @returns The command, or null if the body is empty or `name_len` exceeds it.
 * @example
 * ```ts
 * import { parseCommand } from "./commands.ts";
 * parseCommand(new Uint8Array([4, 0x50, 0x4f, 0x4e, 0x47, 0x63])); // { name: "PONG", data: [0x63] }
 * ```
 */
export function parseCommand(body: Uint8Array): Command | null {
  if (body.length === 0) return null;
  const len = body[0]!;
  if (1 + len > body.length) return null;
  return {
    name: String.fromCharCode(...body.subarray(1, 1 + len)),
    data: body.subarray(1 + len),
  };
}

/**
 * Builds the READY command of the NULL mechanism exactly as libzmq does (docs/wire.md §3.4):
 * `Socket-Type` first, then `Identity` when `identity` is not null. libzmq sends Identity
 * only for REQ, DEALER and ROUTER; choosing is the caller's job (pass null otherwise), as
 * is mapping Crossroads names (XREQ -> DEALER, XREP -> ROUTER).
 *
 * @param socketType Upper-case ZMTP socket type name, e.g. "DEALER".
 * @param identity Our identity (possibly empty), or null to leave the property out.
 * @returns The whole frame.
 * @example
 * ```ts
 * import { readyFrame } from "./commands.ts";
 * readyFrame("REP", null); // 04 19 05 "READY" 0B "Socket-Type" 00 00 00 03 "REP"
 * ```
 */
export function readyFrame(socketType: string, identity: Uint8Array | null): Uint8Array {
  const props: [string, Uint8Array][] = [["Socket-Type", ascii(socketType)]];
  if (identity !== null) props.push(["Identity", identity]);
  return encodeCommand("READY", encodeMetadata(props));
}

/**
 * Builds a PING command: `ttl (2, BE, deciseconds) | context`.
 *
 * @param ttlDeciseconds Remote TTL in tenths of a second, clamped to 0..65535.
 * @param context Up to 16 bytes echoed by the peer; longer input is truncated.
 * @returns The whole frame.
 * @example
 * ```ts
 * import { pingFrame } from "./commands.ts";
 * pingFrame(15, new Uint8Array(0)); // 04 07 04 50 49 4E 47 00 0F
 * ```
 */
export function pingFrame(ttlDeciseconds: number, context: Uint8Array): Uint8Array {
  const ttl = Math.max(0, Math.min(0xffff, Math.trunc(ttlDeciseconds)));
  const ctx = context.subarray(0, MAX_PING_CONTEXT);
  const data = new Uint8Array(2 + ctx.length);
  data[0] = ttl >>> 8;
  data[1] = ttl & 0xff;
  data.set(ctx, 2);
  return encodeCommand("PING", data);
}

/**
 * Builds a PONG command echoing the first 16 bytes of a PING's context (docs/wire.md §7).
 *
 * @param context The PING's context.
 * @returns The whole frame.
 * @example
 * ```ts
 * import { pongFrame } from "./commands.ts";
 * pongFrame(new Uint8Array([0x63, 0x74, 0x78])); // 04 08 04 50 4F 4E 47 63 74 78
 * ```
 */
export function pongFrame(context: Uint8Array): Uint8Array {
  return encodeCommand("PONG", context.subarray(0, MAX_PING_CONTEXT));
}

/**
 * Reads a PING's data (the bytes after the name). Data shorter than the 2-byte ttl reads
 * as ttl 0 with an empty context (docs/wire.md §8.1 row 28: never echo what is not there).
 * The context is a view, not truncated; `pongFrame` truncates it.
 *
 * @param data Command data of a PING.
 * @returns `ttl` in deciseconds and the `context` view.
 * @example
 * ```ts
 * import { parsePing } from "./commands.ts";
 * parsePing(new Uint8Array([0, 15])); // { ttl: 15, context: [] }
 * ```
 */
export function parsePing(data: Uint8Array): { ttl: number; context: Uint8Array } {
  if (data.length < 2) return { ttl: 0, context: data.subarray(0, 0) };
  return { ttl: (data[0]! << 8) | data[1]!, context: data.subarray(2) };
}

/**
 * Builds an ERROR command: `reason_len (1) | reason` (reason truncated to 255 bytes).
 *
 * @param reason ASCII text (or raw bytes), e.g. "400".
 * @returns The whole frame.
 * @example
 * ```ts
 * import { errorFrame } from "./commands.ts";
 * errorFrame("400"); // 04 0A 05 "ERROR" 03 "400"
 * ```
 */
export function errorFrame(reason: string | Uint8Array): Uint8Array {
  const r = (typeof reason === "string" ? ascii(reason) : reason).subarray(0, 255);
  const data = new Uint8Array(1 + r.length);
  data[0] = r.length;
  data.set(r, 1);
  return encodeCommand("ERROR", data);
}

/**
 * Reads an ERROR command's data.
 *
 * @param data Command data of an ERROR.
 * @returns The reason text, or null if `reason_len` exceeds the data (docs/wire.md §8.1 row 34).
 * @example
 * ```ts
 * import { parseError } from "./commands.ts";
 * parseError(new Uint8Array([3, 0x34, 0x30, 0x30])); // "400"
 * ```
 */
export function parseError(data: Uint8Array): string | null {
  if (data.length === 0) return null;
  const len = data[0]!;
  if (1 + len > data.length) return null;
  return String.fromCharCode(...data.subarray(1, 1 + len));
}
