/**
 * The one option table (lib/options.ts) and everything that follows from it: the list in
 * docs/api.md §6 row for row, a `Socket` accessor (get and set) for every idiomatic name,
 * the defaults a new socket reports on both faces, and a value set on one face read back
 * on the other.
 *
 * Runs on: the test runner's main thread.
 */
import { readFileSync } from "node:fs";
import { assert, test } from "./_harness.ts";
import { Context, OPTION_ALIASES, Socket } from "../mod.ts";
import * as xs from "../xs.ts";
import { OPTIONS } from "../lib/options.ts";

const cells = (line: string) => line.split("|").slice(1, -1).map((c) => c.trim());

test("options: docs/api.md §6 lists every row of the table, as the table says", () => {
  const doc = readFileSync(new URL("../docs/api.md", import.meta.url), "utf8");
  const section = doc.slice(doc.indexOf("## 6. Socket options"));
  const rows = section.split("\n").filter((l) => l.startsWith("| `XS_")).map(cells);
  const show = (v: unknown) => v instanceof Uint8Array ? "empty" : String(v);
  const want = [...OPTIONS.values()].map((d) => [
    `\`${d.name}\``,
    `\`${d.face.key}\``,
    d.face.kind === d.kind ? d.kind : `${d.kind} (${d.face.kind})`,
    show(d.default),
    d.range,
    d.applies,
  ]);
  assert.deepEqual(rows, want);
});

test("options: every idiomatic name has a Socket accessor, readable and settable", () => {
  const missing = [...OPTIONS.values()]
    .map((d) => d.face.key)
    .filter((k) => {
      // The accessors live on Socket's base class (lib/api/socket_options.ts).
      const p = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Socket.prototype), k);
      return !p?.get || !p?.set;
    });
  assert.deepEqual(missing, []);
});

test("options: every readable alias has an accessor and names a real option", () => {
  const base = Object.getPrototypeOf(Socket.prototype);
  for (const [alias, key] of Object.entries(OPTION_ALIASES)) {
    const p = Object.getOwnPropertyDescriptor(base, alias);
    assert.ok(p?.get && p?.set, `${alias} has a getter and a setter`);
    assert.ok([...OPTIONS.values()].some((d) => d.face.key === key), `${alias} → ${key}`);
  }
});

test("options: a new socket reports the table's defaults on both faces", async () => {
  await using ctx = new Context();
  using pair = ctx.socket("PAIR");
  using surveyor = ctx.socket("SURVEYOR");
  using router = ctx.socket("ROUTER");
  // XS_SURVEY_TIMEOUT belongs to SURVEYOR (ENOTSUP on other types, as upstream), the ROUTER
  // controls to ROUTER (EINVAL on other types, as libzmq).
  const routerOnly = (id: number) =>
    id === xs.XS_ROUTER_MANDATORY || id === xs.XS_CONNECT_ROUTING_ID;
  const ofType = (d: { id: number }) =>
    d.id === xs.XS_SURVEY_TIMEOUT ? surveyor : routerOnly(d.id) ? router : pair;
  for (const d of OPTIONS.values()) {
    const v = (ofType(d) as unknown as Record<string, unknown>)[d.face.key];
    // The face shows booleans and wire-mode names; maxmsgsize as a number when it fits.
    const want = d.face.kind === "bool"
      ? d.default === 1
      : d.face.kind === "wire"
      ? "auto"
      : d.face.kind === "text" || d.face.kind === "key"
      ? ""
      : d.key === "maxmsgsize"
      ? Number(d.default)
      : d.default;
    assert.deepEqual(v, want, d.name);
  }
  const c = xs.xs_init()!;
  const p = xs.xs_socket(c, xs.XS_PAIR)!;
  const sv = xs.xs_socket(c, xs.XS_SURVEYOR)!;
  const r = xs.xs_socket(c, xs.XS_ROUTER)!;
  for (const d of OPTIONS.values()) {
    const buf = d.kind === "int"
      ? new Int32Array(1)
      : d.kind === "i64"
      ? new BigInt64Array(1)
      : new Uint8Array(255);
    const len = { value: buf.byteLength };
    const sock = d.id === xs.XS_SURVEY_TIMEOUT ? sv : routerOnly(d.id) ? r : p;
    assert.equal(xs.xs_getsockopt(sock, d.id, buf, len), 0, d.name);
    const got = d.kind === "bytes" ? new Uint8Array(buf.buffer, 0, len.value) : buf[0];
    assert.deepEqual(got, d.default, d.name);
  }
  xs.xs_close(p);
  xs.xs_close(sv);
  xs.xs_close(r);
  xs.xs_term(c);
});

test("options: set by name on the idiomatic face, read back by number through the engine", async () => {
  await using ctx = new Context();
  using s = ctx.socket("PUSH", { sndhwm: 7, ipv4only: false, wire: "zmtp3", linger: 250 });
  assert.equal(s.sndhwm, 7);
  assert.equal(s.ipv4only, false);
  assert.equal(s.wire, "zmtp3");
  assert.equal(s.linger, 250);
  // Out of the table's range: a RangeError naming the range (docs/api.md §6).
  assert.throws(() => ctx.socket("PUSH", { sndhwm: -1 }), {
    name: "RangeError",
    message: "sndhwm must be ≥ 0 (0 = none)",
  });
  assert.throws(() => ctx.socket("PUSH", { sndhwm: "7" as unknown as number }), TypeError);
  assert.throws(
    () => ctx.socket("PUSH", { nonsense: 1 } as unknown as { sndhwm: number }),
    TypeError,
  );
});
