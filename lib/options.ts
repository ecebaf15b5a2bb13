/**
 * Socket options: names, kinds, defaults and validation of the generic table of
 * Crossroads I/O 1.2.0 (`src/options.cpp`), shared by both faces. Type-specific options
 * (SUB's XS_SUBSCRIBE...) are asked of the socket type first (protocols/protocol.ts).
 *
 * Kinds: `int` (C `int`, 4 bytes), `i64` (8 bytes), `bytes` (binary). The C face checks
 * `optvallen` against the kind and converts; this table sees typed values only.
 *
 * Runs on: API thread.
 */
import * as C from "./constants.ts";
import { ROWS, type Value } from "./option_rows.ts";

/** Wire dialects of `XS_WIRE_MODE` (docs/wire.md), named as the idiomatic face names them. */
export type WireMode = "auto" | "xs1" | "zmtp1" | "zmtp3";
/** The wire dialects in `XS_WIRE_MODE` order (the option's value is the index). */
export const WIRE_MODES: readonly WireMode[] = ["auto", "xs1", "zmtp1", "zmtp3"];

/** The kind of value an option holds. */
export type OptionKind = "int" | "i64" | "bytes";

/**
 * How the idiomatic face shows a value: as the C kind, or as a boolean, a wire-mode name,
 * UTF-8 text (`text`: PLAIN credentials, the ZAP domain, wss:// PEMs), or a CURVE key in Z85 (`key`: set as Z85 or 32 bytes).
 */
export type FaceKind = OptionKind | "bool" | "wire" | "text" | "key";

/** When a value set on a socket takes effect. */
export type Applies =
  | "now"
  | "endpoints made after"
  | "pipes made after"
  | "subscriptions made after"
  | "surveys made after"
  | "the next connect"
  | "accepted, not used";

type ValueOf<K extends OptionKind> = K extends "int" ? number : K extends "i64" ? bigint
: Uint8Array;

/**
 * Every option value a socket keeps, by key. Written out (a published type must not be
 * inferred, for JSR); `SameAsTable` below fails to compile if it and the table part ways.
 */
export interface OptionValues {
  /** XS_SNDHWM. */
  sndhwm: number;
  /** XS_RCVHWM. */
  rcvhwm: number;
  /** XS_AFFINITY. */
  affinity: bigint;
  /** XS_IDENTITY. */
  identity: Uint8Array;
  /** XS_RATE. */
  rate: number;
  /** XS_RECOVERY_IVL. */
  recoveryIvl: number;
  /** XS_SNDBUF. */
  sndbuf: number;
  /** XS_RCVBUF. */
  rcvbuf: number;
  /** XS_LINGER. */
  linger: number;
  /** XS_RECONNECT_IVL. */
  reconnectIvl: number;
  /** XS_RECONNECT_IVL_MAX. */
  reconnectIvlMax: number;
  /** XS_BACKLOG. */
  backlog: number;
  /** XS_MAXMSGSIZE. */
  maxmsgsize: bigint;
  /** XS_MULTICAST_HOPS. */
  multicastHops: number;
  /** XS_RCVTIMEO. */
  rcvtimeo: number;
  /** XS_SNDTIMEO. */
  sndtimeo: number;
  /** XS_IPV4ONLY. */
  ipv4only: number;
  /** XS_KEEPALIVE. */
  keepalive: number;
  /** XS_PROTOCOL. */
  protocol: number;
  /** XS_FILTER. */
  filter: number;
  /** XS_SURVEY_TIMEOUT. */
  surveyTimeout: number;
  /** XS_WIRE_MODE. */
  wireMode: number;
  /** XS_HEARTBEAT_IVL (extension). */
  heartbeatIvl: number;
  /** XS_HEARTBEAT_TIMEOUT (extension). */
  heartbeatTimeout: number;
  /** XS_HEARTBEAT_TTL (extension). */
  heartbeatTtl: number;
  /** XS_HANDSHAKE_IVL (extension). */
  handshakeIvl: number;
  /** XS_PLAIN_SERVER (extension). */
  plainServer: number;
  /** XS_PLAIN_USERNAME (extension). */
  plainUsername: Uint8Array;
  /** XS_PLAIN_PASSWORD (extension). */
  plainPassword: Uint8Array;
  /** XS_CURVE_SERVER (extension). */
  curveServer: number;
  /** XS_CURVE_PUBLICKEY (extension): 32 bytes, or none. */
  curvePublicKey: Uint8Array;
  /** XS_CURVE_SECRETKEY (extension): 32 bytes, or none. */
  curveSecretKey: Uint8Array;
  /** XS_CURVE_SERVERKEY (extension): 32 bytes, or none. */
  curveServerKey: Uint8Array;
  /** XS_ZAP_DOMAIN (extension). */
  zapDomain: Uint8Array;
  /** XS_WSS_KEY_PEM (extension). */
  wssKeyPem: Uint8Array;
  /** XS_WSS_CERT_PEM (extension). */
  wssCertPem: Uint8Array;
  /** XS_WSS_TRUST_PEM (extension). */
  wssTrustPem: Uint8Array;
  /** XS_WSS_HOSTNAME (extension). */
  wssHostname: Uint8Array;
  /** XS_WSS_TRUST_SYSTEM (extension). */
  wssTrustSystem: number;
  /** XS_ROUTER_MANDATORY (extension). */
  routerMandatory: number;
  /** XS_CONNECT_ROUTING_ID (extension): the next connect's, empty once used. */
  connectRoutingId: Uint8Array;
}

/** The idiomatic face's option names (the key, or `faceKey` where a row has one). */
export type FaceKey =
  | "sndhwm"
  | "rcvhwm"
  | "affinity"
  | "identity"
  | "rate"
  | "recoveryIvl"
  | "sndbuf"
  | "rcvbuf"
  | "linger"
  | "reconnectIvl"
  | "reconnectIvlMax"
  | "backlog"
  | "maxmsgsize"
  | "multicastHops"
  | "rcvtimeo"
  | "sndtimeo"
  | "ipv4only"
  | "keepalive"
  | "protocol"
  | "filter"
  | "surveyTimeout"
  | "wire"
  | "heartbeatIvl"
  | "heartbeatTimeout"
  | "heartbeatTtl"
  | "handshakeIvl"
  | "plainServer"
  | "plainUsername"
  | "plainPassword"
  | "curveServer"
  | "curvePublicKey"
  | "curveSecretKey"
  | "curveServerKey"
  | "zapDomain"
  | "wssKeyPem"
  | "wssCertPem"
  | "wssTrustPem"
  | "wssHostname"
  | "wssTrustSystem"
  | "routerMandatory"
  | "connectRoutingId";

type Row = typeof ROWS[number];
type FaceKeyOf<R> = R extends { faceKey: infer F } ? F : R extends { key: infer K } ? K : never;
type FromTable = { -readonly [R in Row as R["key"]]: ValueOf<R["kind"]> };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time check: the written-out types are exactly what the table says. */
const SameAsTable: [Same<OptionValues, FromTable>, Same<FaceKey, FaceKeyOf<Row>>] = [true, true];
void SameAsTable;

/** One row of the option table. */
export interface OptionDef {
  /** `XS_*` number. */
  readonly id: number;
  /** `XS_*` name. */
  readonly name: string;
  /** The engine's key in `OptionValues`. */
  readonly key: keyof OptionValues;
  /** Value kind. */
  readonly kind: OptionKind;
  /** The Crossroads I/O 1.2.0 default (SUB/XSUB override sndhwm and linger with 0). */
  readonly default: Value;
  /** Validation of a set value; false → EINVAL. */
  readonly valid?: ((v: Value) => boolean) | undefined;
  /** The value kept for an accepted one, if not the value itself (a Z85 key's 32 bytes). */
  readonly store?: ((v: Value) => Value) | undefined;
  /** The values `valid` accepts, in words (docs/api.md §6). */
  readonly range: string;
  /** When a new value takes effect. */
  readonly applies: Applies;
  /** The idiomatic face's name and kind for it. */
  readonly face: { readonly key: FaceKey; readonly kind: FaceKind };
}

/** The generic option table, by `XS_*` number. */
export const OPTIONS: ReadonlyMap<number, OptionDef> = new Map<number, OptionDef>(
  ROWS.map((r): [number, OptionDef] => [r.id, {
    id: r.id,
    name: r.name,
    key: r.key,
    kind: r.kind,
    default: r.default,
    valid: "valid" in r ? r.valid : undefined,
    store: "store" in r ? r.store : undefined,
    range: r.range,
    applies: r.applies,
    face: { key: ("faceKey" in r ? r.faceKey : r.key) as FaceKey, kind: r.face },
  }]),
);

/** Defaults of Crossroads I/O 1.2.0 for a new socket (fresh byte arrays). */
export function defaultOptions(): OptionValues {
  const o = {} as Record<keyof OptionValues, Value>;
  for (const r of ROWS) o[r.key] = r.default instanceof Uint8Array ? r.default.slice() : r.default;
  return o as OptionValues;
}

/** Get-only options (set → EINVAL), all `int`. */
export const GET_ONLY: ReadonlySet<number> = new Set([
  C.XS_RCVMORE,
  C.XS_FD,
  C.XS_EVENTS,
  C.XS_TYPE,
  C.XS_MECHANISM,
]);

/** The kind of an option number (also for type-specific and get-only ones), or undefined. */
export function optionKind(id: number): OptionKind | undefined {
  if (OPTIONS.has(id)) return OPTIONS.get(id)!.kind;
  if (GET_ONLY.has(id)) return "int";
  if (id === C.XS_SUBSCRIBE || id === C.XS_UNSUBSCRIBE) return "bytes";
  return undefined;
}
