/**
 * Spec tests of PUB, SUB, XPUB and XSUB through the public faces only
 * (docs/behaviour.md §4.1, §4.5, §4.6, §8 traps 9, 10, 16–18; docs/upstream-tests.md
 * §4.6, SUB filtering). Each case states the rule it checks and runs over every transport.
 *
 * A PUB drops what nobody has subscribed to yet (slow joiner), so cases wait until the
 * subscriptions arrived: with an XPUB by reading them, with a PUB by publishing a probe
 * ("sync", subscribed last) until the SUB gets one.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, hexOf as hex, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context, type Socket, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";

const enc = new TextEncoder(), dec = new TextDecoder();
const str = (parts: Uint8Array[]) => parts.map((p) => dec.decode(p)).join("|");
/** A subscription message `[u16 cmd][u16 filter][body]`. */
function subMsg(cmd: number, filter: number, body: string): Uint8Array {
  const b = enc.encode(body);
  const m = new Uint8Array(4 + b.length);
  m.set([0, cmd, 0, filter]);
  m.set(b, 4);
  return m;
}

/** Publishes "sync" until `sub` (subscribed to "sync" last) gets one: every earlier subscription is applied. */
async function syncPub(pub: Socket, sub: Socket): Promise<void> {
  const end = Date.now() + 10_000;
  for (;;) {
    await pub.send("sync");
    try {
      const m = await sub.receive({ timeout: 50 });
      if (str(m) === "sync") return;
      throw new Error(`unexpected message before sync: ${str(m)}`);
    } catch (e) {
      if (!(e instanceof XsError && e.code === "EAGAIN") || Date.now() > end) throw e;
    }
  }
}

/** Receives the next message that is not a late "sync" probe, within `ms`. */
async function recvData(sub: Socket, ms = 2000): Promise<string> {
  for (;;) {
    const m = str(await sub.receive({ timeout: ms }));
    if (m !== "sync") return m;
  }
}

/** Asserts nothing but "sync" probes arrive within `ms`. */
async function assertSilent(sub: Socket, ms = 200): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) return;
    try {
      const m = str(await sub.receive({ timeout: left }));
      assert.equal(m, "sync", `nothing expected, got ${m}`);
    } catch (e) {
      if (e instanceof XsError && e.code === "EAGAIN") return;
      throw e;
    }
  }
}

/** Receives one subscription message at an XPUB, as hex. */
async function recvSub(xpub: Socket, ms = 2000): Promise<string> {
  const m = await xpub.receive({ timeout: ms });
  assert.equal(m.length, 1);
  return hex(m[0]!);
}

for (const scheme of TRANSPORTS) {
  test(
    `SUB gets only messages whose first part starts with its prefix over ${scheme}`,
    async () => {
      // SHALL (docs/behaviour.md §4.6): a message matches when a subscribed body is a byte prefix
      // of its first part; one whose first part matches no local filter is discarded.
      await using ctx = new Context();
      using pub = ctx.socket("PUB"), sub = ctx.socket("SUB");
      await pub.bind(scratchEndpoint(scheme));
      await sub.connect(pub.lastEndpoint);
      sub.subscribe("news");
      sub.subscribe("sync");
      await syncPub(pub, sub);
      for (const t of ["weather", "news.today", "new", "xnews", "news"]) await pub.send(t);
      assert.equal(await recvData(sub), "news.today");
      assert.equal(await recvData(sub), "news");
      await assertSilent(sub);
    },
  );

  test(`SUB with several subscriptions gets the union over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.6): the first part selects every pipe with a matching
    // subscription.
    await using ctx = new Context();
    using pub = ctx.socket("PUB"), sub = ctx.socket("SUB");
    await pub.bind(scratchEndpoint(scheme));
    await sub.connect(pub.lastEndpoint);
    sub.subscribe("a");
    sub.subscribe(enc.encode("b"));
    sub.subscribe("ab"); // overlaps "a": the message still arrives once
    sub.subscribe("sync");
    await syncPub(pub, sub);
    for (const t of ["a1", "b1", "c1", "ab1", "ba"]) await pub.send(t);
    assert.deepEqual([
      await recvData(sub),
      await recvData(sub),
      await recvData(sub),
      await recvData(sub),
    ], [
      "a1",
      "b1",
      "ab1",
      "ba",
    ]);
    await assertSilent(sub);
  });

  test(`SUB stops getting a prefix after unsubscribing over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.6): only the last unsubscribe of a body goes upstream, and the
    // local filter drops the rest.
    await using ctx = new Context();
    using xpub = ctx.socket("XPUB"), sub = ctx.socket("SUB");
    await xpub.bind(scratchEndpoint(scheme));
    await sub.connect(xpub.lastEndpoint);
    sub.subscribe("a");
    sub.subscribe("b");
    assert.equal(await recvSub(xpub), "00 01 00 01 61");
    assert.equal(await recvSub(xpub), "00 01 00 01 62");
    sub.unsubscribe("a");
    assert.equal(await recvSub(xpub), "00 02 00 01 61");
    await xpub.send("a1");
    await xpub.send("b1");
    assert.equal(await recvData(sub), "b1");
    await assertSilent(sub);
  });

  test(
    `SUB counts a duplicate subscribe and XPUB reports first and last only over ${scheme}`,
    async () => {
      // SHALL (docs/behaviour.md §4.6): the prefix filter counts per body, so only the first
      // subscribe and the last unsubscribe go upstream; an XPUB delivers a subscribe only for the
      // first.
      await using ctx = new Context();
      using xpub = ctx.socket("XPUB"), sub = ctx.socket("SUB");
      await xpub.bind(scratchEndpoint(scheme));
      await sub.connect(xpub.lastEndpoint);
      sub.subscribe("a");
      sub.subscribe("a");
      assert.equal(await recvSub(xpub), "00 01 00 01 61");
      sub.unsubscribe("a");
      sub.subscribe("z"); // a marker: the unsubscribe above must not come before it
      assert.equal(await recvSub(xpub), "00 01 00 01 7a");
      await xpub.send("a-still");
      assert.equal(await recvData(sub), "a-still");
      sub.unsubscribe("a");
      assert.equal(await recvSub(xpub), "00 02 00 01 61");
      assert.equal(xpub.tryReceive(), null);
    },
  );

  test(`XPUB reports a body's first subscriber and its last leaving over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.6): an XPUB delivers a subscribe only for the first subscription
    // to a body from any peer, and an unsubscribe when the last is removed, also when the last
    // subscriber of a body disconnects.
    await using ctx = new Context();
    using xpub = ctx.socket("XPUB"), s1 = ctx.socket("SUB");
    const s2 = ctx.socket("SUB");
    await xpub.bind(scratchEndpoint(scheme));
    await s1.connect(xpub.lastEndpoint);
    await s2.connect(xpub.lastEndpoint);
    s1.subscribe("t");
    assert.equal(await recvSub(xpub), "00 01 00 01 74");
    s2.subscribe("t");
    s2.subscribe("u");
    assert.equal(await recvSub(xpub), "00 01 00 01 75"); // "t" again was not reported
    s1.unsubscribe("t");
    s1.subscribe("v");
    assert.equal(await recvSub(xpub), "00 01 00 01 76"); // s2 still holds "t"
    s2.close(); // its "t" and "u" go with it, in byte order
    assert.equal(await recvSub(xpub, 5000), "00 02 00 01 74");
    assert.equal(await recvSub(xpub), "00 02 00 01 75");
    assert.equal(xpub.tryReceive(), null);
  });

  test(`SUB topic filter matches elements and * wildcards over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.6): in the topic filter an element that is exactly * consumes
    // data up to the next ., NUL or the end, and a pattern matches as soon as it is used up.
    // Over tcp/ipc the filter id travels only in the Crossroads 1.2 wire form ("xs1");
    // ZMTP peers get the literal part before the first "*" as a prefix (engine).
    await using ctx = new Context();
    using xpub = ctx.socket("XPUB", { wire: "xs1" }), sub = ctx.socket("SUB", { wire: "xs1" });
    await xpub.bind(scratchEndpoint(scheme));
    await sub.connect(xpub.lastEndpoint);
    sub.filter = 2;
    sub.subscribe("a.*.c");
    sub.subscribe("a.*.c"); // the XSUB logic passes one upstream
    sub.subscribe("*x"); // malformed: never matches
    assert.equal(await recvSub(xpub), "00 01 00 02 61 2e 2a 2e 63");
    assert.equal(await recvSub(xpub), "00 01 00 02 2a 78");
    for (const t of ["a.b.c", "a.bb.d", "a..c", "a.b.cd", "b.b.c", "a.b", "*x", "a.xyz.c.d"]) {
      await xpub.send(t);
    }
    assert.equal(await recvData(sub), "a.b.c");
    assert.equal(await recvData(sub), "a..c");
    assert.equal(await recvData(sub), "a.b.cd");
    assert.equal(await recvData(sub), "a.xyz.c.d");
    await assertSilent(sub);
    // SHALL (docs/behaviour.md §4.6): a topic XS_UNSUBSCRIBE removes only the local entry; no topic
    // unsubscribe ever leaves the SUB.
    sub.unsubscribe("a.*.c");
    sub.unsubscribe("a.*.c");
    sub.unsubscribe("never"); // unknown: no effect, no error
    await xpub.send("a.b.c");
    await assertSilent(sub);
    assert.equal(xpub.tryReceive(), null);
  });

  test(
    `XPUB reports every topic subscribe, and a topic unsubscribe only if unknown, over ${scheme}`,
    async () => {
      // SHALL (docs/behaviour.md §4.6, the topic-filter quirk): an XPUB delivers every subscribe,
      // duplicates too, an unsubscribe only when it matched no entry, and nothing on a
      // disconnect.
      await using ctx = new Context();
      using xpub = ctx.socket("XPUB", { wire: "xs1" }), x1 = ctx.socket("XSUB", { wire: "xs1" });
      const x2 = ctx.socket("XSUB", { wire: "xs1" });
      await xpub.bind(scratchEndpoint(scheme));
      await x1.connect(xpub.lastEndpoint);
      await x2.connect(xpub.lastEndpoint);
      x1.filter = 2;
      x2.filter = 2;
      x1.subscribe("t.*");
      assert.equal(await recvSub(xpub), "00 01 00 02 74 2e 2a");
      x2.subscribe("t.*");
      assert.equal(await recvSub(xpub), "00 01 00 02 74 2e 2a");
      x1.unsubscribe("t.*"); // matched x1's entry: not reported
      x2.subscribe("m");
      assert.equal(await recvSub(xpub), "00 01 00 02 6d");
      x2.close();
      x1.subscribe("n");
      assert.equal(await recvSub(xpub, 5000), "00 01 00 02 6e"); // nothing for x2 leaving
    },
  );

  test(`PUB drops messages for a full subscriber instead of blocking over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.1): at the HWM a PUB drops that peer's copy, and such types never
    // return EAGAIN.
    await using ctx = new Context();
    using pub = ctx.socket("PUB", { sndhwm: 2 }), sub = ctx.socket("SUB", { rcvhwm: 2 });
    await pub.bind(scratchEndpoint(scheme));
    await sub.connect(pub.lastEndpoint);
    sub.subscribe("");
    await syncPub(pub, sub);
    const N = 200, big = new Uint8Array(64 * 1024);
    for (let i = 0; i < N; i++) {
      big[0] = i;
      assert.equal(pub.trySend(big), true, `send ${i} must not block`);
    }
    assert.ok(pub.writable, "PUB is always writable");
    // Whatever was not dropped arrives; then silence.
    let got = 0;
    for (;;) {
      try {
        const m = await sub.receive({ timeout: 500 });
        if (m[0]!.length === big.length) got++;
      } catch (e) {
        if (e instanceof XsError && e.code === "EAGAIN") break;
        throw e;
      }
    }
    if (scheme === "inproc") assert.equal(got, 4, "inproc holds SNDHWM + RCVHWM");
    else assert.ok(got < N, `${got} of ${N} arrived: some must have been dropped`);
  });

  test(`SUB cannot send and PUB cannot receive over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.1): SUB send and PUB recv fail with ENOTSUP; POLLOUT never on
    // SUB, POLLIN never on PUB.
    await using ctx = new Context();
    using pub = ctx.socket("PUB"), sub = ctx.socket("SUB");
    await pub.bind(scratchEndpoint(scheme));
    await sub.connect(pub.lastEndpoint);
    // @ts-expect-error refused by the type checker too (Socket<T>); run time checked here
    assert.throws(() => sub.trySend("x"), (e) => e instanceof XsError && e.code === "ENOTSUP");
    // @ts-expect-error refused by the type checker too (Socket<T>); run time checked here
    await assert.rejects(sub.send("x"), (e) => e instanceof XsError && e.code === "ENOTSUP");
    // @ts-expect-error refused by the type checker too (Socket<T>); run time checked here
    assert.throws(() => pub.tryReceive(), (e) => e instanceof XsError && e.code === "ENOTSUP");
    // @ts-expect-error refused by the type checker too (Socket<T>); run time checked here
    await assert.rejects(pub.receive(), (e) => e instanceof XsError && e.code === "ENOTSUP");
    assert.equal(sub.writable, false);
    assert.equal(pub.readable, false);
    // XS_SUBSCRIBE is SUB's only: "SUB only (else EINVAL)".
    // @ts-expect-error refused by the type checker too (Socket<T>); run time checked here
    assert.throws(() => pub.subscribe("a"), (e) => e instanceof XsError && e.code === "EINVAL");
  });

  test(`XSUB refuses a malformed subscription with EINVAL over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.6): an XSUB send shorter than 4 bytes or with a command other
    // than 1 or 2 fails with EINVAL.
    await using ctx = new Context();
    using xpub = ctx.socket("XPUB"), xsub = ctx.socket("XSUB");
    await xpub.bind(scratchEndpoint(scheme));
    await xsub.connect(xpub.lastEndpoint);
    const einval = (e: unknown) => e instanceof XsError && e.code === "EINVAL";
    assert.throws(() => xsub.trySend(new Uint8Array([0, 1, 0])), einval);
    assert.throws(() => xsub.trySend(new Uint8Array([0, 3, 0, 1, 0x61])), einval);
    assert.throws(() => xsub.trySend(new Uint8Array([0, 0, 0, 1])), einval);
    assert.throws(() => xsub.trySend([subMsg(1, 1, "a"), subMsg(1, 1, "b")]), einval);
    // An unsubscribe of something not subscribed is swallowed with success.
    assert.equal(xsub.trySend(subMsg(2, 1, "q")), true);
    assert.equal(xsub.trySend(subMsg(1, 1, "ok")), true);
    assert.equal(await recvSub(xpub), "00 01 00 01 6f 6b");
    assert.ok(xsub.writable, "XSUB is always writable");
    // What XSUB receives is the data as published.
    await xpub.send(["ok!", "second"]);
    assert.equal(str(await xsub.receive({ timeout: 2000 })), "ok!|second");
  });

  test(`SUB filters multi-part messages by their first part only over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §8 trap 18): only the first part is matched; a message that does not
    // match vanishes whole.
    await using ctx = new Context();
    using pub = ctx.socket("PUB"), sub = ctx.socket("SUB");
    await pub.bind(scratchEndpoint(scheme));
    await sub.connect(pub.lastEndpoint);
    sub.subscribe("key");
    sub.subscribe("sync");
    await syncPub(pub, sub);
    await pub.send(["other", "key", "key"]);
    await pub.send(["ke", "y"]);
    await pub.send(["key1", "body", ""]);
    assert.equal(await recvData(sub), "key1|body|");
    await assertSilent(sub);
  });

  test(
    `PUB drops what is published before a subscription arrives (slow joiner) over ${scheme}`,
    async () => {
      // SHALL (docs/behaviour.md §4.6): messages published before a subscription arrived miss it;
      // waiting until it arrived (the XPUB shows it) makes the next message get through.
      await using ctx = new Context();
      using xpub = ctx.socket("XPUB"), sub = ctx.socket("SUB");
      await xpub.bind(scratchEndpoint(scheme));
      await sub.connect(xpub.lastEndpoint);
      await xpub.send("early"); // nobody subscribed yet
      sub.subscribe("");
      assert.equal(await recvSub(xpub), "00 01 00 01");
      await xpub.send("late");
      assert.equal(await recvData(sub), "late");
      await assertSilent(sub, 100);
    },
  );

  test(`PUB fans out to every matching subscriber over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.6): the whole message goes to every pipe with a matching
    // subscription.
    await using ctx = new Context();
    using pub = ctx.socket("PUB"),
      a = ctx.socket("SUB"),
      b = ctx.socket("SUB"),
      c = ctx.socket("SUB");
    await pub.bind(scratchEndpoint(scheme));
    for (const s of [a, b, c]) await s.connect(pub.lastEndpoint);
    a.subscribe("x");
    b.subscribe("");
    c.subscribe("y");
    for (const s of [a, b, c]) {
      s.subscribe("sync");
      await syncPub(pub, s);
    }
    await pub.send(["x1", "p"]);
    assert.equal(await recvData(a), "x1|p");
    assert.equal(await recvData(b), "x1|p");
    await assertSilent(c);
  });
}

test("SUB and XSUB default to SNDHWM 0 and LINGER 0", async () => {
  // SHALL (docs/behaviour.md §8 trap 10): SUB and XSUB default to linger 0 and SNDHWM 0.
  await using ctx = new Context();
  using sub = ctx.socket("SUB"), xsub = ctx.socket("XSUB"), pub = ctx.socket("PUB");
  assert.deepEqual([sub.sndhwm, sub.linger, xsub.sndhwm, xsub.linger], [0, 0, 0, 0]);
  assert.deepEqual([pub.sndhwm, pub.linger], [1000, -1]);
});

test("SUB refuses a subscription under an unknown XS_FILTER and ignores its unsubscribe (C face)", () => {
  // SHALL (docs/behaviour.md §4.6, where upstream asserts): a SUB subscribe with an unregistered
  // XS_FILTER (e.g. 0) fails with EINVAL; an XS_UNSUBSCRIBE when no filter of the current
  // XS_FILTER id exists returns 0.
  const ctx = xs.xs_init();
  const sub = xs.xs_socket(ctx, xs.XS_SUB)!, push = xs.xs_socket(ctx, xs.XS_PUSH)!;
  try {
    assert.equal(xs.xs_setsockopt(sub, xs.XS_UNSUBSCRIBE, enc.encode("a"), 1), 0);
    assert.equal(xs.xs_setsockopt(sub, xs.XS_FILTER, 0), 0);
    assert.equal(xs.xs_setsockopt(sub, xs.XS_SUBSCRIBE, enc.encode("a"), 1), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
    assert.equal(xs.xs_setsockopt(sub, xs.XS_UNSUBSCRIBE, enc.encode("a"), 1), 0);
    assert.equal(xs.xs_send(sub, enc.encode("a"), 1, 0), -1);
    assert.equal(xs.xs_errno(), xs.ENOTSUP);
    assert.equal(xs.xs_setsockopt(push, xs.XS_SUBSCRIBE, enc.encode("a"), 1), -1);
    assert.equal(xs.xs_errno(), xs.EINVAL);
  } finally {
    xs.xs_close(sub);
    xs.xs_close(push);
    xs.xs_term(ctx);
  }
});
