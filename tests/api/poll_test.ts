/**
 * Tests of `poll` (lib/api/poll.ts), the idiomatic face's readiness helper: check once,
 * timeout bounds, early wake when an item becomes ready mid-wait, POLLOUT, several
 * items, errors, and no timer but its timeout while it waits (the waiter it shares with
 * `waitReadable`: tests/api/readiness_test.ts).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, delay, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context, poll, XS_POLLIN, XS_POLLOUT, XsError } from "../../mod.ts";
import { countTimers } from "./_timers.ts";

test("poll with timeout 0 checks once and reports nothing on an idle socket", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL");
  await pull.bind(scratchEndpoint("inproc"));
  const t0 = performance.now();
  assert.deepEqual(await poll([{ socket: pull, events: XS_POLLIN }], 0), [0]);
  assert.ok(performance.now() - t0 < 50);
});

test("poll waits its whole timeout when nothing becomes ready", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL");
  await pull.bind(scratchEndpoint("inproc"));
  const t0 = performance.now();
  assert.deepEqual(await poll([{ socket: pull, events: XS_POLLIN }], 200), [0]);
  const t = performance.now() - t0;
  assert.ok(t >= 199 && t < 700, `took ${t} ms`);
});

for (const scheme of TRANSPORTS) {
  test(
    `poll resolves early when a message arrives mid-wait over ${scheme}, and does not consume it`,
    async () => {
      await using ctx = new Context();
      using pull = ctx.socket("PULL");
      using push = ctx.socket("PUSH");
      await pull.bind(scratchEndpoint(scheme));
      await push.connect(pull.lastEndpoint);
      setTimeout(() => void push.send("late"), 100);
      const t0 = performance.now();
      const r = await poll([{ socket: pull, events: XS_POLLIN | XS_POLLOUT }], 5000);
      const t = performance.now() - t0;
      assert.deepEqual(r, [XS_POLLIN]);
      assert.ok(t >= 90 && t < 2000, `took ${t} ms`);
      assert.deepEqual(pull.tryReceive(), [new TextEncoder().encode("late")]);
    },
    { timeout: 15_000 },
  );
}

test("poll reports POLLOUT and several items at once, per item in order", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL");
  using push = ctx.socket("PUSH");
  using idle = ctx.socket("PULL");
  const ep = scratchEndpoint("inproc");
  await pull.bind(ep);
  await push.connect(ep);
  await idle.bind(scratchEndpoint("inproc"));
  await push.send("x");
  const r = await poll([
    { socket: idle, events: XS_POLLIN },
    { socket: push, events: XS_POLLOUT },
    { socket: pull, events: XS_POLLIN },
  ], 1000);
  assert.deepEqual(r, [0, XS_POLLOUT, XS_POLLIN]);
});

test("poll with a negative timeout waits until an item is ready", async () => {
  await using ctx = new Context();
  using a = ctx.socket("PAIR");
  using b = ctx.socket("PAIR");
  const ep = scratchEndpoint("inproc");
  await a.bind(ep);
  await b.connect(ep);
  setTimeout(() => void b.send("x"), 50);
  assert.deepEqual(await poll([{ socket: a, events: XS_POLLIN }], -1), [XS_POLLIN]);
  assert.deepEqual(await poll([{ socket: a, events: XS_POLLIN }]), [XS_POLLIN]);
});

test("poll rejects with ENOTSOCK when a socket is closed, and TypeError for bad items", async () => {
  await using ctx = new Context();
  const pull = ctx.socket("PULL");
  pull.close();
  await assert.rejects(
    poll([{ socket: pull, events: XS_POLLIN }], 0),
    (e: unknown) => e instanceof XsError && e.code === "ENOTSOCK",
  );
  await assert.rejects(poll([{ socket: null as never, events: XS_POLLIN }], 0), TypeError);
  await assert.rejects(poll([], -1), TypeError);
  assert.deepEqual(await poll([], 10), []);
});

test("poll rejects with ETERM when the context is terminated mid-wait", async () => {
  const ctx = new Context();
  const pull = ctx.socket("PULL");
  await pull.bind(scratchEndpoint("inproc"));
  const p = poll([{ socket: pull, events: XS_POLLIN }], 5000);
  await delay(20);
  const term = ctx.term();
  await assert.rejects(
    p,
    (e: unknown) => e instanceof XsError && (e.code === "ETERM" || e.code === "ENOTSOCK"),
  );
  await term;
});

test("poll rejects with ENOTSOCK when one of its sockets is closed mid-wait", async () => {
  await using ctx = new Context();
  const pull = ctx.socket("PULL");
  await pull.bind(scratchEndpoint("tcp"));
  const t0 = performance.now();
  const p = poll([{ socket: pull, events: XS_POLLIN }], 5000);
  setTimeout(() => pull.close(), 20);
  await assert.rejects(p, (e: unknown) => e instanceof XsError && e.code === "ENOTSOCK");
  const t = performance.now() - t0;
  assert.ok(t < 2000, `the close woke the poll (took ${t} ms, timeout 5000)`);
});

test("poll over sockets of two contexts wakes for either one", async () => {
  await using one = new Context();
  await using two = new Context();
  using a = one.socket("PULL");
  using b = two.socket("PULL");
  using push = two.socket("PUSH");
  await a.bind(scratchEndpoint("tcp"));
  await b.bind(scratchEndpoint("tcp"));
  await push.connect(b.lastEndpoint);
  setTimeout(() => void push.send("to b"), 50);
  const t0 = performance.now();
  const r = await poll([{ socket: a, events: XS_POLLIN }, { socket: b, events: XS_POLLIN }], 5000);
  const t = performance.now() - t0;
  assert.deepEqual(r, [0, XS_POLLIN]);
  assert.ok(t < 2000, `woken by the second context (took ${t} ms, timeout 5000)`);
});

for (const scheme of TRANSPORTS) {
  test(`poll starts no timer but its timeout while it waits over ${scheme}`, async () => {
    await using ctx = new Context();
    using pull = ctx.socket("PULL");
    using push = ctx.socket("PUSH");
    await pull.bind(scratchEndpoint(scheme));
    await push.connect(pull.lastEndpoint);
    await push.send("warm-up");
    assert.equal(await pull.receiveText({ timeout: 5000 }), "warm-up");
    const items = [{ socket: pull, events: XS_POLLIN }, { socket: push, events: 0 }];
    const idle = await countTimers(() => poll(items, 250));
    assert.deepEqual([idle.result, idle.timeouts, idle.intervals], [[0, 0], [250], 0]);
    const woken = await countTimers(async () => {
      const p = poll(items);
      await push.send("x");
      return await p;
    });
    assert.deepEqual([woken.result, woken.timeouts, woken.intervals], [[XS_POLLIN, 0], [], 0]);
  }, { timeout: 15_000 });
}
