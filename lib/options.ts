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

/** One row of the option table. */
export interface OptionDef {
  /** `XS_*` number. */
  readonly id: number;
  /** camelCase name used by the idiomatic face. */
  readonly key: keyof OptionValues;
  /** Value kind. */
  readonly kind: OptionKind;
  /** May it be set? (get-only options are refused with EINVAL on set) */
  readonly settable: boolean;
  /** Validation of a set value; false → EINVAL. */
  readonly valid?: (v: number | bigint | Uint8Array) => boolean;
}

/** Every option value a socket keeps. */
export interface OptionValues {
  sndhwm: number;
  rcvhwm: number;
  affinity: bigint;
  identity: Uint8Array;
  rate: number;
  recoveryIvl: number;
  sndbuf: number;
  rcvbuf: number;
  linger: number;
  reconnectIvl: number;
  reconnectIvlMax: number;
  backlog: number;
  maxmsgsize: bigint;
  multicastHops: number;
  rcvtimeo: number;
  sndtimeo: number;
  ipv4only: number;
  keepalive: number;
  protocol: number;
  filter: number;
  surveyTimeout: number;
  wireMode: number;
}

/** Defaults of Crossroads I/O 1.2.0 (SUB/XSUB override sndhwm and linger with 0). */
export function defaultOptions(): OptionValues {
  return {
    sndhwm: 1000,
    rcvhwm: 1000,
    affinity: 0n,
    identity: new Uint8Array(0),
    rate: 100,
    recoveryIvl: 10000,
    sndbuf: 0,
    rcvbuf: 0,
    linger: -1,
    reconnectIvl: 100,
    reconnectIvlMax: 0,
    backlog: 100,
    maxmsgsize: -1n,
    multicastHops: 1,
    rcvtimeo: -1,
    sndtimeo: -1,
    ipv4only: 1,
    keepalive: 0,
    protocol: 0,
    filter: 1,
    surveyTimeout: -1,
    wireMode: 0,
  };
}

const nonNeg = (v: number | bigint | Uint8Array) => (v as number) >= 0;
const positive = (v: number | bigint | Uint8Array) => (v as number) > 0;
const bool = (v: number | bigint | Uint8Array) => v === 0 || v === 1;

/** The generic option table, by `XS_*` number. */
export const OPTIONS: ReadonlyMap<number, OptionDef> = new Map<number, OptionDef>([
  [C.XS_SNDHWM, { id: C.XS_SNDHWM, key: "sndhwm", kind: "int", settable: true, valid: nonNeg }],
  [C.XS_RCVHWM, { id: C.XS_RCVHWM, key: "rcvhwm", kind: "int", settable: true, valid: nonNeg }],
  [C.XS_AFFINITY, { id: C.XS_AFFINITY, key: "affinity", kind: "i64", settable: true }],
  [C.XS_IDENTITY, {
    id: C.XS_IDENTITY,
    key: "identity",
    kind: "bytes",
    settable: true,
    valid: (v) => v instanceof Uint8Array && v.length >= 1 && v.length <= 255 && v[0] !== 0,
  }],
  [C.XS_RATE, { id: C.XS_RATE, key: "rate", kind: "int", settable: true, valid: positive }],
  [C.XS_RECOVERY_IVL, {
    id: C.XS_RECOVERY_IVL,
    key: "recoveryIvl",
    kind: "int",
    settable: true,
    valid: nonNeg,
  }],
  [C.XS_SNDBUF, { id: C.XS_SNDBUF, key: "sndbuf", kind: "int", settable: true, valid: nonNeg }],
  [C.XS_RCVBUF, { id: C.XS_RCVBUF, key: "rcvbuf", kind: "int", settable: true, valid: nonNeg }],
  [C.XS_LINGER, { id: C.XS_LINGER, key: "linger", kind: "int", settable: true }],
  [C.XS_RECONNECT_IVL, {
    id: C.XS_RECONNECT_IVL,
    key: "reconnectIvl",
    kind: "int",
    settable: true,
    valid: nonNeg,
  }],
  [C.XS_RECONNECT_IVL_MAX, {
    id: C.XS_RECONNECT_IVL_MAX,
    key: "reconnectIvlMax",
    kind: "int",
    settable: true,
    valid: nonNeg,
  }],
  [C.XS_BACKLOG, { id: C.XS_BACKLOG, key: "backlog", kind: "int", settable: true }],
  [C.XS_MAXMSGSIZE, { id: C.XS_MAXMSGSIZE, key: "maxmsgsize", kind: "i64", settable: true }],
  [C.XS_MULTICAST_HOPS, {
    id: C.XS_MULTICAST_HOPS,
    key: "multicastHops",
    kind: "int",
    settable: true,
    valid: positive,
  }],
  [C.XS_RCVTIMEO, { id: C.XS_RCVTIMEO, key: "rcvtimeo", kind: "int", settable: true }],
  [C.XS_SNDTIMEO, { id: C.XS_SNDTIMEO, key: "sndtimeo", kind: "int", settable: true }],
  [C.XS_IPV4ONLY, { id: C.XS_IPV4ONLY, key: "ipv4only", kind: "int", settable: true, valid: bool }],
  [C.XS_KEEPALIVE, {
    id: C.XS_KEEPALIVE,
    key: "keepalive",
    kind: "int",
    settable: true,
    valid: bool,
  }],
  [C.XS_PROTOCOL, {
    id: C.XS_PROTOCOL,
    key: "protocol",
    kind: "int",
    settable: true,
    valid: nonNeg,
  }],
  [C.XS_FILTER, { id: C.XS_FILTER, key: "filter", kind: "int", settable: true }],
  [C.XS_SURVEY_TIMEOUT, {
    id: C.XS_SURVEY_TIMEOUT,
    key: "surveyTimeout",
    kind: "int",
    settable: true,
  }],
  [C.XS_WIRE_MODE, {
    id: C.XS_WIRE_MODE,
    key: "wireMode",
    kind: "int",
    settable: true,
    valid: (v) => v === 0 || v === 1 || v === 2 || v === 3,
  }],
]);

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
