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

/** Wire dialects of `XS_WIRE_MODE` (docs/wire.md), named as the idiomatic face names them. */
export type WireMode = "auto" | "xs1" | "zmtp1" | "zmtp3";
/** The wire dialects in `XS_WIRE_MODE` order (the option's value is the index). */
export const WIRE_MODES: readonly WireMode[] = ["auto", "xs1", "zmtp1", "zmtp3"];

/** The kind of value an option holds. */
export type OptionKind = "int" | "i64" | "bytes";

/** How the idiomatic face shows a value: as the C kind, or as a boolean or a wire-mode name. */
export type FaceKind = OptionKind | "bool" | "wire";

/** When a value set on a socket takes effect. */
export type Applies =
  | "now"
  | "endpoints made after"
  | "pipes made after"
  | "subscriptions made after"
  | "surveys made after"
  | "accepted, not used";

type Value = number | bigint | Uint8Array;
type ValueOf<K extends OptionKind> = K extends "int" ? number : K extends "i64" ? bigint
: Uint8Array;

const nonNeg = (v: Value) => (v as number) >= 0;
const positive = (v: Value) => (v as number) > 0;
const bool = (v: Value) => v === 0 || v === 1;

/**
 * THE option table: every generic socket option once, with everything both faces derive
 * from it: the `XS_*` number and name, the engine's key and kind, the Crossroads I/O 1.2.0
 * default, the check of a set value (false → EINVAL) and its range in words, when a value
 * takes effect, and the idiomatic face's name and kind (`face`; its key is `key` unless
 * `faceKey` says otherwise).
 * docs/api.md §6 lists the same rows for readers; tests/options_test.ts keeps the two
 * faces, the accessors and that list in step with this table.
 */
const ROWS = [
  {
    id: C.XS_SNDHWM,
    name: "XS_SNDHWM",
    range: "≥ 0 (0 = none)",
    key: "sndhwm",
    kind: "int",
    default: 1000,
    valid: nonNeg,
    applies: "endpoints made after",
    face: "int",
  },
  {
    id: C.XS_RCVHWM,
    name: "XS_RCVHWM",
    range: "≥ 0 (0 = none)",
    key: "rcvhwm",
    kind: "int",
    default: 1000,
    valid: nonNeg,
    applies: "endpoints made after",
    face: "int",
  },
  {
    id: C.XS_AFFINITY,
    name: "XS_AFFINITY",
    range: "any bitmask",
    key: "affinity",
    kind: "i64",
    default: 0n,
    applies: "accepted, not used",
    face: "i64",
  },
  {
    id: C.XS_IDENTITY,
    name: "XS_IDENTITY",
    range: "1–255 bytes, first not 0",
    key: "identity",
    kind: "bytes",
    default: new Uint8Array(0),
    valid: (v: Value) => v instanceof Uint8Array && v.length >= 1 && v.length <= 255 && v[0] !== 0,
    applies: "endpoints made after",
    face: "bytes",
  },
  {
    id: C.XS_RATE,
    name: "XS_RATE",
    range: "> 0",
    key: "rate",
    kind: "int",
    default: 100,
    valid: positive,
    applies: "accepted, not used",
    face: "int",
  },
  {
    id: C.XS_RECOVERY_IVL,
    name: "XS_RECOVERY_IVL",
    range: "≥ 0",
    key: "recoveryIvl",
    kind: "int",
    default: 10000,
    valid: nonNeg,
    applies: "accepted, not used",
    face: "int",
  },
  {
    id: C.XS_SNDBUF,
    name: "XS_SNDBUF",
    range: "≥ 0",
    key: "sndbuf",
    kind: "int",
    default: 0,
    valid: nonNeg,
    applies: "accepted, not used",
    face: "int",
  },
  {
    id: C.XS_RCVBUF,
    name: "XS_RCVBUF",
    range: "≥ 0",
    key: "rcvbuf",
    kind: "int",
    default: 0,
    valid: nonNeg,
    applies: "accepted, not used",
    face: "int",
  },
  {
    id: C.XS_LINGER,
    name: "XS_LINGER",
    range: "any (< 0 = forever)",
    key: "linger",
    kind: "int",
    default: -1,
    applies: "now",
    face: "int",
  },
  {
    id: C.XS_RECONNECT_IVL,
    name: "XS_RECONNECT_IVL",
    range: "≥ 0",
    key: "reconnectIvl",
    kind: "int",
    default: 100,
    valid: nonNeg,
    applies: "endpoints made after",
    face: "int",
  },
  {
    id: C.XS_RECONNECT_IVL_MAX,
    name: "XS_RECONNECT_IVL_MAX",
    range: "≥ 0 (0 = no back-off)",
    key: "reconnectIvlMax",
    kind: "int",
    default: 0,
    valid: nonNeg,
    applies: "endpoints made after",
    face: "int",
  },
  {
    id: C.XS_BACKLOG,
    name: "XS_BACKLOG",
    range: "any",
    key: "backlog",
    kind: "int",
    default: 100,
    applies: "endpoints made after",
    face: "int",
  },
  {
    id: C.XS_MAXMSGSIZE,
    name: "XS_MAXMSGSIZE",
    range: "any (< 0 = none)",
    key: "maxmsgsize",
    kind: "i64",
    default: -1n,
    applies: "endpoints made after",
    face: "i64",
  },
  {
    id: C.XS_MULTICAST_HOPS,
    name: "XS_MULTICAST_HOPS",
    range: "> 0",
    key: "multicastHops",
    kind: "int",
    default: 1,
    valid: positive,
    applies: "accepted, not used",
    face: "int",
  },
  {
    id: C.XS_RCVTIMEO,
    name: "XS_RCVTIMEO",
    range: "any (< 0 = none)",
    key: "rcvtimeo",
    kind: "int",
    default: -1,
    applies: "now",
    face: "int",
  },
  {
    id: C.XS_SNDTIMEO,
    name: "XS_SNDTIMEO",
    range: "any (< 0 = none)",
    key: "sndtimeo",
    kind: "int",
    default: -1,
    applies: "now",
    face: "int",
  },
  {
    id: C.XS_IPV4ONLY,
    name: "XS_IPV4ONLY",
    range: "0 or 1",
    key: "ipv4only",
    kind: "int",
    default: 1,
    valid: bool,
    applies: "endpoints made after",
    face: "bool",
  },
  {
    id: C.XS_KEEPALIVE,
    name: "XS_KEEPALIVE",
    range: "0 or 1",
    key: "keepalive",
    kind: "int",
    default: 0,
    valid: bool,
    applies: "endpoints made after",
    face: "bool",
  },
  {
    id: C.XS_PROTOCOL,
    name: "XS_PROTOCOL",
    range: "≥ 0",
    key: "protocol",
    kind: "int",
    default: 0,
    valid: nonNeg,
    applies: "pipes made after",
    face: "int",
  },
  {
    id: C.XS_FILTER,
    name: "XS_FILTER",
    range: "any filter id",
    key: "filter",
    kind: "int",
    default: 1,
    applies: "subscriptions made after",
    face: "int",
  },
  {
    id: C.XS_SURVEY_TIMEOUT,
    name: "XS_SURVEY_TIMEOUT",
    range: "any (< 0 = none)",
    key: "surveyTimeout",
    kind: "int",
    default: -1,
    applies: "surveys made after",
    face: "int",
  },
  {
    id: C.XS_WIRE_MODE,
    name: "XS_WIRE_MODE",
    range: "0–3: auto, xs1, zmtp1, zmtp3",
    key: "wireMode",
    kind: "int",
    default: 0,
    valid: (v: Value) => v === 0 || v === 1 || v === 2 || v === 3,
    applies: "endpoints made after",
    face: "wire",
    faceKey: "wire",
  },
] as const;

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
  | "wire";

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
  /** May it be set? (get-only options are refused with EINVAL on set) */
  readonly settable: boolean;
  /** Validation of a set value; false → EINVAL. */
  readonly valid?: (v: Value) => boolean;
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
    settable: true,
    valid: "valid" in r ? r.valid : undefined,
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
]);

/** The kind of an option number (also for type-specific and get-only ones), or undefined. */
export function optionKind(id: number): OptionKind | undefined {
  if (OPTIONS.has(id)) return OPTIONS.get(id)!.kind;
  if (GET_ONLY.has(id)) return "int";
  if (id === C.XS_SUBSCRIBE || id === C.XS_UNSUBSCRIBE) return "bytes";
  return undefined;
}
