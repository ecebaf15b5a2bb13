/**
 * Spec tests of PAIR through the public faces only (docs/behaviour.md §4.4;
 * docs/upstream-tests.md §3.1–§3.3, pair_inproc, pair_ipc, pair_tcp).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";

const dec = new TextDecoder();
const s = (parts: Uint8Array[]) => parts.map((p) => dec.decode(p)).join("|");

for (const scheme of TRANSPORTS) {
  test(`PAIR bounces messages both ways over ${scheme}`, async () => {
    // SHALL: PAIR sends to and receives from its single peer.
    await using ctx = new Context();
    using a = ctx.socket("PAIR"), b = ctx.socket("PAIR");
    await a.bind(scratchEndpoint(scheme));
    await b.connect(a.lastEndpoint);
    await b.send(["ping", "", new Uint8Array(300).fill(1)]);
    const m = await a.receive({ timeout: 2000 });
    assert.equal(m.length, 3);
    assert.equal(dec.decode(m[0]), "ping");
    assert.equal(m[1]!.length, 0);
    assert.equal(m[2]!.length, 300);
    await a.send(m);
    assert.equal((await b.receive({ timeout: 2000 }))[2]!.length, 300);
  });

  test(`PAIR bounce on the C face over ${scheme}`, () => {
    const ctx = xs.xs_init();
    const sb = xs.xs_socket(ctx, xs.XS_PAIR)!, sc = xs.xs_socket(ctx, xs.XS_PAIR)!;
    try {
      xs.xs_setsockopt(sb, xs.XS_RCVTIMEO, 2000);
      xs.xs_setsockopt(sc, xs.XS_RCVTIMEO, 2000);
      assert.ok(xs.xs_bind(sb, scratchEndpoint(scheme)) >= 0);
      assert.ok(xs.xs_connect(sc, xs.xs_last_endpoint(sb)!) >= 0);
      const content = new TextEncoder().encode("12345678ABCDEFGH12345678abcdefgh");
      const buf = new Uint8Array(32);
      assert.equal(xs.xs_send(sc, content, 32, xs.XS_SNDMORE), 32);
      assert.equal(xs.xs_send(sc, content, 32, 0), 32);
      assert.equal(xs.xs_recv(sb, buf, 32, 0), 32);
      assert.deepEqual(buf, content);
      assert.equal(xs.xs_recv(sb, buf, 32, 0), 32);
      assert.equal(xs.xs_send(sb, buf, 32, 0), 32);
      assert.equal(xs.xs_recv(sc, buf, 32, 0), 32);
    } finally {
      xs.xs_close(sc);
      xs.xs_close(sb);
      xs.xs_term(ctx);
    }
  });
}

test("PAIR keeps only its first peer on inproc; the second connect succeeds but goes nowhere", async () => {
  // SHALL (docs/behaviour.md §4.4): a PAIR talks to its first peer only; any later connection
  // is turned away and closed at once, although its connect reports success.
  await using ctx = new Context();
  using a = ctx.socket("PAIR"), b = ctx.socket("PAIR"), c = ctx.socket("PAIR");
  const ep = scratchEndpoint("inproc");
  await a.bind(ep);
  assert.equal(await b.connect(ep), 0);
  assert.equal(await c.connect(ep), 0);
  assert.equal(c.trySend("from c"), false);
  await b.send("from b");
  assert.equal(s(await a.receive({ timeout: 1000 })), "from b");
  await a.send("to b");
  assert.equal(s(await b.receive({ timeout: 1000 })), "to b");
  assert.equal(c.tryReceive(), null);
});

test("PAIR blocks with no peer: DONTWAIT gives EAGAIN", () => {
  const ctx = xs.xs_init();
  const a = xs.xs_socket(ctx, xs.XS_PAIR)!;
  assert.equal(xs.xs_bind(a, scratchEndpoint("inproc")), 0);
  assert.equal(xs.xs_send(a, null, 0, xs.XS_DONTWAIT), -1);
  assert.equal(xs.xs_errno(), xs.EAGAIN);
  xs.xs_close(a);
  xs.xs_term(ctx);
});

test("PAIR inproc connect before bind works", async () => {
  // docs/behaviour.md §10.1.
  await using ctx = new Context();
  using a = ctx.socket("PAIR"), b = ctx.socket("PAIR");
  const ep = scratchEndpoint("inproc");
  await b.connect(ep);
  await a.bind(ep);
  await a.send("hi");
  assert.equal(s(await b.receive({ timeout: 1000 })), "hi");
});
