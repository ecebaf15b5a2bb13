/**
 * Tests of the readiness waits (lib/api/readiness.ts) through `Socket.waitReadable` and
 * `Socket.waitWritable`: false at the timeout (default `rcvtimeo` / `sndtimeo`), true as
 * soon as a message or room arrives over inproc, ipc and tcp (without taking anything),
 * the high-water mark, abort, close and term while waiting, types that never receive or
 * send, the REQ that becomes writable in the very round its pending receive takes the reply,
 * and no timer but the caller's timeout while a wait is pending. A sender in another OS
 * process: tests/process/readiness_process_test.ts.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context, poll, type Socket, XS_POLLIN, XsError } from "../../mod.ts";
import { countTimers } from "./_timers.ts";

const code = (c: string) => (e: unknown) => e instanceof XsError && e.code === c;

for (const scheme of TRANSPORTS) {
  test(
    `waitReadable: false at the timeout, then true when a message arrives over ${scheme}`,
    async () => {
      await using ctx = new Context();
      using pull = ctx.socket("PULL");
      using push = ctx.socket("PUSH");
      await pull.bind(scratchEndpoint(scheme));
      await push.connect(pull.lastEndpoint);
      assert.equal(await pull.waitReadable({ timeout: 0 }), false);
      let t0 = performance.now();
      assert.equal(await pull.waitReadable({ timeout: 100 }), false);
      let t = performance.now() - t0;
      assert.ok(t >= 95 && t < 1000, `timed out after ${t} ms`);
      setTimeout(() => void push.send("late"), 50);
      t0 = performance.now();
      assert.equal(await pull.waitReadable({ timeout: 10_000 }), true);
      t = performance.now() - t0;
      assert.ok(t >= 40 && t < 3000, `woken after ${t} ms`);
      // Not taken: the message is still there, and the socket stays readable until it is.
      assert.equal(await pull.waitReadable(), true);
      assert.deepEqual(pull.tryReceive(), [new TextEncoder().encode("late")]);
      assert.equal(pull.readable, false);
    },
    { timeout: 20_000 },
  );

  test(`waitWritable: false with no peer, true once one connects over ${scheme}`, async () => {
    await using ctx = new Context();
    using push = ctx.socket("PUSH");
    using pull = ctx.socket("PULL");
    await push.bind(scratchEndpoint(scheme));
    assert.equal(await push.waitWritable({ timeout: 0 }), false);
    assert.equal(await push.waitWritable({ timeout: 50 }), false);
    setTimeout(() => void pull.connect(push.lastEndpoint), 30);
    assert.equal(await push.waitWritable({ timeout: 10_000 }), true);
    assert.equal(push.trySend("x"), true);
    assert.equal(await pull.receiveText({ timeout: 5000 }), "x");
  }, { timeout: 20_000 });
}

test("waitWritable waits at the high-water mark and wakes when the peer reads", async () => {
  await using ctx = new Context();
  using push = ctx.socket("PUSH", { sndhwm: 2 });
  using pull = ctx.socket("PULL", { rcvhwm: 2 });
  const ep = scratchEndpoint("inproc");
  await pull.bind(ep);
  await push.connect(ep);
  let sent = 0;
  while (push.trySend(`m${sent}`)) sent++;
  assert.ok(sent >= 2 && sent <= 4, `${sent} messages fit`);
  assert.equal(await push.waitWritable({ timeout: 50 }), false);
  const w = push.waitWritable({ timeout: 5000 });
  assert.equal(await pull.receiveText({ timeout: 1000 }), "m0");
  assert.equal(await w, true);
});

test("waitReadable / waitWritable default to rcvtimeo / sndtimeo, as receive and send", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL", { rcvtimeo: 80 });
  using push = ctx.socket("PUSH", { sndtimeo: 80 });
  await pull.bind(scratchEndpoint("inproc"));
  await push.bind(scratchEndpoint("inproc"));
  for (const w of [() => pull.waitReadable(), () => push.waitWritable()]) {
    const t0 = performance.now();
    assert.equal(await w(), false);
    const t = performance.now() - t0;
    assert.ok(t >= 75 && t < 1000, `took ${t} ms`);
  }
});

test("waitReadable rejects with the signal's reason, at once when already aborted", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL");
  using push = ctx.socket("PUSH");
  const ep = scratchEndpoint("inproc");
  await pull.bind(ep);
  await push.connect(ep);
  const ac = new AbortController();
  const w = pull.waitReadable({ signal: ac.signal });
  setTimeout(() => ac.abort(new Error("enough")), 20);
  await assert.rejects(w, /enough/);
  await push.send("x");
  // As receive: an aborted signal wins even over a ready socket.
  await assert.rejects(pull.waitReadable({ signal: AbortSignal.abort("no") }), (e) => e === "no");
  assert.equal(await pull.waitReadable({ timeout: 0 }), true);
});

test("waits reject with ENOTSOCK when the socket is closed, before or meanwhile", async () => {
  await using ctx = new Context();
  const pull = ctx.socket("PULL");
  await pull.bind(scratchEndpoint("tcp"));
  const t0 = performance.now();
  const w = pull.waitReadable({ timeout: 10_000 });
  setTimeout(() => pull.close(), 20);
  await assert.rejects(w, code("ENOTSOCK"));
  assert.ok(performance.now() - t0 < 2000, "the close woke the wait");
  await assert.rejects(pull.waitReadable({ timeout: 0 }), code("ENOTSOCK"));
  const push = ctx.socket("PUSH");
  push.close();
  await assert.rejects(push.waitWritable(), code("ENOTSOCK"));
});

test("waits reject with ETERM when the context is terminated meanwhile", async () => {
  const ctx = new Context();
  const pull = ctx.socket("PULL");
  const push = ctx.socket("PUSH");
  await pull.bind(scratchEndpoint("tcp"));
  await push.bind(scratchEndpoint("inproc"));
  const r = pull.waitReadable();
  const w = push.waitWritable();
  await Promise.resolve();
  const term = ctx.term();
  await assert.rejects(r, code("ETERM"));
  await assert.rejects(w, code("ETERM"));
  await term;
});

test("a type that never receives or never sends rejects with ENOTSUP, as receive and send", async () => {
  await using ctx = new Context();
  for (const type of ["PUSH", "PUB"] as const) {
    using s: Socket = ctx.socket(type);
    await assert.rejects(s.waitReadable({ timeout: 0 }), code("ENOTSUP"));
    await assert.rejects(s.receive({ timeout: 0 }), code("ENOTSUP"));
  }
  for (const type of ["PULL", "SUB"] as const) {
    using s: Socket = ctx.socket(type);
    await assert.rejects(s.waitWritable({ timeout: 0 }), code("ENOTSUP"));
    await assert.rejects(s.send("x", { timeout: 0 }), code("ENOTSUP"));
  }
  // A PUB is always writable (it drops what nobody wants); an XPUB can receive.
  using pub = ctx.socket("PUB");
  assert.equal(await pub.waitWritable({ timeout: 0 }), true);
  using xpub = ctx.socket("XPUB");
  assert.equal(await xpub.waitReadable({ timeout: 0 }), false);
});

for (const scheme of ["inproc", "tcp"] as const) {
  test(
    `a REQ waiting to send wakes in the round its pending receive takes the reply (${scheme})`,
    async () => {
      await using ctx = new Context();
      using rep = ctx.socket("REP");
      using req = ctx.socket("REQ");
      await rep.bind(scratchEndpoint(scheme));
      await req.connect(rep.lastEndpoint);
      await req.send("ask");
      assert.equal(await rep.receiveText({ timeout: 5000 }), "ask");
      // The waits are registered before the receive: they must still see what it does, in
      // the same round. Otherwise a later round would come from a timer over tcp
      // (Waiting.kickSoon); over inproc the receive's read starts one anyway.
      const { result, timeouts } = await countTimers(async () => {
        const writable = req.waitWritable();
        const polled = poll([{ socket: req, events: 2 }]);
        const reply = req.receive();
        await rep.send("answer");
        return [new TextDecoder().decode((await reply)[0]), await writable, await polled];
      });
      assert.deepEqual(result, ["answer", true, [2]]);
      assert.deepEqual(timeouts, []);
    },
    { timeout: 15_000 },
  );
}

for (const scheme of ["inproc", "tcp"] as const) {
  test(
    `no timer but the caller's timeout runs while a readiness wait or a poll is pending (${scheme})`,
    async () => {
      await using ctx = new Context();
      using pull = ctx.socket("PULL");
      using push = ctx.socket("PUSH");
      await pull.bind(scratchEndpoint(scheme));
      await push.connect(pull.lastEndpoint);
      await push.send("warm-up");
      assert.equal(await pull.receiveText({ timeout: 5000 }), "warm-up");
      const idle = await countTimers(async () => {
        assert.equal(await pull.waitReadable({ timeout: 300 }), false);
        assert.deepEqual(await poll([{ socket: pull, events: XS_POLLIN }], 300), [0]);
      });
      assert.deepEqual(idle.timeouts, [300, 300]);
      assert.equal(idle.intervals, 0);
      // Woken by the peer (no timeout at all): no timer.
      const woken = await countTimers(async () => {
        const w = pull.waitReadable();
        const p = poll([{ socket: pull, events: XS_POLLIN }]);
        await push.send("x");
        return [await w, await p];
      });
      assert.deepEqual(woken.result, [true, [XS_POLLIN]]);
      assert.deepEqual(woken.timeouts, []);
      assert.equal(woken.intervals, 0);
    },
    { timeout: 15_000 },
  );
}
