/**
 * Spec tests of PUSH and PULL through the public faces only (docs/behaviour.md §4.3,
 * §4.4; docs/upstream-tests.md §3.7, hwm part A). Each case states the rule it checks and
 * runs over every transport where the behaviour is transport-independent.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, TRANSPORTS } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";

const dec = new TextDecoder();
const s = (parts: Uint8Array[]) => parts.map((p) => dec.decode(p)).join("|");

for (const scheme of TRANSPORTS) {
  test(`PUSH round-robins across the peers it connected to over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.3, lb): round-robin over the pipes with room, moving on
    // after each whole message.
    await using ctx = new Context();
    using a = ctx.socket("PULL"), b = ctx.socket("PULL"), push = ctx.socket("PUSH");
    await a.bind(scratchEndpoint(scheme));
    await b.bind(scratchEndpoint(scheme));
    await push.connect(a.lastEndpoint);
    await push.connect(b.lastEndpoint);
    for (let i = 0; i < 6; i++) await push.send([`m${i}`, "tail"]);
    const got: [string[], string[]] = [[], []];
    for (let i = 0; i < 3; i++) {
      got[0].push(s(await a.receive({ timeout: 2000 })));
      got[1].push(s(await b.receive({ timeout: 2000 })));
    }
    const all = [...got[0], ...got[1]].sort();
    assert.deepEqual(all, [0, 1, 2, 3, 4, 5].map((i) => `m${i}|tail`));
    // Alternation: each peer got every other message.
    const parity = (l: string[]) => new Set(l.map((x) => Number(x[1]) % 2));
    assert.equal(parity(got[0]).size, 1);
    assert.equal(parity(got[1]).size, 1);
  });

  test(`PULL fair-queues whole messages from several PUSH peers over ${scheme}`, async () => {
    // SHALL (docs/behaviour.md §4.3, fq): round-robin over the pipes that have a message,
    // one whole message per turn.
    await using ctx = new Context();
    using pull = ctx.socket("PULL"), p1 = ctx.socket("PUSH"), p2 = ctx.socket("PUSH");
    await pull.bind(scratchEndpoint(scheme));
    await p1.connect(pull.lastEndpoint);
    await p2.connect(pull.lastEndpoint);
    for (let i = 0; i < 3; i++) {
      await p1.send(["a", `${i}`]);
      await p2.send(["b", `${i}`]);
    }
    const got: string[] = [];
    for (let i = 0; i < 6; i++) got.push(s(await pull.receive({ timeout: 2000 })));
    // Per-peer order is kept and every message arrives whole.
    assert.deepEqual(got.filter((x) => x[0] === "a"), ["a|0", "a|1", "a|2"]);
    assert.deepEqual(got.filter((x) => x[0] === "b"), ["b|0", "b|1", "b|2"]);
    if (scheme === "inproc") {
      // Both queues were full before the first read: strict alternation.
      assert.deepEqual(got, ["a|0", "b|0", "a|1", "b|1", "a|2", "b|2"]);
    }
  });

  test(`PUSH multi-part messages arrive all or nothing over ${scheme} (C face)`, () => {
    // SHALL (docs/behaviour.md §4.3, atomicity): a message is published only once its last
    // part is written.
    const ctx = xs.xs_init();
    const pull = xs.xs_socket(ctx, xs.XS_PULL)!, push = xs.xs_socket(ctx, xs.XS_PUSH)!;
    try {
      xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, 2000);
      assert.ok(xs.xs_bind(pull, scratchEndpoint(scheme)) >= 0);
      assert.ok(xs.xs_connect(push, xs.xs_last_endpoint(pull)!) >= 0);
      const enc = new TextEncoder();
      assert.equal(xs.xs_send(push, enc.encode("A"), 1, xs.XS_SNDMORE), 1);
      assert.equal(xs.xs_send(push, enc.encode("B"), 1, xs.XS_SNDMORE), 1);
      const items = [{ socket: pull, fd: 0, events: xs.XS_POLLIN, revents: 0 }];
      assert.equal(xs.xs_poll(items, 1, 50), 0);
      assert.equal(xs.xs_send(push, enc.encode("C"), 1, 0), 1);
      assert.equal(xs.xs_poll(items, 1, 2000), 1);
      const buf = new Uint8Array(4), more = new Int32Array(1), len = { value: 4 };
      const got: string[] = [];
      do {
        const n = xs.xs_recv(pull, buf, 4, 0);
        assert.ok(n >= 0);
        got.push(dec.decode(buf.subarray(0, n)));
        xs.xs_getsockopt(pull, xs.XS_RCVMORE, more, len);
      } while (more[0]);
      assert.deepEqual(got, ["A", "B", "C"]);
    } finally {
      xs.xs_close(push);
      xs.xs_close(pull);
      xs.xs_term(ctx);
    }
  });
}

test("hwm part A: inproc PUSH SNDHWM 2 to PULL RCVHWM 2 queues exactly 4 messages", () => {
  // SHALL (upstream tests/hwm.cpp, docs/behaviour.md §4.3): exactly four DONTWAIT sends
  // succeed, the fifth fails with EAGAIN, and after four receives sending works again.
  const ctx = xs.xs_init();
  const sb = xs.xs_socket(ctx, xs.XS_PULL)!;
  assert.equal(xs.xs_setsockopt(sb, xs.XS_RCVHWM, new Int32Array([2]), 4), 0);
  assert.ok(xs.xs_bind(sb, "inproc://a") !== -1);
  const sc = xs.xs_socket(ctx, xs.XS_PUSH)!;
  assert.equal(xs.xs_setsockopt(sc, xs.XS_SNDHWM, new Int32Array([2]), 4), 0);
  assert.ok(xs.xs_connect(sc, "inproc://a") !== -1);
  for (let i = 0; i < 10; i++) {
    const rc = xs.xs_send(sc, null, 0, xs.XS_DONTWAIT);
    if (i < 4) assert.equal(rc, 0, `send ${i}`);
    else {
      assert.ok(rc < 0, `send ${i}`);
      assert.equal(xs.xs_errno(), xs.EAGAIN);
    }
  }
  for (let i = 0; i < 4; i++) assert.equal(xs.xs_recv(sb, null, 0, 0), 0);
  assert.equal(xs.xs_send(sc, null, 0, 0), 0);
  assert.equal(xs.xs_recv(sb, null, 0, 0), 0);
  assert.equal(xs.xs_close(sc), 0);
  assert.equal(xs.xs_close(sb), 0);
  assert.equal(xs.xs_term(ctx), 0);
});

test("hwm part A on the idiomatic face: trySend succeeds 4 times, then false", async () => {
  await using ctx = new Context();
  using pull = ctx.socket("PULL", { rcvhwm: 2 }), push = ctx.socket("PUSH", { sndhwm: 2 });
  await pull.bind(scratchEndpoint("inproc"));
  await push.connect(pull.lastEndpoint);
  const results = Array.from({ length: 6 }, () => push.trySend(""));
  assert.deepEqual(results, [true, true, true, true, false, false]);
  for (let i = 0; i < 4; i++) assert.ok(pull.tryReceive());
  assert.equal(push.trySend(""), true);
});

test("a PUSH that only bound blocks with no peer; a connected one queues before the bind", async () => {
  // SHALL (docs/behaviour.md §8 trap 8): a PUSH that only bound waits while no peer is
  // there; one that connected queues up to SNDHWM before the connection exists.
  await using ctx = new Context();
  using push = ctx.socket("PUSH"),
    push2 = ctx.socket("PUSH", { sndhwm: 3 }),
    pull = ctx.socket("PULL");
  await push.bind(scratchEndpoint("inproc"));
  assert.equal(push.trySend("x"), false);
  const ep = scratchEndpoint("inproc");
  await push2.connect(ep);
  assert.deepEqual([1, 2, 3, 4].map(() => push2.trySend("q")), [true, true, true, false]);
  await pull.bind(ep);
  assert.equal(s(await pull.receive({ timeout: 1000 })), "q");
});
