/**
 * ZAP, the ZeroMQ Authentication Protocol (ZeroMQ RFC 27; docs/security.md §7): the frames a
 * server-side mechanism's request and the handler's reply consist of, as a libzmq-compatible
 * handler socket bound at `inproc://zeromq.zap.01` exchanges them. Both sides are here: the
 * asking side (`zapRequestFrames`, `parseZapReply`) and the handler side, for our
 * Authenticator (`parseZapRequest`, `zapReplyFrames`).
 *
 * Frames are given and returned without the envelope (a REQ/DEALER's empty delimiter,
 * a ROUTER's routing id): the caller adds and strips it. Text frames are UTF-8.
 *
 * Request: `"1.0" | request id | domain | address | identity | mechanism | credentials...`
 * (NULL: none; PLAIN: username, password; CURVE: the client's 32-byte public key).
 * Reply: exactly `"1.0" | request id | status code | status text | user id | metadata`,
 * the status code one of `200` (allow), `300` (temporary failure), `400` (deny), `500`
 * (internal error), the metadata in the ZMTP property encoding (docs/wire.md §3.4).
 *
 * Runs on: I/O worker (the asking side); the Authenticator's thread (the handler side).
 */
import type { ZapAnswer, ZapRequest } from "./mechanism.ts";
import { encodeMetadata, parseMetadata } from "../wire/metadata.ts";

/** The endpoint a ZAP handler binds (RFC 27). */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01";

/** The only ZAP version there is. */
const VERSION = "1.0";

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** UTF-8 text of a frame, or null if it is not valid UTF-8. */
function text(frame: Uint8Array): string | null {
  try {
    return strictUtf8.decode(frame);
  } catch {
    return null;
  }
}

/** A frame's text for an error message: its first 32 bytes, control characters escaped. */
function quote(frame: Uint8Array): string {
  const t = lossyUtf8.decode(frame.subarray(0, 32));
  let shown = "";
  for (const c of t) {
    const code = c.charCodeAt(0);
    shown += code < 0x20 || code === 0x7f || c === '"' || c === "\\"
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : c;
  }
  return `"${shown}${frame.length > 32 ? "..." : ""}"`;
}

/**
 * The frames of a ZAP request (docs/security.md §7), without envelope.
 *
 * @param r The request: `requestId` (libzmq always uses "1"), the socket's `zapDomain`,
 *   the peer's address (IP text, no port), `identity` (libzmq: the server socket's own
 *   routing id) and the mechanism with its credentials (passed by reference, not copied).
 * @returns `["1.0", requestId, domain, address, identity, mechanism, ...credentials]`.
 * @example The request of a libzmq PLAIN server
 * ```ts
 * import { zapRequestFrames } from "./zap.ts";
 * const b = (s: string) => new TextEncoder().encode(s);
 * const frames = zapRequestFrames({
 *   requestId: "1",
 *   domain: "global",
 *   address: "127.0.0.1",
 *   identity: b("SRV"),
 *   request: { mechanism: "PLAIN", credentials: [b("admin"), b("secret")] },
 * });
 * if (frames.length !== 8) throw new Error("expected 8 frames"); // "1.0" "1" "global" ...
 * ```
 */
export function zapRequestFrames(
  r: {
    requestId: string;
    domain: string;
    address: string;
    identity: Uint8Array;
    request: ZapRequest;
  },
): Uint8Array[] {
  return [
    utf8.encode(VERSION),
    utf8.encode(r.requestId),
    utf8.encode(r.domain),
    utf8.encode(r.address),
    r.identity,
    utf8.encode(r.request.mechanism),
    ...r.request.credentials,
  ];
}

/**
 * Reads a ZAP reply the way libzmq checks it: exactly 6 frames, version "1.0", our request
 * id, a status code of 3 ASCII digits from `200` to `500` ending in `00`, the status text,
 * the user id (UTF-8) and the metadata (may be empty).
 *
 * @param frames The reply's frames after the envelope delimiter.
 * @param requestId The request id we sent.
 * @returns The answer (metadata names lower-cased, values copied), or a string saying what
 *   is wrong with the reply (the caller closes the connection, as libzmq does).
 * @example
 * ```ts
 * import { parseZapReply, zapReplyFrames } from "./zap.ts";
 * const answer = parseZapReply(zapReplyFrames("1", "200", "OK", "admin"), "1");
 * if (typeof answer === "string" || answer.userId !== "admin") throw new Error("bad reply");
 * ```
 */
export function parseZapReply(frames: Uint8Array[], requestId: string): ZapAnswer | string {
  if (frames.length !== 6) {
    return `ZAP reply has ${frames.length} frames, expected 6`;
  }
  const [version, id, status, statusText, userId, metadata] = frames as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  if (text(version) !== VERSION) return `ZAP reply version ${quote(version)} is not "1.0"`;
  if (text(id) !== requestId) {
    return `ZAP reply request id ${quote(id)} does not match the request's`;
  }
  const code = text(status);
  if (code === null || !/^[2-5]00$/.test(code)) {
    return `ZAP reply status code ${quote(status)} is not 200, 300, 400 or 500`;
  }
  const user = text(userId);
  if (user === null) return "ZAP reply user id is not valid UTF-8";
  const props = parseMetadata(metadata);
  if (props === null) return "ZAP reply metadata is malformed";
  const copied = new Map<string, Uint8Array>();
  for (const [name, value] of props) copied.set(name, value.slice());
  return {
    status: code,
    text: lossyUtf8.decode(statusText),
    userId: user,
    metadata: copied,
  };
}

/** A ZAP request as the handler reads it (see `parseZapRequest`). */
export interface ZapRequestFrames {
  /** The version frame; anything but "1.0" should be answered with status 400 or 500. */
  version: string;
  /** The request id, to echo in the reply. */
  requestId: string;
  /** The server socket's ZAP domain. */
  domain: string;
  /** The client's address (IP text, no port). */
  address: string;
  /** The identity frame (libzmq: the server socket's own routing id). */
  identity: Uint8Array;
  /** The mechanism name as sent: "NULL", "PLAIN", "CURVE", or anything a peer wrote. */
  mechanism: string;
  /** The frames after the mechanism (copies). */
  credentials: Uint8Array[];
}

/**
 * Reads a ZAP request on the handler side. Only the structure is checked (at least 6
 * frames, the text frames valid UTF-8): a wrong version or an unknown mechanism is left to
 * the handler, which still knows the request id to answer with.
 *
 * @param frames The request's frames after the envelope delimiter.
 * @returns The request (byte frames copied), or a string saying why it cannot be read (then
 *   it cannot be answered either).
 * @example
 * ```ts
 * import { parseZapRequest, zapRequestFrames } from "./zap.ts";
 * const r = parseZapRequest(zapRequestFrames({
 *   requestId: "7",
 *   domain: "",
 *   address: "10.0.0.1",
 *   identity: new Uint8Array(0),
 *   request: { mechanism: "NULL", credentials: [] },
 * }));
 * if (typeof r === "string" || r.mechanism !== "NULL") throw new Error("bad request");
 * ```
 */
export function parseZapRequest(frames: Uint8Array[]): ZapRequestFrames | string {
  if (frames.length < 6) {
    return `ZAP request has ${frames.length} frames, expected at least 6`;
  }
  const names = ["version", "request id", "domain", "address"] as const;
  const texts: string[] = [];
  for (let i = 0; i < 4; i++) {
    const t = text(frames[i]!);
    if (t === null) return `ZAP request ${names[i]} is not valid UTF-8`;
    texts.push(t);
  }
  const mechanism = text(frames[5]!);
  if (mechanism === null) return "ZAP request mechanism is not valid UTF-8";
  return {
    version: texts[0]!,
    requestId: texts[1]!,
    domain: texts[2]!,
    address: texts[3]!,
    identity: frames[4]!.slice(),
    mechanism,
    credentials: frames.slice(6).map((f) => f.slice()),
  };
}

/**
 * The frames of a ZAP reply, without envelope.
 *
 * @param requestId The request's id, echoed.
 * @param status "200", "300", "400" or "500".
 * @param text Status text (for the requester's logs; never sent to the client).
 * @param userId The user id; it becomes the `User-Id` property on a `200`.
 * @param metadata Properties for the connection (names ASCII, 1..255 characters).
 * @returns `["1.0", requestId, status, text, userId, metadata]`.
 * @throws {RangeError} If `status` is not one of the four codes, or a property name cannot
 *   be encoded.
 * @example
 * ```ts
 * import { zapReplyFrames } from "./zap.ts";
 * const frames = zapReplyFrames("1", "400", "No access", "", [["X-Why", new Uint8Array(0)]]);
 * if (frames.length !== 6) throw new Error("expected 6 frames");
 * ```
 */
export function zapReplyFrames(
  requestId: string,
  status: string,
  text: string,
  userId: string,
  metadata?: Map<string, Uint8Array> | [string, Uint8Array][],
): Uint8Array[] {
  if (!/^[2-5]00$/.test(status)) {
    throw new RangeError(`A ZAP status code is 200, 300, 400 or 500, not "${status}"`);
  }
  const props = metadata === undefined ? [] : [...metadata];
  return [
    utf8.encode(VERSION),
    utf8.encode(requestId),
    utf8.encode(status),
    utf8.encode(text),
    utf8.encode(userId),
    encodeMetadata(props),
  ];
}
