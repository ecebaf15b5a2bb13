/**
 * Several I/O workers (`XS_IO_THREADS`, `ioThreads`) and `XS_AFFINITY` choosing among them
 * (lib/core/context.ts, docs/behaviour.md §10.8): each tcp/ipc/ws bind and connect goes to
 * the least loaded worker its socket's affinity names; an affinity naming none is EMTHREAD;
 * every worker's events reach both faces (the shared API doorbell wakes a blocked call for
 * any of them); closing and term wait for every worker a socket used. Peers in other
 * processes: tests/process/io_workers_test.ts.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test, texts, waitFor } from "../_harness.ts";
import { Authenticator, Context, type Socket, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { stateOf } from "../../lib/api/socket_state.ts";
import { ctxOf } from "../../lib/xs/_handles.ts";
import type { ContextCore } from "../../lib/core/mod.ts";

const coreOf = (s: Socket): ContextCore => stateOf(s)!.core.ctx as ContextCore;

for (const scheme of ["tcp", "ipc"] as const) {
  test(`io workers: three binds spread over three workers, messages flow through each (${scheme})`, async () => {
    await using ctx = new Context({ ioThreads: 3 });
    using pull = ctx.socket("PULL", { rcvtimeo: 5000 });
    const eps: string[] = [];
    for (let i = 0; i < 3; i++) {
      await pull.bind(scratchEndpoint(scheme));
      eps.push(pull.lastEndpoint);
    }
    const core = coreOf(pull);
    assert.deepEqual(core.workerLoads, [1, 1, 1]);
    assert.equal(core.runningWorkers, 3);
    const pushes = eps.map(() => ctx.socket("PUSH"));
    try {
      for (let i = 0; i < 3; i++) await pushes[i]!.connect(eps[i]!);
      for (let i = 0; i < 3; i++) await pushes[i]!.send(`from ${i}`);
      const got = new Set<string>();
      for (let i = 0; i < 3; i++) got.add(texts(await pull.receive({ timeout: 5000 }))[0]!);
      assert.deepEqual([...got].sort(), ["from 0", "from 1", "from 2"]);
      // 3 binds, 3 connect pipes, 3 accepted pipes; the connects too went to the least
      // loaded workers, so none serves everything.
      const loads = core.workerLoads;
      assert.equal(loads.reduce((a, b) => a + b), 9, String(loads));
      assert.ok(loads.every((l) => l >= 2 && l <= 4), String(loads));
    } finally {
      for (const p of pushes) p.close();
    }
  });
}

test("io workers: XS_AFFINITY pins an endpoint to the worker it names; each worker takes its own", async () => {
  await using ctx = new Context({ ioThreads: 3 });
  using a = ctx.socket("PULL", { affinity: 0b100 });
  using b = ctx.socket("PULL", { affinity: 0b100 });
  await a.bind("tcp://127.0.0.1:*");
  await b.bind("tcp://127.0.0.1:*");
  const core = coreOf(a);
  assert.deepEqual(core.workerLoads, [0, 0, 2], "both on worker 2, whatever the load");
  assert.equal(core.runningWorkers, 1, "only the worker named was started");
  using c = ctx.socket("PULL", { affinity: 0b011 });
  await c.bind("tcp://127.0.0.1:*");
  await c.bind("tcp://127.0.0.1:*");
  assert.deepEqual(core.workerLoads, [1, 1, 2], "0b011: the least loaded of workers 0 and 1");
  using push = ctx.socket("PUSH", { affinity: 0b100 });
  await push.connect(a.lastEndpoint);
  await push.send("pinned");
  assert.deepEqual(texts(await a.receive({ timeout: 5000 })), ["pinned"]);
  assert.equal(core.workerLoads[2], 4, "the connect's pipe and the accepted one: worker 2");
});

test("io workers: an affinity naming no worker fails bind and connect with EMTHREAD; inproc is unaffected", async () => {
  await using ctx = new Context({ ioThreads: 2 });
  using s = ctx.socket("PAIR", { affinity: 0b100 });
  await assert.rejects(s.bind("tcp://127.0.0.1:*"), (e: unknown) => {
    assert.ok(e instanceof XsError && e.code === "EMTHREAD", String(e));
    assert.match(e.message, /XS_AFFINITY 0x4 names none/);
    return true;
  });
  await assert.rejects(s.connect("tcp://127.0.0.1:5555"), /EMTHREAD|I\/O thread/);
  await assert.rejects(s.bind("ws://127.0.0.1:*/x"), /XS_AFFINITY/);
  await s.bind("inproc://affinity-none");
  s.affinity = 0b10n;
  await s.bind("tcp://127.0.0.1:*");
  assert.deepEqual(coreOf(s).workerLoads, [0, 1]);

  // The C face: -1 and errno EMTHREAD, the same rule.
  const c = xs.xs_init();
  assert.equal(xs.xs_setctxopt(c, xs.XS_IO_THREADS, 3), 0);
  const p = xs.xs_socket(c, xs.XS_PAIR)!;
  const mask = new BigUint64Array([1n << 5n]);
  assert.equal(xs.xs_setsockopt(p, xs.XS_AFFINITY, mask, 8), 0);
  assert.equal(xs.xs_bind(p, "tcp://127.0.0.1:*"), -1);
  assert.equal(xs.xs_errno(), xs.EMTHREAD);
  assert.equal(xs.xs_connect(p, "ipc:///tmp/xs-affinity-none"), -1);
  assert.equal(xs.xs_errno(), xs.EMTHREAD);
  assert.ok(xs.xs_bind(p, "inproc://affinity-none-c") >= 0);
  mask[0] = 1n << 2n;
  assert.equal(xs.xs_setsockopt(p, xs.XS_AFFINITY, mask, 8), 0);
  assert.ok(xs.xs_bind(p, "tcp://127.0.0.1:*") >= 0, xs.xs_strerror(xs.xs_errno()));
  assert.deepEqual(ctxOf(c)!.core.workerLoads, [0, 0, 1]);
  xs.xs_close(p);
  assert.equal(xs.xs_term(c), 0);
});

test("io workers: a blocked xs_recv wakes for messages from every worker (one shared doorbell)", () => {
  const c = xs.xs_init();
  assert.equal(xs.xs_setctxopt(c, xs.XS_IO_THREADS, 3), 0);
  const pull = xs.xs_socket(c, xs.XS_PULL)!;
  assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, 5000), 0);
  const eps: string[] = [];
  const mask = new BigUint64Array(1);
  for (let i = 0; i < 3; i++) {
    mask[0] = 1n << BigInt(i);
    assert.equal(xs.xs_setsockopt(pull, xs.XS_AFFINITY, mask, 8), 0);
    assert.ok(xs.xs_bind(pull, "tcp://127.0.0.1:*") >= 0);
    eps.push(xs.xs_last_endpoint(pull)!);
  }
  assert.deepEqual(ctxOf(c)!.core.workerLoads, [1, 1, 1]);
  // Senders on worker i send only to endpoint i; the receiver blocks in between.
  const pushes = eps.map((ep, i) => {
    const p = xs.xs_socket(c, xs.XS_PUSH)!;
    mask[0] = 1n << BigInt(i);
    assert.equal(xs.xs_setsockopt(p, xs.XS_AFFINITY, mask, 8), 0);
    assert.ok(xs.xs_connect(p, ep) >= 0);
    return p;
  });
  const buf = new Uint8Array(16);
  const seen: number[] = [];
  for (let round = 0; round < 50; round++) {
    const i = round % 3;
    assert.equal(xs.xs_send(pushes[i]!, new Uint8Array([i, round]), 2, 0), 2);
    assert.equal(xs.xs_recv(pull, buf, 16, 0), 2, xs.xs_strerror(xs.xs_errno()));
    seen.push(buf[0]!);
    assert.equal(buf[1], round);
  }
  assert.deepEqual(new Set(seen), new Set([0, 1, 2]));
  for (const p of pushes) xs.xs_close(p);
  xs.xs_close(pull);
  assert.equal(xs.xs_term(c), 0);
});

test("io workers: a socket on two workers lingers on both; the workers stop when nothing is open", async () => {
  await using ctx = new Context({ ioThreads: 2 });
  const push = ctx.socket("PUSH", { linger: 3000, sndhwm: 0 });
  const pulls = [ctx.socket("PULL"), ctx.socket("PULL")];
  const core = coreOf(push);
  for (const p of pulls) await p.bind("tcp://127.0.0.1:*");
  assert.deepEqual(core.workerLoads, [1, 1]);
  for (const p of pulls) await push.connect(p.lastEndpoint);
  for (let i = 0; i < 200; i++) await push.send(new Uint8Array(1000).fill(i));
  push.close(); // its queued messages still go out through both workers
  let got = 0;
  for (const p of pulls) {
    while (got < 200) {
      const m = await p.receive({ timeout: 300 }).catch(() => null);
      if (!m) break;
      got++;
    }
  }
  assert.equal(got, 200, "every message sent before the close arrived");
  for (const p of pulls) p.close();
  await waitFor(() => core.runningWorkers === 0, 5000);
  assert.equal(core.liveSockets, 0);
});

test("io workers: events and ZAP requests of several workers reach the right socket and worker", async () => {
  await using ctx = new Context({ ioThreads: 2 });
  await using auth = new Authenticator(ctx);
  auth.allowPlain({ alice: "one", bob: "two" });
  const servers = [0b01, 0b10].map((affinity) =>
    ctx.socket("REP", { affinity, plainServer: true, rcvtimeo: 5000 })
  );
  for (const s of servers) await s.bind("tcp://127.0.0.1:*");
  assert.deepEqual(coreOf(servers[0]!).workerLoads, [1, 1]);
  const clients = [["alice", "one"], ["bob", "two"]].map(([u, p], i) => {
    const c = ctx.socket("REQ", { plainUsername: u, plainPassword: p, affinity: 1 << i });
    return c;
  });
  try {
    // Both handshakes ask ZAP at once; each worker numbers its requests from 1.
    await Promise.all(clients.map((c, i) => c.connect(servers[i]!.lastEndpoint)));
    await Promise.all(clients.map((c, i) => c.send(`hello ${i}`)));
    for (let i = 0; i < 2; i++) {
      const m = await servers[i]!.receive({ timeout: 5000 });
      assert.deepEqual(texts(m), [`hello ${i}`]);
      assert.equal(m.properties?.["User-Id"], i === 0 ? "alice" : "bob");
      await servers[i]!.send(`bye ${i}`);
      assert.deepEqual(texts(await clients[i]!.receive({ timeout: 5000 })), [`bye ${i}`]);
    }
  } finally {
    for (const s of [...clients, ...servers]) s.close();
  }
});

test("io workers: unused ioThreads start no worker; one bind starts one", async () => {
  await using ctx = new Context({ ioThreads: 4 });
  using s = ctx.socket("PAIR");
  await s.bind("inproc://no-workers");
  const core = coreOf(s);
  assert.equal(core.runningWorkers, 0);
  await s.bind("tcp://127.0.0.1:*");
  assert.equal(core.runningWorkers, 1);
  assert.deepEqual(core.workerLoads, [1, 0, 0, 0]);
});

test("io workers: accepted connections stay with their listener's worker (upstream spreads them)", async () => {
  await using ctx = new Context({ ioThreads: 2 });
  using pull = ctx.socket("PULL", { affinity: 0b01 });
  await pull.bind("tcp://127.0.0.1:*");
  const pushes = [0, 1, 2].map(() => ctx.socket("PUSH", { affinity: 0b10 }));
  try {
    for (const p of pushes) await p.connect(pull.lastEndpoint);
    for (const p of pushes) await p.send("x");
    for (let i = 0; i < 3; i++) await pull.receive({ timeout: 5000 });
    // Worker 0: the listener and all three accepted connections, though worker 1 (three
    // connect pipes) is not less loaded; upstream would have handed them out by load.
    assert.deepEqual(coreOf(pull).workerLoads, [4, 3]);
  } finally {
    for (const p of pushes) p.close();
  }
});

for (const ioThreads of [1, 2]) {
  test(`io workers: pipe blocks come back whichever side lets go first (${ioThreads} worker(s), 60 connect/close cycles)`, async () => {
    await using ctx = new Context({ ioThreads });
    using rep = ctx.socket("REP");
    await rep.bind("tcp://127.0.0.1:*");
    const core = coreOf(rep);
    for (let i = 0; i < 60; i++) {
      const req = ctx.socket("REQ", { linger: 0 });
      await req.connect(rep.lastEndpoint);
      await req.send(`q${i}`);
      assert.deepEqual(texts(await rep.receive({ timeout: 5000 })), [`q${i}`]);
      await rep.send(`a${i}`);
      assert.deepEqual(texts(await req.receive({ timeout: 5000 })), [`a${i}`]);
      req.close();
    }
    // Every closed connection's block (both its ends) went back to the pool: in use at most
    // the last one, still closing.
    await waitFor(() => (core.process(), core.blockCounts.inUse <= 1), 5000);
    assert.ok(core.blockCounts.free >= 1, JSON.stringify(core.blockCounts));
  });
}
