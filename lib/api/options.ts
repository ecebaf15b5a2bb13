/**
 * The socket options of the idiomatic face (lib/api/socket.ts): the `SocketOptions`
 * shape, the accessor table (key → `XS_*` number and kind), the conversion and
 * validation of values before they reach the engine and of read values for the
 * accessors (`optionShown`), plus the argument conversions
 * shared by `send`, `subscribe` and the options (parts to bytes, timeouts).
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { type FaceKey, type FaceKind, OPTIONS, WIRE_MODES, type WireMode } from "../options.ts";
import { parseKey, z85Encode } from "../security/mod.ts";

/** Socket options settable at `ctx.socket(type, options)`; see the `Socket` accessors. */
export interface SocketOptions {
  /** Outbound queue limit in messages (`XS_SNDHWM`). */
  sndhwm?: number | undefined;
  /** Inbound queue limit in messages (`XS_RCVHWM`). */
  rcvhwm?: number | undefined;
  /** ms to flush queued messages after close (`XS_LINGER`; negative = forever). */
  linger?: number | undefined;
  /** Socket identity, 1–255 bytes not starting with 0 (`XS_IDENTITY`). */
  identity?: Uint8Array | string | undefined;
  /** Reconnect delay in ms (`XS_RECONNECT_IVL`). */
  reconnectIvl?: number | undefined;
  /** Reconnect back-off cap in ms (`XS_RECONNECT_IVL_MAX`). */
  reconnectIvlMax?: number | undefined;
  /** Inbound part size limit in bytes, -1 = none (`XS_MAXMSGSIZE`). */
  maxmsgsize?: number | bigint | undefined;
  /** Receive timeout in ms (`XS_RCVTIMEO`; -1 = none). */
  rcvtimeo?: number | undefined;
  /** Send timeout in ms (`XS_SNDTIMEO`; -1 = none). */
  sndtimeo?: number | undefined;
  /** SURVEYOR deadline in ms (`XS_SURVEY_TIMEOUT`). */
  surveyTimeout?: number | undefined;
  /** Listen backlog (`XS_BACKLOG`). */
  backlog?: number | undefined;
  /** I/O thread bitmask (`XS_AFFINITY`). */
  affinity?: number | bigint | undefined;
  /** Multicast rate in kbit/s (`XS_RATE`). */
  rate?: number | undefined;
  /** Multicast recovery interval in ms (`XS_RECOVERY_IVL`). */
  recoveryIvl?: number | undefined;
  /** OS send buffer size, 0 = default (`XS_SNDBUF`). */
  sndbuf?: number | undefined;
  /** OS receive buffer size, 0 = default (`XS_RCVBUF`). */
  rcvbuf?: number | undefined;
  /** Multicast TTL (`XS_MULTICAST_HOPS`). */
  multicastHops?: number | undefined;
  /** tcp: IPv4 only (`XS_IPV4ONLY`, default true). */
  ipv4only?: boolean | undefined;
  /** tcp: SO_KEEPALIVE (`XS_KEEPALIVE`). */
  keepalive?: boolean | undefined;
  /** 1 = 0MQ/2.1-compatible PUB/SUB (`XS_PROTOCOL`). */
  protocol?: number | undefined;
  /** Filter id for later subscriptions (`XS_FILTER`). */
  filter?: number | undefined;
  /**
   * Wire dialect of later tcp/ipc endpoints (extension `XS_WIRE_MODE`, docs/wire.md §4.4):
   * "auto" (default: ZMTP/3.x, 2.0 and 1.0 detected), "xs1" (real Crossroads I/O 1.2.0
   * peers of any type), "zmtp1" (real 0MQ 2.x peers), "zmtp3" (ZMTP/3.x only).
   */
  wire?: WireMode | undefined;
  /**
   * ms between the PINGs sent on each ZMTP/3.x connection of later tcp/ipc endpoints; 0 (the
   * default) = none (extension `XS_HEARTBEAT_IVL`, libzmq's `ZMQ_HEARTBEAT_IVL`, docs/wire.md
   * §7). Alias `heartbeatInterval`.
   */
  heartbeatIvl?: number | undefined;
  /**
   * ms to wait, after a PING, for any traffic from the peer before closing the connection
   * (a connecting side then reconnects); 0 = never; reads -1 until set, which means the
   * interval (extension `XS_HEARTBEAT_TIMEOUT`, libzmq's `ZMQ_HEARTBEAT_TIMEOUT`).
   */
  heartbeatTimeout?: number | undefined;
  /**
   * ms the peer should wait for our traffic before closing, sent in our PINGs in tenths of
   * a second (0–6553599; 0 = none) (extension `XS_HEARTBEAT_TTL`, libzmq's
   * `ZMQ_HEARTBEAT_TTL`). Alias `heartbeatTimeToLive`.
   */
  heartbeatTtl?: number | undefined;
  /**
   * ms a new tcp/ipc connection has to finish its handshake (greeting and READY, or the
   * legacy identity frame) before it is closed; 0 = no limit; default 30000 (extension
   * `XS_HANDSHAKE_IVL`, libzmq's `ZMQ_HANDSHAKE_IVL`). Alias `handshakeInterval`.
   */
  handshakeIvl?: number | undefined;

  // Security (extensions, libzmq's ZMQ_PLAIN_*, ZMQ_CURVE_*, ZMQ_ZAP_DOMAIN; docs/security.md),
  // for later tcp/ipc endpoints. A socket speaks CURVE if `curveServer` or `curveServerKey` is
  // set, else PLAIN if `plainServer` or `plainUsername` is set, else NULL.
  /** This socket is a PLAIN server: peers log in with a username and password, checked by ZAP (`Authenticator`). */
  plainServer?: boolean | undefined;
  /** PLAIN client: the username (0–255 bytes of UTF-8); makes the socket a PLAIN client. */
  plainUsername?: string | Uint8Array | undefined;
  /** PLAIN client: the password (0–255 bytes of UTF-8). */
  plainPassword?: string | Uint8Array | undefined;
  /** This socket is a CURVE server (needs `curveSecretKey`). */
  curveServer?: boolean | undefined;
  /** Our long-term CURVE public key: 40 Z85 characters or 32 bytes (see `curveKeyPair`). */
  curvePublicKey?: string | Uint8Array | undefined;
  /** Our long-term CURVE secret key: 40 Z85 characters or 32 bytes. */
  curveSecretKey?: string | Uint8Array | undefined;
  /** CURVE client: the server's public key (40 Z85 characters or 32 bytes); makes the socket a CURVE client. */
  curveServerKey?: string | Uint8Array | undefined;
  /** The ZAP domain the authenticator is asked about (0–255 bytes); set on a NULL socket, it makes ZAP be asked too. */
  zapDomain?: string | Uint8Array | undefined;

  // wss:// (extensions, libzmq's ZMQ_WSS_*), for later wss:// endpoints.
  /** A wss:// bind's private key, PEM (`XS_WSS_KEY_PEM`); a bind needs it and `wssCertPem`. */
  wssKeyPem?: string | Uint8Array | undefined;
  /** A wss:// bind's certificate chain, PEM, leaf first (`XS_WSS_CERT_PEM`). */
  wssCertPem?: string | Uint8Array | undefined;
  /** Certificates a wss:// connect trusts (a CA, or the server's own), PEM (`XS_WSS_TRUST_PEM`). */
  wssTrustPem?: string | Uint8Array | undefined;
  /** The name a wss:// server's certificate must carry; "" = the endpoint's host (`XS_WSS_HOSTNAME`). */
  wssHostname?: string | Uint8Array | undefined;
  /**
   * A wss:// connect also trusts the runtime's root certificates (default true;
   * `XS_WSS_TRUST_SYSTEM`). Deno adds its roots to `wssTrustPem` regardless.
   */
  wssTrustSystem?: boolean | undefined;

  // ROUTER controls (extensions, libzmq's ZMQ_ROUTER_MANDATORY, ZMQ_CONNECT_ROUTING_ID); ROUTER
  // only (EINVAL on other types, as libzmq).
  /**
   * A message to a peer the ROUTER does not know fails with `EHOSTUNREACH`, and one to a peer at
   * its HWM waits (or fails with `EAGAIN`), instead of being dropped (`XS_ROUTER_MANDATORY`).
   * Alias `mandatory`.
   */
  routerMandatory?: boolean | undefined;
  /**
   * The routing id (1–255 bytes, first not 0) the peer of the ROUTER's next connect gets at once,
   * whatever it announces; that connect uses it up (`XS_CONNECT_ROUTING_ID`). See also
   * `connect(endpoint, { routingId })`.
   */
  connectRoutingId?: Uint8Array | string | undefined;

  // Readable aliases, under zeromq.js's names (OPTION_ALIASES); same values and checks.
  /** Alias of `sndhwm`. */
  sendHighWaterMark?: number | undefined;
  /** Alias of `rcvhwm`. */
  receiveHighWaterMark?: number | undefined;
  /** Alias of `sndtimeo`. */
  sendTimeout?: number | undefined;
  /** Alias of `rcvtimeo`. */
  receiveTimeout?: number | undefined;
  /** Alias of `reconnectIvl`. */
  reconnectInterval?: number | undefined;
  /** Alias of `reconnectIvlMax`. */
  reconnectMaxInterval?: number | undefined;
  /** Alias of `maxmsgsize`. */
  maxMessageSize?: number | bigint | undefined;
  /** Alias of `sndbuf`. */
  sendBufferSize?: number | undefined;
  /** Alias of `rcvbuf`. */
  receiveBufferSize?: number | undefined;
  /** Alias of `identity`. */
  routingId?: Uint8Array | string | undefined;
  /** Alias of `heartbeatIvl`. */
  heartbeatInterval?: number | undefined;
  /** Alias of `heartbeatTtl`. */
  heartbeatTimeToLive?: number | undefined;
  /** Alias of `handshakeIvl`. */
  handshakeInterval?: number | undefined;
  /** Alias of `routerMandatory`. */
  mandatory?: boolean | undefined;
}

/** Readable option names (zeromq.js's) → the Crossroads name they stand for. */
export const OPTION_ALIASES = {
  sendHighWaterMark: "sndhwm",
  receiveHighWaterMark: "rcvhwm",
  sendTimeout: "sndtimeo",
  receiveTimeout: "rcvtimeo",
  reconnectInterval: "reconnectIvl",
  reconnectMaxInterval: "reconnectIvlMax",
  maxMessageSize: "maxmsgsize",
  sendBufferSize: "sndbuf",
  receiveBufferSize: "rcvbuf",
  routingId: "identity",
  heartbeatInterval: "heartbeatIvl",
  heartbeatTimeToLive: "heartbeatTtl",
  handshakeInterval: "handshakeIvl",
  mandatory: "routerMandatory",
} as const satisfies Record<string, FaceKey>;

/** A readable alias of an option (a key of `OPTION_ALIASES`). */
export type AliasKey = keyof typeof OPTION_ALIASES;

export { WIRE_MODES, type WireMode } from "../options.ts";

/** A key of `SocketOptions`: the idiomatic face's option names, from lib/options.ts. */
export type OptionKey = FaceKey;

// Each alias takes what the option it stands for takes.
type SameType<K extends AliasKey> = Same<
  SocketOptions[K],
  SocketOptions[(typeof OPTION_ALIASES)[K]]
>;
const _sameTypes: { [K in AliasKey]: SameType<K> } = {
  sendHighWaterMark: true,
  receiveHighWaterMark: true,
  sendTimeout: true,
  receiveTimeout: true,
  reconnectInterval: true,
  reconnectMaxInterval: true,
  maxMessageSize: true,
  sendBufferSize: true,
  receiveBufferSize: true,
  routingId: true,
  heartbeatInterval: true,
  heartbeatTimeToLive: true,
  handshakeInterval: true,
  mandatory: true,
};

// `SocketOptions` (written out for its documentation) and the table name the same options.
type Same<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
const _sameKeys: Same<Exclude<keyof SocketOptions, AliasKey>, FaceKey> = true;

/** Option accessor table: face key → [XS_* number, face kind], derived from OPTIONS. */
export const OPTION_IDS: Readonly<Record<OptionKey, readonly [number, FaceKind]>> = Object
  .fromEntries(
    [...OPTIONS.values()].map((d) => [d.face.key, [d.id, d.face.kind] as const]),
  ) as Record<
    OptionKey,
    readonly [number, FaceKind]
  >;

/**
 * What reading the option `key` gives: the type `SocketOptions` takes, except `identity`
 * and `connectRoutingId` (always bytes) and `affinity` (always a bigint).
 */
export type OptionRead = {
  [K in OptionKey]-?: K extends "identity" | "connectRoutingId" ? Uint8Array
    : K extends "affinity" ? bigint
    : K extends TextKey ? string
    : Exclude<SocketOptions[K], undefined>;
};

/**
 * The options read as text: PLAIN credentials, the ZAP domain, CURVE keys (Z85, "" if
 * unset), the wss:// PEMs and host name.
 */
type TextKey =
  | "plainUsername"
  | "plainPassword"
  | "zapDomain"
  | "wssKeyPem"
  | "wssCertPem"
  | "wssTrustPem"
  | "wssHostname"
  | "curvePublicKey"
  | "curveSecretKey"
  | "curveServerKey";

/** How the face shows an engine value, by the face kind of the option table. */
const SHOW: Readonly<Record<FaceKind, (v: number | bigint | Uint8Array) => unknown>> = {
  int: (v) => v,
  i64: (v) => v,
  bytes: (v) => v,
  bool: (v) => v === 1,
  wire: (v) => WIRE_MODES[v as number],
  text: (v) => decoder.decode(v as Uint8Array),
  key: (v) => (v as Uint8Array).length === 0 ? "" : z85Encode(v as Uint8Array),
};
const decoder = new TextDecoder();

/**
 * The engine value of the option `key` as the face shows it (`SHOW`); `maxmsgsize`, a
 * size, is a number when it fits a safe integer (`affinity`, a bit mask, stays a bigint).
 */
export function optionShown<K extends OptionKey>(
  key: K,
  v: number | bigint | Uint8Array,
): OptionRead[K] {
  const [id, kind] = OPTION_IDS[key];
  if (id === C.XS_MAXMSGSIZE) {
    const n = v as bigint;
    const safe = n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER);
    return (safe ? Number(n) : n) as OptionRead[K];
  }
  return SHOW[kind](v) as OptionRead[K];
}

const encoder = new TextEncoder();

/**
 * A message part as bytes, without copying: a Uint8Array is used as it is and an
 * ArrayBuffer (or other view) is wrapped, so large parts cost no copy on the API thread.
 * The library may keep a reference until the part was copied into shared memory (or, on
 * inproc, handed to the peer), so the caller must not modify it after `send` (README).
 */
export function toPart(part: unknown): Uint8Array {
  if (part instanceof Uint8Array) return part;
  if (typeof part === "string") return encoder.encode(part);
  if (part instanceof ArrayBuffer) return new Uint8Array(part);
  if (ArrayBuffer.isView(part)) {
    return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  }
  throw new TypeError("A message part must be a Uint8Array, an ArrayBuffer or a string");
}

/** Copies a message part or option value into bytes (strings as UTF-8). */
export function toBytes(part: unknown, what = "A message part"): Uint8Array {
  if (typeof part === "string") return encoder.encode(part);
  // Copied: the engine may keep the bytes (inproc peers read the very same array).
  if (part instanceof Uint8Array) return part.slice();
  if (part instanceof ArrayBuffer) return new Uint8Array(part.slice(0));
  if (ArrayBuffer.isView(part)) {
    return new Uint8Array(
      part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength) as ArrayBuffer,
    );
  }
  throw new TypeError(`${what} must be a Uint8Array, an ArrayBuffer or a string`);
}

/** One part or an array of parts → the message's parts (not copied: see `toPart`). */
export function toMessage(parts: unknown): Uint8Array[] {
  const list = Array.isArray(parts) ? parts : [parts];
  if (list.length === 0) throw new RangeError("Cannot send a message of no parts");
  return list.map(toPart);
}

/** A `WaitOptions.timeout`, checked; `fallback` when not given. */
export function timeoutOf(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || Number.isNaN(v)) {
    throw new TypeError("The timeout must be a number of milliseconds");
  }
  return v;
}

/**
 * Converts and validates a value for the option `key`: returns the `XS_*` number and the
 * engine value, or throws `TypeError` for a wrong type and `RangeError` for a value the
 * option table's check refuses (the C face answers both with EINVAL).
 */
export function optionValue(key: OptionKey, v: unknown): [number, number | bigint | Uint8Array] {
  const [id, kind] = OPTION_IDS[key];
  let value: number | bigint | Uint8Array;
  if (kind === "key") {
    const k = parseKey(v);
    if (typeof k === "string") {
      throw typeof v === "string" || v instanceof Uint8Array
        ? new RangeError(`${key}: ${k}`)
        : new TypeError(`${key}: ${k}`);
    }
    return [id, k];
  }
  if (kind === "bytes" || kind === "text") {
    if (typeof v !== "string" && !(v instanceof Uint8Array)) {
      throw new TypeError(`${key} must be a Uint8Array or a string`);
    }
    value = toBytes(v);
  } else if (kind === "i64") {
    if (typeof v === "number") {
      if (!Number.isSafeInteger(v)) throw new RangeError(`${key} must be an integer`);
      value = BigInt(v);
    } else if (typeof v === "bigint") value = v;
    else throw new TypeError(`${key} must be a number or a bigint`);
    if (value < -(2n ** 63n) || value >= 2n ** 64n) {
      throw new RangeError(`${key} is out of range`);
    }
    value = id === C.XS_MAXMSGSIZE ? BigInt.asIntN(64, value) : BigInt.asUintN(64, value);
  } else if (kind === "wire") {
    value = WIRE_MODES.indexOf(v as WireMode);
    if (value < 0) throw new TypeError(`wire must be one of ${WIRE_MODES.join(", ")}`);
  } else if (kind === "bool") {
    if (typeof v === "boolean") value = v ? 1 : 0;
    else if (v === 0 || v === 1) value = v;
    else throw new TypeError(`${key} must be a boolean`);
  } else {
    if (typeof v !== "number") throw new TypeError(`${key} must be a number`);
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new RangeError(`${key} must be a 32-bit integer`);
    }
    value = v;
  }
  // docs/api.md §6: a value outside the option's range is the caller's error, as a RangeError.
  const def = OPTIONS.get(id);
  if (def?.valid && !def.valid(value)) throw new RangeError(`${key} must be ${def.range}`);
  return [id, value];
}
