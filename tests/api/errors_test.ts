/**
 * Errors that say what is wrong (docs/api.md §7 and the README's troubleshooting table):
 * which part of an endpoint is refused, an IPv6 address on an IPv4-only socket, a host
 * that does not resolve (refused at connect on both faces, as Crossroads 1.2.0 does), a
 * closed socket or terminated context, and Deno's missing net permission (a separate Deno
 * process run without --allow-net).
 *
 * Runs on: the test runner's main thread.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Context, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { assert, removeDir, runCommand, runtime, tempDir, test } from "../_harness.ts";

/** Asserts `p` rejects with an XsError of `code` whose message contains every `parts`. */
async function rejectsSaying(p: Promise<unknown>, code: string, ...parts: string[]) {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof XsError, `an XsError, not ${e}`);
    assert.equal(e.code, code, e.message);
    for (const s of parts) assert.ok(e.message.includes(s), `"${e.message}" names "${s}"`);
    return true;
  });
}

test("a refused endpoint says which part is wrong", async () => {
  await using ctx = new Context();
  using s = ctx.socket("PULL");
  const cases: [string, boolean, string, string][] = [
    ["127.0.0.1:5555", true, "EINVAL", "no scheme"],
    ["tcpx://127.0.0.1:1", true, "EPROTONOSUPPORT", 'unknown transport "tcpx"'],
    ["pgm://eth0;239.1.1.1:5555", false, "EPROTONOSUPPORT", "multicast"],
    ["tcp://", true, "EINVAL", 'nothing after "tcp://"'],
    ["tcp://127.0.0.1", true, "EINVAL", "no port"],
    ["tcp://127.0.0.1:99999", true, "EINVAL", 'bad port "99999"'],
    ["tcp://127.0.0.1:x", false, "EINVAL", 'bad port "x"'],
    ["tcp://127.0.0.1:*", false, "EINVAL", "bind only"],
    ["tcp://:5555", false, "EINVAL", "no host"],
    ["tcp://999.1.1.1:5555", true, "ENODEV", '"999.1.1.1" is not a valid IPv4 address'],
    ["tcp://eth99:5555", true, "ENODEV", 'no interface "eth99" with an IPv4 address'],
    ["tcp://no/such:5555", true, "ENODEV", '"no/such" is not an address or interface'],
    [`ipc:///tmp/${"x".repeat(120)}`, true, "ENAMETOOLONG", "over 107 bytes"],
    ["tcp://eth99;127.0.0.1:5555", false, "ENODEV", 'source address: no interface "eth99"'],
    ["tcp://no/such;127.0.0.1:5555", false, "ENODEV", 'source address "no/such"'],
    ["tcp://127.0.0.1;127.0.0.1:5555", true, "ENODEV", "for connect only"],
    ["tcp://300.1.1.1:5555", false, "EINVAL", '"300.1.1.1" is not a valid IPv4 address'],
  ];
  for (const [ep, bind, code, why] of cases) {
    await rejectsSaying(bind ? s.bind(ep) : s.connect(ep), code, ep, why);
  }
});

test("the C face: ENODEV for a bad source address, EADDRNOTAVAIL for no such address", () => {
  const c = xs.xs_init();
  const push = xs.xs_socket(c, xs.XS_PUSH)!, pull = xs.xs_socket(c, xs.XS_PULL)!;
  assert.equal(xs.xs_connect(push, "tcp://eth99;127.0.0.1:5555"), -1);
  assert.equal(xs.xs_errno(), xs.ENODEV);
  assert.equal(xs.xs_connect(push, "tcp://300.1.1.1:5555"), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  // A good source address is accepted (and not used: docs/behaviour.md §5).
  assert.ok(xs.xs_connect(push, "tcp://127.0.0.1;127.0.0.1:9") > 0);
  assert.equal(xs.xs_bind(pull, "tcp://999.1.1.1:5555"), -1);
  assert.equal(xs.xs_errno(), xs.ENODEV);
  // RFC 5737 TEST-NET-1: an address no interface of this host has.
  assert.equal(xs.xs_bind(pull, "tcp://192.0.2.1:5555"), -1);
  assert.equal(xs.xs_errno(), xs.EADDRNOTAVAIL);
  assert.equal(xs.xs_setsockopt(push, xs.XS_LINGER, 0), 0);
  assert.equal(xs.xs_close(push), 0);
  assert.equal(xs.xs_close(pull), 0);
  assert.equal(xs.xs_term(c), 0);
});

test("an IPv6 address on an IPv4-only socket says to turn ipv4only off", async () => {
  await using ctx = new Context();
  using s = ctx.socket("PULL");
  await rejectsSaying(s.bind("tcp://[::1]:*"), "ENODEV", "IPv4-only", "ipv4only");
  await rejectsSaying(s.connect("tcp://[::1]:5555"), "EINVAL", "IPv6", "ipv4only");
  // The C face keeps Crossroads' errno.
  const c = xs.xs_init();
  const cs = xs.xs_socket(c, xs.XS_PULL)!;
  assert.equal(xs.xs_bind(cs, "tcp://[::1]:5555"), -1);
  assert.equal(xs.xs_errno(), xs.ENODEV);
  assert.equal(xs.xs_close(cs), 0);
  assert.equal(xs.xs_term(c), 0);
});

test("a host that does not resolve is refused at connect, on both faces", async () => {
  // RFC 2606: names under .invalid never resolve.
  const host = "no-such-host.invalid";
  await using ctx = new Context();
  using s = ctx.socket("PUSH");
  await rejectsSaying(s.connect(`tcp://${host}:5555`), "EINVAL", `cannot resolve host "${host}"`);
  const c = xs.xs_init();
  const cs = xs.xs_socket(c, xs.XS_PUSH)!;
  assert.equal(xs.xs_connect(cs, `tcp://${host}:5555`), -1);
  assert.equal(xs.xs_errno(), xs.EINVAL);
  // A name that resolves connects (in the background, as ever).
  assert.ok(xs.xs_connect(cs, "tcp://localhost:9") > 0);
  assert.equal(xs.xs_setsockopt(cs, xs.XS_LINGER, 0), 0);
  assert.equal(xs.xs_close(cs), 0);
  assert.equal(xs.xs_term(c), 0);
});

test("a closed socket and a terminated context say so", async () => {
  const ctx = new Context();
  const s = ctx.socket("PUSH");
  s.close();
  await rejectsSaying(s.send("x"), "ENOTSOCK", "the socket is closed");
  await rejectsSaying(s.bind("inproc://closed"), "ENOTSOCK", "the socket is closed");
  assert.throws(() => s.sndhwm, /the socket is closed/);
  const t = ctx.socket("PULL");
  await ctx.term();
  await rejectsSaying(t.receive({ timeout: 0 }), "ETERM", "the context is terminated");
});

const MOD = fileURLToPath(
  new URL(`../../mod${runtime === "node" ? ".js" : ".ts"}`, import.meta.url),
);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

test("Deno without --allow-net: bind and connect name the permission", async () => {
  const dir = tempDir();
  try {
    const prog = join(dir, "noperm.ts");
    writeFileSync(
      prog,
      `import { Context } from ${JSON.stringify(MOD.replace(/\.js$/, ".ts"))};
const ctx = new Context();
const s = ctx.socket("PAIR");
const out: Record<string, unknown> = {};
for (const [k, f] of [["bind", () => s.bind("tcp://127.0.0.1:*")],
  ["connect", () => s.connect("tcp://127.0.0.1:5555")]] as const) {
  try { await f(); out[k] = "ok"; } catch (e) { out[k] = [(e as { code: string }).code, (e as Error).message]; }
}
s.close();
await ctx.term();
console.log(JSON.stringify(out));
`,
    );
    const deno = join(ROOT, "node_modules/.bin/deno");
    // Read access only (the worker's module), no net: what a user gets without --allow-net.
    const r = await runCommand(deno, ["run", "--no-prompt", `--allow-read=${ROOT},${dir}`, prog], {
      timeout: 30_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
    for (const k of ["bind", "connect"]) {
      const [code, message] = out[k];
      assert.equal(code, "EACCES", `${k}: ${message}`);
      assert.match(message, /--allow-net/, `${k}: ${message}`);
    }
  } finally {
    removeDir(dir);
  }
}, { timeout: 40_000 });
