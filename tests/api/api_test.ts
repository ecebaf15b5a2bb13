/**
 * Tests of the idiomatic face (`mod.ts`): Context and Socket, promises, trySend and
 * tryReceive, timeouts, AbortSignal, async iteration, `using`, options and errors.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, texts as text, TRANSPORTS } from "../_harness.ts";
import { Context, type Socket, XS_PUSH, XsError } from "../../mod.ts";

const dec = new TextDecoder();

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof XsError && e.code === code);
}

function throwsWith(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof XsError && e.code === code);
}

async function pushPull(
  ctx: Context,
  scheme: "inproc" | "ipc" | "tcp" = "inproc",
): Promise<[Socket, Socket]> {
  const pull = ctx.socket("PULL"), push = ctx.socket("PUSH");
  await pull.bind(scratchEndpoint(scheme));
  await push.connect(pull.lastEndpoint);
  return [push, pull];
}

for (const scheme of TRANSPORTS) {
  test(`Socket sends and receives single and multi-part messages over ${scheme}`, async () => {
    await using ctx = new Context();
    const [push, pull] = await pushPull(ctx, scheme);
    using _a = push, _b = pull;
    await push.send("hello");
    await push.send(["a", new Uint8Array([1, 2]), new Uint8Array([3]).buffer, ""]);
    assert.deepEqual(text(await pull.receive({ timeout: 2000 })), ["hello"]);
    const m = await pull.receive({ timeout: 2000 });
    assert.equal(m.length, 4);
    assert.deepEqual([...m[1]!], [1, 2]);
    assert.deepEqual([...m[2]!], [3]);
    assert.equal(m[3]!.length, 0);
  });

  test(`Socket carries a 1 MiB message over ${scheme}`, async () => {
    await using ctx = new Context();
    const [push, pull] = await pushPull(ctx, scheme);
    using _a = push, _b = pull;
    const big = new Uint8Array(1 << 20).fill(7);
    await push.send(big);
    const got = (await pull.receive({ timeout: 5000 }))[0]!;
    assert.equal(got.length, big.length);
    assert.equal(got[12345], 7);
  });
}

test("Context.socket applies options, accepts names and numbers, reports the type", async () => {
  await using ctx = new Context({ ioThreads: 1, maxSockets: 10 });
  using a = ctx.socket("PULL", {
    rcvhwm: 10,
    linger: 0,
    identity: "me",
    maxmsgsize: 100n,
    ipv4only: false,
  });
  using b = ctx.socket(XS_PUSH);
  using c = ctx.socket("pair");
  assert.equal(a.type, "PULL");
  assert.equal(b.type, "PUSH");
  assert.equal(c.type, "PAIR");
  assert.equal(a.rcvhwm, 10);
  assert.equal(a.linger, 0);
  assert.equal(dec.decode(a.identity), "me");
  assert.equal(a.maxmsgsize, 100);
  assert.equal(a.ipv4only, false);
  assert.equal(b.sndhwm, 1000);
  assert.equal(b.maxmsgsize, -1);
  assert.equal(b.affinity, 0n);
  assert.equal(b.rcvtimeo, -1);
  b.sndtimeo = 5;
  assert.equal(b.sndtimeo, 5);
  b.keepalive = true;
  assert.equal(b.keepalive, true);
  assert.throws(() => ctx.socket("NOPE" as "PAIR"), TypeError);
  assert.throws(() => ctx.socket("PULL", { nope: 1 } as never), TypeError);
  assert.throws(() => (a.sndhwm = "1" as unknown as number), TypeError);
  assert.throws(() => (a.sndhwm = 1.5), RangeError);
  assert.throws(() => (a.sndhwm = -1), {
    name: "RangeError",
    message: "sndhwm must be ≥ 0 (0 = none)",
  });
  assert.throws(() => (a.identity = new Uint8Array([0])), RangeError);
  throwsWith(() => a.surveyTimeout, "ENOTSUP");
  // @ts-expect-error the type checker refuses it too (Socket<T>); this checks run time
  throwsWith(() => a.subscribe("x"), "EINVAL");
});

test("option accessors show values by kind: maxmsgsize a number only while it is safe, affinity always a bigint", async () => {
  await using ctx = new Context();
  using s = ctx.socket("PUSH");
  s.maxmsgsize = 2n ** 60n;
  assert.equal(s.maxmsgsize, 2n ** 60n);
  s.maxmsgsize = BigInt(Number.MAX_SAFE_INTEGER);
  assert.equal(s.maxmsgsize, Number.MAX_SAFE_INTEGER);
  s.affinity = 1;
  assert.equal(s.affinity, 1n);
  s.wire = "xs1";
  assert.equal(s.wire, "xs1");
  s.ipv4only = false;
  assert.equal(s.ipv4only, false);
});

test("Context with maxSockets 1 throws EMFILE for the second socket", async () => {
  await using ctx = new Context({ maxSockets: 1 });
  using _s = ctx.socket("PUSH");
  throwsWith(() => ctx.socket("PUSH"), "EMFILE");
  assert.throws(() => new Context({ ioThreads: 0 }), RangeError);
});

test("trySend and tryReceive never wait", async () => {
  await using ctx = new Context();
  const pull = ctx.socket("PULL", { rcvhwm: 1 }), push = ctx.socket("PUSH", { sndhwm: 1 });
  using _a = pull, _b = push;
  await pull.bind(scratchEndpoint("inproc"));
  assert.equal(pull.tryReceive(), null);
  assert.equal(push.trySend("x"), false); // no peer yet
  await push.connect(pull.lastEndpoint);
  assert.deepEqual([push.readable, push.writable], [false, true]);
  assert.equal(push.trySend("1"), true);
  assert.equal(push.trySend("2"), true);
  assert.equal(push.trySend("3"), false);
  assert.deepEqual([pull.readable, pull.writable], [true, false]);
  assert.deepEqual(text(pull.tryReceive()!), ["1"]);
  assert.equal(push.trySend(["3", "b"]), true);
  assert.deepEqual(text(pull.tryReceive()!), ["2"]);
  assert.deepEqual(text(pull.tryReceive()!), ["3", "b"]);
  assert.equal(pull.tryReceive(), null);
  // @ts-expect-error the type checker refuses it too (Socket<T>); this checks run time
  throwsWith(() => pull.trySend("x"), "ENOTSUP");
  // @ts-expect-error the type checker refuses it too (Socket<T>); this checks run time
  throwsWith(() => push.tryReceive(), "ENOTSUP");
  // @ts-expect-error the type checker refuses it too (Socket<T>); this checks run time
  await rejectsWith(pull.send("x"), "ENOTSUP");
  // @ts-expect-error the type checker refuses it too (Socket<T>); this checks run time
  await rejectsWith(push.receive(), "ENOTSUP");
  assert.throws(() => push.trySend([]), RangeError);
  assert.throws(() => push.trySend(42 as unknown as string), TypeError);
});

test("receive rejects EAGAIN after its timeout, at once with timeout 0, and honours rcvtimeo", async () => {
  await using ctx = new Context();
  const [push, pull] = await pushPull(ctx);
  using _a = push, _b = pull;
  const t0 = performance.now();
  await rejectsWith(pull.receive({ timeout: 50 }), "EAGAIN");
  assert.ok(performance.now() - t0 >= 45);
  await rejectsWith(pull.receive({ timeout: 0 }), "EAGAIN");
  pull.rcvtimeo = 30;
  await rejectsWith(pull.receive(), "EAGAIN");
  // A pending receive is satisfied by a later send.
  const p = pull.receive({ timeout: 2000 });
  await push.send("late");
  assert.deepEqual(text(await p), ["late"]);
});

test("send waits for room and rejects EAGAIN when its timeout expires", async () => {
  await using ctx = new Context();
  const pull = ctx.socket("PULL", { rcvhwm: 1 }), push = ctx.socket("PUSH", { sndhwm: 1 });
  using _a = pull, _b = push;
  await pull.bind(scratchEndpoint("inproc"));
  await push.connect(pull.lastEndpoint);
  await push.send("1");
  await push.send("2");
  await rejectsWith(push.send("3", { timeout: 30 }), "EAGAIN");
  const p = push.send("3", { timeout: 2000 });
  assert.deepEqual(text(await pull.receive({ timeout: 1000 })), ["1"]);
  await p;
  assert.deepEqual(text(await pull.receive({ timeout: 1000 })), ["2"]);
  assert.deepEqual(text(await pull.receive({ timeout: 1000 })), ["3"]);
});

test("an AbortSignal cancels a pending receive without losing the next message", async () => {
  await using ctx = new Context();
  const [push, pull] = await pushPull(ctx);
  using _a = push, _b = pull;
  const ac = new AbortController();
  const p = pull.receive({ signal: ac.signal });
  ac.abort(new Error("stop"));
  await assert.rejects(p, /stop/);
  await assert.rejects(pull.receive({ signal: AbortSignal.abort() }));
  await push.send("kept");
  assert.deepEqual(text(await pull.receive({ timeout: 1000 })), ["kept"]);
  assert.equal(pull.tryReceive(), null);
});

test("async iteration yields messages and ends when the socket is closed", async () => {
  await using ctx = new Context();
  const [push, pull] = await pushPull(ctx);
  using _a = push;
  for (const m of ["a", "b", "c"]) await push.send(m);
  const seen: string[] = [];
  for await (const parts of pull) {
    seen.push(dec.decode(parts[0]));
    if (seen.length === 3) setTimeout(() => pull.close(), 5);
  }
  assert.deepEqual(seen, ["a", "b", "c"]);
  assert.equal(pull.closed, true);
  pull.close(); // closing twice does nothing
  await rejectsWith(pull.receive(), "ENOTSOCK");
  throwsWith(() => pull.tryReceive(), "ENOTSOCK");
});

test("term makes pending and later calls fail ETERM and ends async iteration", async () => {
  const ctx = new Context();
  const [push, pull] = await pushPull(ctx);
  const pending = pull.receive();
  const iterating = (async () => {
    for await (const _ of pull) { /* nothing arrives */ }
    return "ended";
  })();
  await ctx.term();
  await rejectsWith(pending, "ETERM");
  assert.equal(await iterating, "ended");
  await rejectsWith(push.send("x"), "ETERM");
  throwsWith(() => push.trySend("x"), "ETERM");
  throwsWith(() => ctx.socket("PUSH"), "ETERM");
  push.close();
  pull.close();
  await ctx.term(); // twice is fine
});

test("bind and connect report endpoint errors as XsError; endpoint ids and shutdown", async () => {
  await using ctx = new Context();
  using a = ctx.socket("PULL"), b = ctx.socket("PULL");
  await rejectsWith(a.bind("pgm://eth0;239.1.1.1:5555"), "EPROTONOSUPPORT");
  await rejectsWith(a.bind("nonsense"), "EINVAL");
  const ep = scratchEndpoint("inproc");
  assert.equal(await a.bind(ep), 0);
  await rejectsWith(b.bind(ep), "EADDRINUSE");
  throwsWith(() => a.shutdown(0), "ENOTSUP");
  throwsWith(() => a.shutdown(3), "EINVAL");
  await assert.rejects(a.bind(1 as unknown as string), TypeError);
  const id = await b.bind("tcp://127.0.0.1:*");
  assert.ok(id >= 1);
  assert.match(b.lastEndpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  b.shutdown(id);
});

test("inproc connect before bind works", async () => {
  // docs/behaviour.md §10.1: the connect succeeds and its pipe waits for the bind.
  await using ctx = new Context();
  using push = ctx.socket("PUSH"), pull = ctx.socket("PULL");
  const ep = scratchEndpoint("inproc");
  assert.equal(await push.connect(ep), 0);
  await push.send("early");
  await pull.bind(ep);
  assert.deepEqual(text(await pull.receive({ timeout: 1000 })), ["early"]);
});
