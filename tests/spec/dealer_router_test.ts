/**
 * Spec tests of XREQ (DEALER) and XREP (ROUTER) through the public faces only
 * (docs/behaviour.md §3 XS_IDENTITY, §4.1, §4.3, §4.7; §8 trap 20; docs/upstream-tests.md
 * §4.5, and §4.6, XREP with an explicit XS_IDENTITY). Each case states the rule it checks
 * and runs over inproc, ipc and tcp.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, delay, scratchEndpoint, test, TRANSPORTS, waitFor } from "../_harness.ts";
import { Context, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();
const str = (parts: Uint8Array[]) => parts.map((p) => dec.decode(p)).join("|");
const isCode = (code: string) => (e: unknown) => e instanceof XsError && e.code === code;
/** How long a "nothing arrives" check listens. */
const SILENCE_MS = 300;

/** An endpoint of `scheme` nobody is bound to yet (tcp: a port reserved and released). */
async function unboundEndpoint(ctx: Context, scheme: "inproc" | "ipc" | "tcp"): Promise<string> {
  if (scheme !== "tcp") return scratchEndpoint(scheme);
  using probe = ctx.socket("PULL", { linger: 0 });
  await probe.bind("tcp://127.0.0.1:*");
  return probe.lastEndpoint;
}

/** Binds, retrying while a just-released tcp port is still in use. */
async function bindRetry(s: { bind(ep: string): Promise<number> }, ep: string): Promise<void> {
  const end = Date.now() + 3000;
  for (;;) {
    try {
      await s.bind(ep);
      return;
    } catch (e) {
      if (Date.now() > end || !isCode("EADDRINUSE")(e)) throw e;
      await delay(20);
    }
  }
}

test("XS_IDENTITY accepts 1 to 255 bytes not starting with 00, else EINVAL", () => {
  // SHALL (docs/behaviour.md §3): XS_IDENTITY takes 1..255 bytes whose first byte is not 0 (else
  // EINVAL).
  const ctx = xs.xs_init()!;
  const s = xs.xs_socket(ctx, xs.XS_XREQ)!;
  try {
    assert.equal(xs.xs_setsockopt(s, xs.XS_IDENTITY, new Uint8Array([1]), 1), 0);
    assert.equal(xs.xs_setsockopt(s, xs.XS_IDENTITY, new Uint8Array(255).fill(7), 255), 0);
    for (const bad of [new Uint8Array(0), new Uint8Array(256).fill(7), new Uint8Array([0, 1, 2])]) {
      assert.equal(xs.xs_setsockopt(s, xs.XS_IDENTITY, bad, bad.length), -1, `${bad.length} bytes`);
      assert.equal(xs.xs_errno(), xs.EINVAL);
    }
    const got = new Uint8Array(255), len = { value: 255 };
    assert.equal(xs.xs_getsockopt(s, xs.XS_IDENTITY, got, len), 0);
    assert.equal(len.value, 255);
  } finally {
    xs.xs_close(s);
    xs.xs_term(ctx);
  }
});

test("the idiomatic face names XREQ and XREP DEALER and ROUTER too", async () => {
  // SHALL (docs/behaviour.md §1.3): XS_XREQ = XS_DEALER (5), XS_XREP = XS_ROUTER (6).
  await using ctx = new Context();
  using d = ctx.socket("DEALER"), r = ctx.socket("ROUTER"), x = ctx.socket("xreq");
  // Each reports the name it was made with (the names libzmq users know, or Crossroads').
  assert.deepEqual([d.type, r.type, x.type], ["DEALER", "ROUTER", "XREQ"]);
  // An identity starting with a zero byte is reserved: out of the option's range.
  assert.throws(() => {
    d.identity = new Uint8Array([0, 1]);
  }, RangeError);
});

for (const scheme of TRANSPORTS) {
  test(`ROUTER routes by an explicit identity of 1 and 255 bytes over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.7, XREP): a non-empty announced identity replaces the generated
    // one; a receive gives the identity part (MORE) then the message; on send the first part
    // names the peer.
    await using ctx = new Context();
    const long = new Uint8Array(255).map((_, i) => 1 + (i % 250));
    using router = ctx.socket("ROUTER"),
      d1 = ctx.socket("DEALER", { identity: "A" }),
      d2 = ctx.socket("DEALER", { identity: long });
    await router.bind(scratchEndpoint(scheme));
    await d1.connect(router.lastEndpoint);
    await d2.connect(router.lastEndpoint);
    await d1.send(["one", "x"]);
    await d2.send("two");
    const got = new Map<string, Uint8Array[]>();
    for (let i = 0; i < 2; i++) {
      const m = await router.receive({ timeout: 5000 });
      got.set(dec.decode(m[1]), m);
    }
    assert.deepEqual(got.get("one")![0], enc.encode("A"));
    assert.equal(got.get("one")!.length, 3);
    assert.deepEqual(got.get("two")![0], long);
    await router.send([long, "to", "two"]);
    await router.send(["A", "to one"]);
    assert.equal(str(await d2.receive({ timeout: 5000 })), "to|two");
    assert.equal(str(await d1.receive({ timeout: 5000 })), "to one");
  });

  test(`ROUTER gives anonymous peers 5-byte identities 00 + a counter over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.7, XREP): a new pipe gets the identity 00 + a big-endian u32
    // counter with a random start; docs/upstream-tests.md §4.5: + 1 per new connection.
    await using ctx = new Context();
    using router = ctx.socket("ROUTER"), d1 = ctx.socket("DEALER"), d2 = ctx.socket("DEALER");
    await router.bind(scratchEndpoint(scheme));
    await d1.connect(router.lastEndpoint);
    await d2.connect(router.lastEndpoint);
    await d1.send("from d1");
    await d2.send("from d2");
    const ids = new Map<string, Uint8Array>();
    for (let i = 0; i < 2; i++) {
      const m = await router.receive({ timeout: 5000 });
      const id = m[0]!;
      assert.equal(id.length, 5);
      assert.equal(id[0], 0);
      ids.set(dec.decode(m[1]), id);
    }
    const n = (id: Uint8Array) => new DataView(id.buffer, id.byteOffset).getUint32(1);
    const diff = (n(ids.get("from d1")!) - n(ids.get("from d2")!)) >>> 0;
    assert.ok(diff === 1 || diff === 0xffffffff, `counters differ by ${diff}`);
    await router.send([ids.get("from d2")!, "back to d2"]);
    assert.equal(str(await d2.receive({ timeout: 5000 })), "back to d2");
  });

  test(`ROUTER drops messages for an unknown identity or without a body over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.7, XREP; §8 trap 20): a message for an unknown identity is
    // dropped whole, without waiting or EAGAIN; a first part without MORE is dropped.
    await using ctx = new Context();
    using router = ctx.socket("ROUTER"), dealer = ctx.socket("DEALER", { identity: "known" });
    await router.bind(scratchEndpoint(scheme));
    assert.equal(router.trySend(["known", "before the peer exists"]), true);
    await dealer.connect(router.lastEndpoint);
    await dealer.send("hello");
    assert.equal(str(await router.receive({ timeout: 5000 })), "known|hello");
    assert.equal(router.trySend(["nobody", "lost"]), true);
    await router.send(["nobody", "lost too"]);
    assert.equal(router.trySend(["known"]), true); // an address alone
    assert.equal(router.trySend([new Uint8Array(100_000), "x"]), true); // no identity is that long
    await router.send(["known", "delivered"]);
    assert.equal(str(await dealer.receive({ timeout: 5000 })), "delivered");
    assert.equal(dealer.tryReceive(), null);
  });

  test(`ROUTER refuses a second peer announcing an identity already in use over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.7, XREP; §8 trap 20): an identity already in use closes the *new*
    // connection.
    await using ctx = new Context();
    using router = ctx.socket("ROUTER"),
      first = ctx.socket("DEALER", { identity: "dup" }),
      second = ctx.socket("DEALER", { identity: "dup", linger: 0 });
    await router.bind(scratchEndpoint(scheme));
    await first.connect(router.lastEndpoint);
    await first.send("from first");
    assert.equal(str(await router.receive({ timeout: 5000 })), "dup|from first");
    await second.connect(router.lastEndpoint);
    second.trySend("from second");
    await assert.rejects(router.receive({ timeout: SILENCE_MS }), isCode("EAGAIN"));
    // The first peer keeps the identity, both ways.
    await router.send(["dup", "to first"]);
    assert.equal(str(await first.receive({ timeout: 5000 })), "to first");
    await first.send("still here");
    assert.equal(str(await router.receive({ timeout: 5000 })), "dup|still here");
    assert.equal(second.tryReceive(), null);
  });

  test(`ROUTER never blocks and drops messages for a full peer over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.1, XREP): at the HWM a message is dropped; (§8 trap 9) the send
    // never waits and a dropped message still counts as sent.
    await using ctx = new Context();
    using router = ctx.socket("ROUTER", { sndhwm: 1 }),
      dealer = ctx.socket("DEALER", { identity: "slow", rcvhwm: 1, linger: 0 });
    await router.bind(scratchEndpoint(scheme));
    await dealer.connect(router.lastEndpoint);
    await dealer.send("ready");
    await router.receive({ timeout: 5000 });
    const N = 50;
    for (let i = 0; i < N; i++) assert.equal(router.trySend(["slow", `${i}`]), true);
    let n = 0;
    while (await dealer.receive({ timeout: 200 }).then(() => true, () => false)) n++;
    // inproc: capacity is the binder's SNDHWM + the connector's RCVHWM = 2.
    if (scheme === "inproc") assert.equal(n, 2);
    else assert.ok(n >= 1 && n <= N, `${n} messages arrived`);
  });

  test(`DEALER blocks with no peer; a connected one queues SNDHWM messages before the bind over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.1, XREQ): at the HWM a send waits; (§8 trap 8) an XREQ that only
    // bound waits while no peer is there, one that connected queues up to SNDHWM first.
    await using ctx = new Context();
    using bound = ctx.socket("DEALER"), dealer = ctx.socket("DEALER", { sndhwm: 3 });
    await bound.bind(scratchEndpoint(scheme));
    assert.equal(bound.trySend("x"), false);
    await assert.rejects(bound.send("x", { timeout: 50 }), isCode("EAGAIN"));
    const ep = await unboundEndpoint(ctx, scheme);
    await dealer.connect(ep);
    assert.deepEqual([1, 2, 3, 4].map((i) => dealer.trySend(["q", `${i}`])), [
      true,
      true,
      true,
      false,
    ]);
    using router = ctx.socket("ROUTER");
    await bindRetry(router, ep);
    for (let i = 1; i <= 3; i++) {
      const m = await router.receive({ timeout: 5000 });
      assert.equal(str(m.slice(1)), `q|${i}`);
    }
  });

  test(`DEALER round-robins requests and fair-queues replies over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.7, XREQ): load-balanced out, fair-queued in, the peers' identity
    // frames dropped, the envelope left alone.
    await using ctx = new Context();
    using r1 = ctx.socket("ROUTER"), r2 = ctx.socket("ROUTER"), dealer = ctx.socket("DEALER");
    await r1.bind(scratchEndpoint(scheme));
    await r2.bind(scratchEndpoint(scheme));
    await dealer.connect(r1.lastEndpoint);
    await dealer.connect(r2.lastEndpoint);
    for (let i = 0; i < 4; i++) await dealer.send(["m", `${i}`]);
    const a = [await r1.receive({ timeout: 5000 }), await r1.receive({ timeout: 5000 })];
    const b = [await r2.receive({ timeout: 5000 }), await r2.receive({ timeout: 5000 })];
    const bodies = (l: Uint8Array[][]) => l.map((m) => str(m.slice(1)));
    const parity = new Set(bodies(a).map((x) => Number(x.at(-1)) % 2));
    assert.equal(parity.size, 1);
    assert.deepEqual([...bodies(a), ...bodies(b)].sort(), ["m|0", "m|1", "m|2", "m|3"]);
    await r1.send([a[0]![0]!, "from r1"]);
    await r2.send([b[0]![0]!, "from r2"]);
    const replies = [
      str(await dealer.receive({ timeout: 5000 })),
      str(await dealer.receive({ timeout: 5000 })),
    ];
    assert.deepEqual(replies.sort(), ["from r1", "from r2"]);
  });
}

test("ROUTER learns an identity announced by an inproc peer that connected before the bind", async () => {
  // SHALL (docs/behaviour.md §4.7, XREP, with §10.1: an inproc connect before the bind works): the
  // announced identity still replaces the generated one.
  await using ctx = new Context();
  using router = ctx.socket("ROUTER"), dealer = ctx.socket("DEALER", { identity: "early" });
  const ep = scratchEndpoint("inproc");
  await router.connect(ep);
  await dealer.bind(ep);
  await waitFor(
    () => router.trySend(["early", "hi"]) && dealer.tryReceive() !== null,
    5000,
    "routing by 'early'",
  );
});
