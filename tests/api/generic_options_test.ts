/**
 * Tests of `Socket.getOption` / `Socket.setOption` (lib/api/generic_options.ts), the
 * generic escape hatch beside the typed accessors. For every row of the option table and
 * several socket types, an option set by number through `setOption`, by the typed accessor
 * and by `xs_setsockopt` on a C-face socket succeeds or fails alike (the same errno), and
 * reads back alike through `getOption` by number, idiomatic name, alias and `XS_*` name,
 * the accessor, and `xs_getsockopt` (converted as the face shows it). Then the options
 * outside the table (XS_TYPE, XS_RCVMORE, XS_EVENTS, XS_FD, XS_MECHANISM, XS_SUBSCRIBE),
 * and the errors: unknown numbers (EINVAL, as the C face), unknown names and wrong value
 * types (TypeError), values out of range (RangeError, as the accessors), a closed socket.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import * as xs from "../../xs.ts";
import {
  Context,
  curveKeyPair,
  OPTION_ALIASES,
  type Socket,
  type SocketOptionValue,
  XsError,
} from "../../mod.ts";
import { type OptionDef, OPTIONS, WIRE_MODES } from "../../lib/options.ts";

const TYPES = ["DEALER", "ROUTER", "SURVEYOR", "SUB", "PUSH"] as const;
const NUMBER: Record<(typeof TYPES)[number], number> = {
  DEALER: xs.XS_DEALER,
  ROUTER: xs.XS_ROUTER,
  SURVEYOR: xs.XS_SURVEYOR,
  SUB: xs.XS_SUB,
  PUSH: xs.XS_PUSH,
};
const utf8 = new TextEncoder(), text = new TextDecoder();
const curveKey = curveKeyPair().publicKey;

/**
 * A valid value other than the default for `def`: as the idiomatic face takes it, and as
 * the C face takes it (a number, a bigint, or a string sent as UTF-8).
 */
function sample(def: OptionDef): { face: SocketOptionValue; c: number | bigint | string } {
  const valid = (v: number | bigint | Uint8Array) => !def.valid || def.valid(v);
  switch (def.face.kind) {
    case "bool": {
      const v = def.default === 1 ? 0 : 1;
      return { face: v === 1, c: v };
    }
    case "wire":
      return { face: "zmtp3", c: WIRE_MODES.indexOf("zmtp3") };
    case "i64":
      return { face: 12345n, c: 12345n };
    case "key":
      return { face: curveKey, c: curveKey };
    case "text":
    case "bytes":
      return { face: "abc", c: "abc" };
    default: {
      const v = [7, 3, 1, 100, 30000, 0].find((n) => n !== def.default && valid(n))!;
      return { face: v, c: v };
    }
  }
}

/** The value the idiomatic face shows for what `xs_getsockopt` read. */
function shown(def: OptionDef, raw: number | bigint | Uint8Array): unknown {
  switch (def.face.kind) {
    case "bool":
      return raw === 1;
    case "wire":
      return WIRE_MODES[raw as number];
    case "text":
      return text.decode(raw as Uint8Array);
    case "key":
      return (raw as Uint8Array).length ? xs.xs_z85_encode(raw as Uint8Array) : "";
    case "i64":
      return def.id === xs.XS_MAXMSGSIZE ? Number(raw) : raw;
    default:
      return raw;
  }
}

/** `xs_getsockopt` of `id`: the value by the option's kind, or the errno. */
function cGet(s: xs.XsSocket, def: OptionDef): number | bigint | Uint8Array | { errno: number } {
  const buf = def.kind === "int"
    ? new Int32Array(1)
    : def.kind === "i64"
    ? new BigInt64Array(1)
    : new Uint8Array(70_000);
  const len = { value: buf.byteLength };
  if (xs.xs_getsockopt(s, def.id, buf, len) < 0) return { errno: xs.xs_errno() };
  if (def.kind === "bytes") return (buf as Uint8Array).slice(0, len.value);
  return def.id === xs.XS_AFFINITY ? BigInt.asUintN(64, buf[0] as bigint) : buf[0]!;
}

/** What a call did: "ok", or the XsError's errno (anything else is rethrown). */
function outcome(f: () => unknown): "ok" | number {
  try {
    f();
    return "ok";
  } catch (e) {
    if (e instanceof XsError) return e.errno;
    throw e;
  }
}

test("getOption / setOption agree with the accessors and with xs_getsockopt / xs_setsockopt, for every option row", async () => {
  await using ctx = new Context();
  const cctx = xs.xs_init();
  try {
    for (const type of TYPES) {
      for (const def of OPTIONS.values()) {
        const where = `${def.name} on ${type}`;
        using a: Socket = ctx.socket(type), b: Socket = ctx.socket(type);
        const c = xs.xs_socket(cctx, NUMBER[type])!;
        try {
          // Defaults read alike (or fail alike).
          const cDefault = cGet(c, def);
          const got = outcome(() => a.getOption(def.id));
          if (typeof cDefault === "object" && "errno" in cDefault) {
            assert.equal(got, cDefault.errno, where);
          } else {
            assert.equal(got, "ok", where);
            assert.deepEqual(a.getOption(def.id), shown(def, cDefault), where);
          }
          // Set by number, by accessor, by the C face: the same outcome.
          const v = sample(def);
          const key = def.face.key as string;
          const byNumber = outcome(() => a.setOption(def.id, v.face));
          const byAccessor = outcome(
            () => ((b as unknown as Record<string, unknown>)[key] = v.face),
          );
          const rc = xs.xs_setsockopt(c, def.id, v.c);
          const byC = rc === 0 ? "ok" : xs.xs_errno();
          assert.deepEqual([byNumber, byAccessor], [byC, byC], `${where}: set`);
          if (byC !== "ok") continue;
          // Read back alike, by every name.
          const value = a.getOption(def.id);
          assert.deepEqual(value, (b as unknown as Record<string, unknown>)[key], where);
          assert.deepEqual(a.getOption(key), value, where);
          assert.deepEqual(a.getOption(def.name), value, where);
          for (const [alias, of] of Object.entries(OPTION_ALIASES)) {
            if (of === key) assert.deepEqual(a.getOption(alias), value, `${where} as ${alias}`);
          }
          const raw = cGet(c, def);
          assert.ok(!(typeof raw === "object" && "errno" in raw), `${where}: C read`);
          assert.deepEqual(shown(def, raw as number), value, `${where}: C face`);
          if (def.face.kind !== "key" && def.face.kind !== "i64") {
            assert.deepEqual(
              value,
              typeof v.face === "string" && def.face.kind === "bytes"
                ? utf8.encode(v.face)
                : v.face,
              where,
            );
          }
        } finally {
          xs.xs_close(c);
        }
      }
    }
  } finally {
    xs.xs_term(cctx);
  }
});

test("getOption / setOption outside the table: read-only numbers, XS_MECHANISM, XS_SUBSCRIBE, as the C face", async () => {
  await using ctx = new Context();
  const cctx = xs.xs_init();
  try {
    for (const type of TYPES) {
      using s: Socket = ctx.socket(type);
      const c = xs.xs_socket(cctx, NUMBER[type])!;
      try {
        const cInt = (id: number) => {
          const v = new Int32Array(1), len = { value: 4 };
          return xs.xs_getsockopt(c, id, v, len) < 0 ? -xs.xs_errno() : v[0];
        };
        assert.equal(s.getOption(xs.XS_TYPE), NUMBER[type]);
        assert.equal(s.getOption(xs.XS_TYPE), cInt(xs.XS_TYPE));
        assert.equal(s.getOption("XS_TYPE"), NUMBER[type]);
        assert.equal(s.getOption(xs.XS_RCVMORE), cInt(xs.XS_RCVMORE));
        assert.equal(s.getOption(xs.XS_EVENTS), cInt(xs.XS_EVENTS));
        assert.equal(s.getOption(xs.XS_FD), cInt(xs.XS_FD));
        assert.equal(s.getOption(xs.XS_MECHANISM), "NULL");
        assert.equal(s.getOption("mechanism"), s.mechanism);
        assert.equal(cInt(xs.XS_MECHANISM), xs.XS_NULL);
        for (const id of [xs.XS_TYPE, xs.XS_RCVMORE, xs.XS_EVENTS, xs.XS_FD, xs.XS_MECHANISM]) {
          assert.equal(outcome(() => s.setOption(id, 1)), xs.EINVAL, `set ${id} on ${type}`);
          assert.equal(xs.xs_setsockopt(c, id, 1), -1);
          assert.equal(xs.xs_errno(), xs.EINVAL);
        }
        // XS_SUBSCRIBE: a SUB's filter, set-only; EINVAL on every other type, as xs_setsockopt.
        const sub = outcome(() => s.setOption(xs.XS_SUBSCRIBE, "topic"));
        const cSub = xs.xs_setsockopt(c, xs.XS_SUBSCRIBE, "topic") === 0 ? "ok" : xs.xs_errno();
        assert.equal(sub, cSub, type);
        assert.equal(sub, type === "SUB" ? "ok" : xs.EINVAL);
        assert.equal(outcome(() => s.setOption("XS_UNSUBSCRIBE", "topic")), cSub);
        assert.equal(outcome(() => s.getOption(xs.XS_SUBSCRIBE)), xs.EINVAL);
        assert.equal(cInt(xs.XS_SUBSCRIBE), -xs.EINVAL);
      } finally {
        xs.xs_close(c);
      }
    }
  } finally {
    xs.xs_term(cctx);
  }
});

test("a SUB filtered through setOption(XS_SUBSCRIBE) receives what it subscribed to", async () => {
  await using ctx = new Context();
  using pub = ctx.socket("PUB"), sub = ctx.socket("SUB");
  await pub.bind("inproc://generic-subscribe");
  await sub.connect("inproc://generic-subscribe");
  sub.setOption(xs.XS_SUBSCRIBE, "a");
  await pub.send("b-skipped");
  await pub.send("a-kept");
  assert.equal(await sub.receiveText({ timeout: 1000 }), "a-kept");
});

test("getOption / setOption errors: unknown options, wrong types, out of range, closed socket", async () => {
  await using ctx = new Context();
  const s: Socket = ctx.socket("DEALER");
  const code = (c: string) => (e: unknown) => e instanceof XsError && e.code === c;
  // Unknown numbers: EINVAL, as xs_getsockopt / xs_setsockopt.
  assert.throws(() => s.getOption(9999), code("EINVAL"));
  assert.throws(() => s.setOption(9999, 1), code("EINVAL"));
  assert.throws(() => s.setOption(xs.XS_PLUGIN, 1), code("EINVAL"));
  // Unknown names (as ctx.socket's options) and non-integers: TypeError, naming the option.
  assert.throws(() => s.getOption("sndhmw"), /Unknown socket option "sndhmw"/);
  assert.throws(() => s.setOption("toString", 1), TypeError);
  assert.throws(() => s.getOption(23.5), TypeError);
  assert.throws(() => s.getOption(null as unknown as string), TypeError);
  // Values: the accessor's conversions and checks.
  for (
    const [opt, v, err] of [
      [xs.XS_SNDHWM, "10", TypeError],
      [xs.XS_SNDHWM, -1, RangeError],
      [xs.XS_SNDHWM, 1.5, RangeError],
      ["ipv4only", "yes", TypeError],
      [xs.XS_WIRE_MODE, 3, TypeError],
      ["identity", 7, TypeError],
      ["identity", "", RangeError],
      [xs.XS_CURVE_SERVERKEY, "not a key", RangeError],
      [xs.XS_SUBSCRIBE, 7, TypeError],
    ] as const
  ) {
    assert.throws(() => s.setOption(opt, v), err, `${opt} = ${v}`);
    const key = typeof opt === "string"
      ? opt
      : [...OPTIONS.values()].find((d) => d.id === opt)?.face.key;
    if (key) {
      assert.throws(
        () => ((s as unknown as Record<string, unknown>)[key] = v),
        err,
        `${key} = ${v}`,
      );
    }
  }
  // A SURVEYOR's option on another type: ENOTSUP, as the C face.
  assert.throws(() => s.getOption(xs.XS_SURVEY_TIMEOUT), code("ENOTSUP"));
  assert.throws(() => s.setOption("surveyTimeout", 10), code("ENOTSUP"));
  s.close();
  assert.throws(() => s.getOption(xs.XS_SNDHWM), code("ENOTSOCK"));
  assert.throws(() => s.setOption(xs.XS_TYPE, 1), code("ENOTSOCK"));
  assert.throws(() => s.getOption(xs.XS_EVENTS), code("ENOTSOCK"));
});
