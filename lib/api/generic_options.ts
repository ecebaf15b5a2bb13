/**
 * The generic option calls of the idiomatic `Socket` (socket.ts): `getOption(option)` and
 * `setOption(option, value)`, an escape hatch beside the typed accessors for code that
 * holds an option as data (a number from `XS_*`, a name from a configuration file). An
 * option is named by its `XS_*` number (the extensions from 1001 included), its idiomatic
 * name (`"sndhwm"`, `"curveServerKey"`), a readable alias (`"sendHighWaterMark"`) or its
 * `XS_*` name (`"XS_SNDHWM"`). Values convert exactly as the typed accessors convert them
 * (options.ts: booleans, wire-mode names, text, Z85 keys), and what may be read or set on
 * which socket type is what `xs_getsockopt` / `xs_setsockopt` allow: both go to the engine
 * socket's `getOption` / `setOption` (lib/core/socket.ts).
 *
 * Besides the option table (lib/options.ts): the read-only `XS_TYPE`, `XS_RCVMORE`,
 * `XS_EVENTS` and `XS_FD` read as the C face's numbers, `XS_MECHANISM` as the `mechanism`
 * accessor's name; `XS_SUBSCRIBE` / `XS_UNSUBSCRIBE` are set-only (a SUB's filter, as
 * `xs_setsockopt`; every other type answers EINVAL).
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { getErrno, XsError } from "../errors.ts";
import { GET_ONLY, optionKind, OPTIONS } from "../options.ts";
import { OPTION_ALIASES, OPTION_IDS, type OptionKey, toBytes } from "./options.ts";
import type { SocketState } from "./socket_state.ts";

/** What `Socket.getOption` returns and `setOption` takes, by the option's face kind. */
export type SocketOptionValue = number | bigint | boolean | string | Uint8Array;

/** The `XS_*` names of the options outside the table, by number. */
const OTHER_NAMES: ReadonlyMap<number, string> = new Map([
  [C.XS_SUBSCRIBE, "XS_SUBSCRIBE"],
  [C.XS_UNSUBSCRIBE, "XS_UNSUBSCRIBE"],
  [C.XS_RCVMORE, "XS_RCVMORE"],
  [C.XS_FD, "XS_FD"],
  [C.XS_EVENTS, "XS_EVENTS"],
  [C.XS_TYPE, "XS_TYPE"],
  [C.XS_MECHANISM, "XS_MECHANISM"],
]);

/** Every name an option answers to → its number. */
const BY_NAME: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (const d of OPTIONS.values()) {
    m.set(d.name, d.id);
    m.set(d.face.key, d.id);
  }
  for (const [alias, key] of Object.entries(OPTION_ALIASES)) m.set(alias, OPTION_IDS[key][0]);
  for (const [id, name] of OTHER_NAMES) m.set(name, id);
  m.set("mechanism", C.XS_MECHANISM);
  return m;
})();

/** The face key of each table option, by number. */
const KEY_OF: ReadonlyMap<number, OptionKey> = new Map(
  [...OPTIONS.values()].map((d) => [d.id, d.face.key]),
);

/** How an option is named in messages: its `XS_*` name, or the number. */
function label(id: number): string {
  return OPTIONS.get(id)?.name ?? OTHER_NAMES.get(id) ?? `option ${id}`;
}

/**
 * The option's number. Throws TypeError for a name no option has (as `ctx.socket` does
 * for an unknown key) or an argument that is neither a name nor an integer; an unknown
 * number is the engine's to refuse (EINVAL, as `xs_getsockopt` / `xs_setsockopt`).
 */
function optionId(option: unknown): number {
  if (typeof option === "number") {
    if (!Number.isInteger(option)) {
      throw new TypeError(`A socket option number must be an integer, not ${option}`);
    }
    return option;
  }
  if (typeof option === "string") {
    const id = BY_NAME.get(option);
    if (id === undefined) throw new TypeError(`Unknown socket option "${option}"`);
    return id;
  }
  throw new TypeError('A socket option is an XS_* number or a name such as "sndhwm"');
}

/** `Socket.getOption`. */
export function getOption(s: SocketState, option: unknown): SocketOptionValue {
  const id = optionId(option);
  const action = `Cannot read ${label(id)}`;
  const key = KEY_OF.get(id);
  if (key !== undefined) return s.get(key) as SocketOptionValue;
  s.check(action);
  if (id === C.XS_EVENTS) return s.events();
  const v = s.core.getOption(id);
  if (v === null) {
    const e = getErrno();
    throw new XsError(e, e === C.EINVAL ? `${action}: no such readable option` : action);
  }
  if (id === C.XS_MECHANISM) {
    return v === C.XS_CURVE ? "CURVE" : v === C.XS_PLAIN ? "PLAIN" : "NULL";
  }
  return v;
}

/** `Socket.setOption`. */
export function setOption(s: SocketState, option: unknown, value: unknown): void {
  const id = optionId(option);
  const action = `Cannot set ${label(id)}`;
  const key = KEY_OF.get(id);
  if (key !== undefined) return s.set(key, value);
  s.check(action);
  // Outside the table: what xs_setsockopt takes (lib/xs/options.ts), by the option's kind.
  const kind = optionKind(id);
  if (GET_ONLY.has(id)) throw new XsError(C.EINVAL, `${action}: it is read-only`);
  if (kind === undefined) throw new XsError(C.EINVAL, `${action}: no such option`);
  let v: number | bigint | Uint8Array;
  if (kind === "bytes") {
    if (typeof value !== "string" && !(value instanceof Uint8Array)) {
      throw new TypeError(`${label(id)} takes a Uint8Array or a string`);
    }
    v = toBytes(value);
  } else if (kind === "i64") {
    if (typeof value !== "bigint" && !Number.isSafeInteger(value)) {
      throw new TypeError(`${label(id)} takes a bigint or an integer`);
    }
    v = BigInt(value as number | bigint);
  } else {
    if (typeof value === "boolean") v = value ? 1 : 0;
    else if (Number.isInteger(value) && Math.abs(value as number) <= 0x7fffffff) {
      v = value as number;
    } else throw new TypeError(`${label(id)} takes a 32-bit integer or a boolean`);
  }
  if (s.core.setOption(id, v) < 0) throw new XsError(getErrno(), action);
}
