/**
 * Tests of `proxy` (lib/api/proxy.ts): PUSH → PULL through a proxy over inproc and tcp,
 * capture, stopping by signal, by close and by term, and request/reply chains
 * (REQ → ROUTER | proxy | DEALER → REP) now that those types are registered.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test } from "../_harness.ts";
import { Context, proxy } from "../../mod.ts";

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
