/**
 * Tests of `proxy` and `steerableProxy` (lib/api/proxy.ts): PUSH → PULL through a proxy
 * over inproc and tcp, capture, stopping by signal, by close and by term, request/reply
 * chains (REQ → ROUTER | proxy | DEALER → REP); steering as zmq_proxy_steerable(3) over a
 * control socket (REP and PAIR; exact STATISTICS both ways, PAUSE with the HWMs holding,
 * RESUME in order, TERMINATE, ignored commands, a control that cannot answer), the
 * handle's pause/resume/statistics/terminate and `await using`, and no timer while idle.
 * A control socket in another OS process: tests/process/proxy_control_test.ts.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test } from "../_harness.ts";
import { Context, proxy, type Socket, steerableProxy, XsError } from "../../mod.ts";
import { countTimers } from "./_timers.ts";

const dec = new TextDecoder();
const strs = (m: Uint8Array[]) => m.map((p) => dec.decode(p));

for (const scheme of ["inproc", "tcp"] as const) {
  test(`proxy carries PUSH → PULL messages, multi-part and in order, over ${scheme}`, async () => {
    await using ctx = new Context();
    using front = ctx.socket("PULL"), back = ctx.socket("PUSH");
    using producer = ctx.socket("PUSH"), consumer = ctx.socket("PULL");
    await front.bind(scratchEndpoint(scheme));
    await back.bind(scratchEndpoint(scheme));
    await producer.connect(front.lastEndpoint);
    await consumer.connect(back.lastEndpoint);
    const stop = new AbortController();
    const running = proxy(front, back, { signal: stop.signal });
    for (let i = 0; i < 100; i++) await producer.send([`m${i}`, "", "tail"]);
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(strs(await consumer.receive({ timeout: 5000 })), [`m${i}`, "", "tail"]);
    }
    stop.abort();
    await running;
    // Stopped: nothing is forwarded any more, and no message was taken from the frontend.
    await producer.send("after");
    assert.equal(await consumer.receive({ timeout: 200 }).then(() => "got", () => "none"), "none");
    assert.deepEqual(strs(await front.receive({ timeout: 2000 })), ["after"]);
  }, { timeout: 20_000 });
}

test("proxy copies every message to the capture socket", async () => {
  await using ctx = new Context();
  using front = ctx.socket("PULL"), back = ctx.socket("PUSH"), cap = ctx.socket("PUSH");
  using producer = ctx.socket("PUSH"), consumer = ctx.socket("PULL"), tap = ctx.socket("PULL");
  for (const [b, c] of [[front, producer], [back, consumer], [cap, tap]] as const) {
    const ep = scratchEndpoint("inproc");
    await b.bind(ep);
    await c.connect(ep);
  }
  const stop = new AbortController();
  const running = proxy(front, back, { signal: stop.signal, capture: cap });
  await producer.send(["a", "b"]);
  assert.deepEqual(strs(await consumer.receive({ timeout: 2000 })), ["a", "b"]);
  assert.deepEqual(strs(await tap.receive({ timeout: 2000 })), ["a", "b"]);
  stop.abort();
  await running;
});

test("proxy resolves when the frontend is closed, and when the context is terminated", async () => {
  const ctx = new Context();
  const front = ctx.socket("PULL"), back = ctx.socket("PUSH");
  await front.bind(scratchEndpoint("inproc"));
  await back.bind(scratchEndpoint("inproc"));
  const running = proxy(front, back);
  front.close();
  await running;
  const front2 = ctx.socket("PAIR"), back2 = ctx.socket("PAIR");
  await front2.bind(scratchEndpoint("inproc"));
  await back2.bind(scratchEndpoint("inproc"));
  const running2 = proxy(front2, back2);
  back.close();
  await ctx.term();
  await running2;
});

test("proxy resolves when a one-way backend (PUSH) is closed while idle", async () => {
  await using ctx = new Context();
  using front = ctx.socket("PULL");
  const back = ctx.socket("PUSH");
  await front.bind(scratchEndpoint("inproc"));
  await back.bind(scratchEndpoint("inproc"));
  const running = proxy(front, back);
  setTimeout(() => back.close(), 20);
  await running;
});

test("proxy with an already aborted signal returns at once", async () => {
  await using ctx = new Context();
  using a = ctx.socket("PAIR"), b = ctx.socket("PAIR");
  await proxy(a, b, { signal: AbortSignal.abort() });
});

for (const scheme of ["inproc", "tcp"] as const) {
  test(
    `proxy: REQ → ROUTER | proxy | DEALER → REP carries requests and replies over ${scheme}`,
    async () => {
      await using ctx = new Context();
      using router = ctx.socket("ROUTER"), dealer = ctx.socket("DEALER");
      using rep = ctx.socket("REP");
      await router.bind(scratchEndpoint(scheme));
      await dealer.bind(scratchEndpoint(scheme));
      await rep.connect(dealer.lastEndpoint);
      const stop = new AbortController();
      const running = proxy(router, dealer, { signal: stop.signal });
      const clients = [ctx.socket("REQ"), ctx.socket("REQ"), ctx.socket("REQ")];
      try {
        for (const c of clients) await c.connect(router.lastEndpoint);
        const server = (async () => {
          for (let i = 0; i < clients.length * 3; i++) {
            const req = await rep.receive({ timeout: 5000 });
            await rep.send([...req.map((p) => dec.decode(p)), "done"]);
          }
        })();
        await Promise.all(clients.map(async (c, k) => {
          for (let i = 0; i < 3; i++) {
            await c.send([`c${k}`, `r${i}`]);
            assert.deepEqual(strs(await c.receive({ timeout: 5000 })), [`c${k}`, `r${i}`, "done"]);
          }
        }));
        await server;
      } finally {
        for (const c of clients) c.close();
        stop.abort();
        await running;
      }
    },
    { timeout: 20_000 },
  );
}

// ---------------------------------------------------------------- steering (zmq_proxy_steerable)

/** The 8 counters of a STATISTICS reply, read as little-endian u64. */
function counters(parts: Uint8Array[]): number[] {
  assert.equal(parts.length, 8);
  return parts.map((p) => {
    assert.equal(p.length, 8);
    return Number(new DataView(p.buffer, p.byteOffset, 8).getBigUint64(0, true));
  });
}

/** frontend ↔ client and backend ↔ server, PAIRs, over `scheme`; `control` a REP with a REQ. */
async function steeredPairs(ctx: Context, scheme: "inproc" | "tcp", options = {}) {
  const [front, back, client, server] = [0, 1, 2, 3].map(() => ctx.socket("PAIR", options));
  const control = ctx.socket("REP"), steer = ctx.socket("REQ");
  for (const [b, c] of [[front, client], [back, server], [control, steer]] as const) {
    await b!.bind(scratchEndpoint(scheme));
    await c!.connect(b!.lastEndpoint);
  }
  const ask = async (...cmd: string[]) => {
    await steer.send(cmd, { timeout: 5000 });
    return await steer.receive({ timeout: 5000 });
  };
  const close = () => [front, back, client, server, control, steer].forEach((s) => s!.close());
  return {
    front: front!,
    back: back!,
    client: client!,
    server: server!,
    control,
    steer,
    ask,
    close,
  };
}

for (const scheme of ["inproc", "tcp"] as const) {
  test(
    `proxy control over ${scheme}: STATISTICS counts whole messages and bytes, both ways, exactly`,
    async () => {
      await using ctx = new Context();
      const s = await steeredPairs(ctx, scheme);
      try {
        const running = proxy(s.front, s.back, { control: s.control });
        assert.deepEqual(counters(await s.ask("STATISTICS")), [0, 0, 0, 0, 0, 0, 0, 0]);
        let up = 0, down = 0;
        for (let i = 0; i < 7; i++) {
          const msg = [`q${i}`, "", new Uint8Array(i * 100)]; // 2 + 0 + 100 i bytes
          up += 2 + i * 100;
          await s.client.send(msg);
          assert.equal((await s.server.receive({ timeout: 5000 }))[2]!.length, i * 100);
        }
        for (let i = 0; i < 4; i++) {
          down += 4; // "r" and "ep<i>"
          await s.server.send(["r", `ep${i}`]);
          assert.deepEqual(strs(await s.client.receive({ timeout: 5000 })), ["r", `ep${i}`]);
        }
        // frontend: received, bytes, sent, bytes; then the backend's four.
        assert.deepEqual(counters(await s.ask("STATISTICS")), [7, up, 4, down, 4, down, 7, up]);
        assert.deepEqual(await s.ask("TERMINATE"), [new Uint8Array(0)]);
        await running;
      } finally {
        s.close();
      }
    },
    { timeout: 20_000 },
  );

  test(
    `proxy control over ${scheme}: PAUSE keeps messages queued under their HWM, RESUME delivers them in order`,
    async () => {
      await using ctx = new Context();
      const s = await steeredPairs(ctx, scheme, { sndhwm: 5, rcvhwm: 5 });
      try {
        const running = proxy(s.front, s.back, { control: s.control });
        await s.client.send("before");
        assert.equal(await s.server.receiveText({ timeout: 5000 }), "before");
        assert.deepEqual(await s.ask("PAUSE"), [new Uint8Array(0)]);
        // Nothing is forwarded or taken: the client fills its queue and the frontend's, then
        // cannot send any more (the HWMs hold; over tcp the OS buffers hold more, hence
        // 64 KiB messages).
        const body = new Uint8Array(scheme === "tcp" ? 65536 : 0);
        let queued = 0;
        for (; queued < 1000; queued++) {
          if (!(await s.client.waitWritable({ timeout: scheme === "tcp" ? 300 : 0 }))) break;
          assert.equal(s.client.trySend([`m${queued}`, body]), true);
        }
        assert.ok(queued >= 5 && queued < 1000, `${queued} messages queued while paused`);
        assert.equal(
          await s.server.waitReadable({ timeout: 100 }),
          false,
          "forwarded while paused",
        );
        assert.deepEqual(counters(await s.ask("STATISTICS")), [1, 6, 0, 0, 0, 0, 1, 6]);
        assert.deepEqual(await s.ask("RESUME"), [new Uint8Array(0)]);
        for (let i = 0; i < queued; i++) {
          assert.equal(strs(await s.server.receive({ timeout: 5000 }))[0], `m${i}`);
        }
        assert.equal(await s.client.waitWritable({ timeout: 5000 }), true);
        assert.deepEqual(await s.ask("TERMINATE"), [new Uint8Array(0)]);
        await running;
        // Terminated: nothing is forwarded any more.
        await s.client.send("after");
        assert.equal(await s.server.waitReadable({ timeout: 100 }), false);
      } finally {
        s.close();
      }
    },
    { timeout: 30_000 },
  );
}

test("proxy control: unknown and multi-part commands are ignored (a REP still answers)", async () => {
  await using ctx = new Context();
  const s = await steeredPairs(ctx, "inproc");
  try {
    const running = proxy(s.front, s.back, { control: s.control });
    for (const cmd of [["HELLO"], ["pause"], ["PAUSE", "now"], ["PAUSEX"], [""]]) {
      assert.deepEqual(await s.ask(...cmd), [new Uint8Array(0)], cmd.join("|"));
    }
    await s.client.send("still forwarding");
    assert.equal(await s.server.receiveText({ timeout: 1000 }), "still forwarding");
    assert.deepEqual(counters(await s.ask("STATISTICS")), [1, 16, 0, 0, 0, 0, 1, 16]);
    assert.deepEqual(await s.ask("TERMINATE"), [new Uint8Array(0)]);
    await running;
  } finally {
    s.close();
  }
});

test("proxy control on a PAIR: no answer but to STATISTICS, which goes to the peer", async () => {
  await using ctx = new Context();
  using front = ctx.socket("PULL"), back = ctx.socket("PUSH");
  using producer = ctx.socket("PUSH"), consumer = ctx.socket("PULL");
  using control = ctx.socket("PAIR"), steer = ctx.socket("PAIR");
  for (const [b, c] of [[front, producer], [back, consumer], [control, steer]] as const) {
    const ep = scratchEndpoint("inproc");
    await b.bind(ep);
    await c.connect(ep);
  }
  const p = steerableProxy(front, back, { control });
  await steer.send("PAUSE");
  await producer.send("x");
  assert.equal(await consumer.waitReadable({ timeout: 100 }), false);
  assert.equal(p.paused, true);
  await steer.send("RESUME");
  assert.equal(await consumer.receiveText({ timeout: 1000 }), "x");
  assert.equal(p.paused, false);
  assert.equal(await steer.waitReadable({ timeout: 50 }), false, "PAUSE/RESUME answered");
  await steer.send("STATISTICS");
  assert.deepEqual(counters(await steer.receive({ timeout: 1000 })), [1, 1, 0, 0, 0, 0, 1, 1]);
  await steer.send("TERMINATE");
  await p.done;
  assert.equal(await steer.waitReadable({ timeout: 50 }), false, "TERMINATE answered");
});

test("steerableProxy: pause, resume, paused, statistics, terminate and await using", async () => {
  await using ctx = new Context();
  using front = ctx.socket("ROUTER"), back = ctx.socket("DEALER");
  using client = ctx.socket("REQ"), worker = ctx.socket("REP");
  await front.bind(scratchEndpoint("tcp"));
  await back.bind(scratchEndpoint("tcp"));
  await client.connect(front.lastEndpoint);
  await worker.connect(back.lastEndpoint);
  let stats;
  {
    await using p = steerableProxy(front, back);
    assert.equal(p.paused, false);
    p.pause();
    p.pause(); // twice: still one pause
    assert.equal(p.paused, true);
    await client.send("job");
    assert.equal(await worker.waitReadable({ timeout: 200 }), false, "forwarded while paused");
    p.resume();
    p.resume();
    assert.equal(p.paused, false);
    assert.equal(await worker.receiveText({ timeout: 5000 }), "job");
    await worker.send("done");
    assert.equal(await client.receiveText({ timeout: 5000 }), "done");
    stats = p.statistics();
    // A snapshot: changing it changes nothing.
    stats.frontend.messagesReceived = 99;
    assert.equal(p.statistics().frontend.messagesReceived, 1);
  } // await using: terminated here
  // The envelope travels both ways: out [identity (5 bytes), "", "job"], back
  // [identity, "", "done"].
  assert.deepEqual(stats.backend, {
    messagesReceived: 1,
    bytesReceived: 9,
    messagesSent: 1,
    bytesSent: 8,
  });
  await client.send("unanswered");
  assert.equal(await worker.waitReadable({ timeout: 100 }), false, "forwarded after dispose");
});

test("steerableProxy: terminate() resolves done; a paused proxy still ends when a socket closes", async () => {
  await using ctx = new Context();
  using a = ctx.socket("PAIR"), b = ctx.socket("PAIR");
  await a.bind(scratchEndpoint("inproc"));
  await b.bind(scratchEndpoint("inproc"));
  const p = steerableProxy(a, b);
  const done = p.terminate();
  assert.equal(done, p.done);
  await done;
  const c = ctx.socket("PAIR"), d = ctx.socket("PAIR");
  await c.bind(scratchEndpoint("tcp"));
  await d.bind(scratchEndpoint("tcp"));
  const q = steerableProxy(c, d);
  q.pause();
  setTimeout(() => d.close(), 20);
  await q.done;
  c.close();
});

test("proxy control: a SUB that cannot answer STATISTICS fails the proxy with ENOTSUP, as libzmq", async () => {
  await using ctx = new Context();
  using front = ctx.socket("PULL"), back = ctx.socket("PUSH");
  using control = ctx.socket("SUB"), pub = ctx.socket("PUB");
  await front.bind(scratchEndpoint("inproc"));
  await back.bind(scratchEndpoint("inproc"));
  const ep = scratchEndpoint("inproc");
  await pub.bind(ep);
  await control.connect(ep);
  control.subscribe("");
  const running = proxy(front, back, { control });
  await pub.send("PAUSE");
  await pub.send("STATISTICS");
  await assert.rejects(running, (e: unknown) => e instanceof XsError && e.code === "ENOTSUP");
});

test("proxy control: closing the control socket ends the steering, not the proxy", async () => {
  await using ctx = new Context();
  const s = await steeredPairs(ctx, "inproc");
  try {
    const p = steerableProxy(s.front, s.back, { control: s.control });
    s.control.close();
    await s.client.send("on");
    assert.equal(await s.server.receiveText({ timeout: 1000 }), "on");
    await p.terminate();
  } finally {
    s.close();
  }
});

test("proxy: capture still gets every message with a control socket, and its close stops only capturing", async () => {
  await using ctx = new Context();
  using front = ctx.socket("PULL"), back = ctx.socket("PUSH"), cap = ctx.socket("PUSH");
  using producer = ctx.socket("PUSH"), consumer = ctx.socket("PULL"), tap = ctx.socket("PULL");
  for (const [b, c] of [[front, producer], [back, consumer], [cap, tap]] as const) {
    const ep = scratchEndpoint("inproc");
    await b.bind(ep);
    await c.connect(ep);
  }
  await using p = steerableProxy(front, back, { capture: cap });
  await producer.send(["a", "b"]);
  assert.deepEqual(strs(await consumer.receive({ timeout: 2000 })), ["a", "b"]);
  const copy = await tap.receive({ timeout: 2000 });
  assert.deepEqual(strs(copy), ["a", "b"]);
  cap.close();
  await producer.send("c");
  assert.deepEqual(strs(await consumer.receive({ timeout: 2000 })), ["c"]);
  assert.equal(p.statistics().backend.messagesSent, 2);
});

test("steerableProxy: bad arguments throw at once", async () => {
  await using ctx = new Context();
  using a = ctx.socket("PAIR"), b = ctx.socket("PAIR"), push = ctx.socket("PUSH");
  assert.throws(() => steerableProxy(a, {} as Socket), TypeError);
  assert.throws(
    () => steerableProxy(a, b, { control: push }),
    (e: unknown) => e instanceof XsError && e.code === "ENOTSUP",
  );
  await assert.rejects(proxy(a, b, { capture: 1 as unknown as Socket }), TypeError);
});

for (const type of ["PUSH", "PAIR"] as const) {
  test(`an idle proxy runs no timer, and ends at once when its ${type} backend is closed`, async () => {
    await using ctx = new Context();
    using front = ctx.socket(type === "PUSH" ? "PULL" : "PAIR");
    const back = ctx.socket(type);
    using control = ctx.socket("REP");
    await front.bind(scratchEndpoint("tcp"));
    await back.bind(scratchEndpoint("tcp"));
    await control.bind(scratchEndpoint("tcp"));
    const { timeouts, intervals } = await countTimers(async () => {
      const running = proxy(front, back, { control });
      // Idle for a while: its waits are all registered, and none may re-check on a timer.
      assert.equal(await front.waitReadable({ timeout: 300 }), false);
      const t0 = performance.now();
      back.close();
      await running;
      assert.ok(performance.now() - t0 < 200, "the close ended the proxy at once");
    });
    assert.deepEqual(timeouts, [300]);
    assert.equal(intervals, 0);
  });
}
