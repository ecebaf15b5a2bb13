/**
 * Close, term and process exit between separate processes (issue #10): `term()` returns
 * as soon as everything was written (not at the end of the linger), lingers as long as
 * XS_LINGER says when no peer takes the messages, and a process whose sockets are closed
 * ends without `term()`. Also: a receiver SIGKILLed in the middle of a 16 MiB frame and
 * restarted on the same endpoint gets only whole, valid messages, and the stream goes on.
 *
 * Runs on: the test runner's main thread; the peers in their own processes.
 */
import { assert, runtime, test } from "../_harness.ts";
import { type PeerRuntime, startPeer } from "./_spawn.ts";

// Node's suite (tests/node/run.mjs) checks Node's peers; Deno's and Bun's check both of theirs.
const RTS: PeerRuntime[] = runtime === "node" ? ["node"] : ["deno", "bun"];

/** `p`'s value, or `fallback` if it has not settled within `ms` (the timer is cleared). */
async function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<T>((r) => (timer = setTimeout(() => r(fallback), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

for (const rt of RTS) {
  test(`process (${rt}): 100 messages, close, term returns at once once the peer has them`, async () => {
    const recv = startPeer(rt === "deno" ? "bun" : "deno", {
      role: "recv",
      type: "PULL",
      endpoint: "tcp://127.0.0.1:*",
      bind: true,
      count: 100,
    });
    const ready = await recv.until((l) => l.ready);
    for (const linger of [-1, 2000]) {
      const send = startPeer(rt, {
        role: "send",
        type: "PUSH",
        endpoint: ready.endpoint,
        plan: [[64]],
        count: linger < 0 ? 100 : 0,
        linger,
      });
      try {
        const t = await send.until((l) => l.termMs !== undefined);
        assert.ok(t.termMs < 1000, `linger ${linger}: term took ${t.termMs} ms`);
      } finally {
        await send.stop();
      }
    }
    try {
      const done = await recv.until((l) => l.done);
      assert.deepEqual(done.bad, []);
      assert.equal(done.received, 100);
    } finally {
      await recv.stop();
    }
  });

  test(`process (${rt}): with no peer, term keeps linger 0 and 2000, and -1 waits`, async () => {
    // A port nobody listens on: the connect keeps retrying, the messages stay queued.
    const endpoint = "tcp://127.0.0.1:9";
    for (const [linger, lo, hi] of [[0, 0, 600], [2000, 1800, 4000]] as const) {
      const send = startPeer(rt, {
        role: "send",
        type: "PUSH",
        endpoint,
        plan: [[64]],
        count: 10,
        linger,
      });
      try {
        const t = await send.until((l) => l.termMs !== undefined, 10_000);
        assert.ok(t.termMs >= lo && t.termMs < hi, `linger ${linger}: term took ${t.termMs} ms`);
      } finally {
        await send.stop();
      }
    }
    const forever = startPeer(rt, {
      role: "send",
      type: "PUSH",
      endpoint,
      plan: [[64]],
      count: 10,
      linger: -1,
    });
    try {
      await forever.until((l) => l.sent);
      const early = await within(forever.exited.then(() => "exited"), 1500, "running");
      assert.equal(early, "running", "linger -1 with queued messages must keep term() waiting");
    } finally {
      await forever.stop();
    }
  });

  test(`process (${rt}): closing every socket without term() lets the process end`, async () => {
    const recv = startPeer(rt, {
      role: "recv",
      type: "PULL",
      endpoint: "tcp://127.0.0.1:*",
      bind: true,
      count: 10,
    });
    const ready = await recv.until((l) => l.ready);
    const send = startPeer(rt, {
      role: "send",
      type: "PUSH",
      endpoint: ready.endpoint,
      plan: [[64]],
      count: 10,
      term: false,
    });
    try {
      const t0 = Date.now();
      const code = await within(send.exited, 5000, -1);
      assert.equal(code, 0, "the process did not end within 5 s of closing its sockets");
      assert.ok(Date.now() - t0 < 5000);
      assert.equal((await recv.until((l) => l.done)).received, 10);
    } finally {
      await send.stop();
      await recv.stop();
    }
  });
}

test(
  `process (${runtime}): a receiver killed mid-frame and restarted sees only whole messages`,
  async () => {
    const MIB = 1024 * 1024;
    const count = 24;
    const first = startPeer("deno", {
      role: "recv",
      type: "PULL",
      endpoint: "tcp://127.0.0.1:*",
      bind: true,
      count,
      progress: true,
    });
    const ready = await first.until((l) => l.ready);
    const send = startPeer("bun", {
      role: "send",
      type: "PUSH",
      endpoint: ready.endpoint,
      plan: [[16 * MIB]],
      count,
      sndhwm: 2,
    });
    let second: ReturnType<typeof startPeer> | null = null;
    try {
      await first.until((l) => l.seq === 1, 30_000);
      await first.stop(); // SIGKILL: the frame after seq 1 is being written
      second = startPeer("bun", {
        role: "recv",
        type: "PULL",
        endpoint: ready.endpoint,
        bind: true,
        count,
        from: -1,
        last: count - 1,
      });
      await second.until((l) => l.ready);
      const done = await second.until((l) => l.done, 40_000);
      assert.deepEqual(done.bad, [], done.bad.join("; "));
      assert.equal(done.next, count, "the stream did not go on to its last message");
      assert.ok(done.received >= 3 && done.received <= count - 2, `${done.received} received`);
    } finally {
      await send.stop();
      await second?.stop();
    }
  },
  { timeout: 60_000 },
);

test(`process (${runtime}): 400 PUSH sockets that send and close at once give back fds and slots`, async () => {
  const recv = startPeer("bun", {
    role: "recv",
    type: "PULL",
    endpoint: "tcp://127.0.0.1:*",
    bind: true,
    count: 401, // the 400 and a warm-up message
    order: false,
  });
  const ready = await recv.until((l) => l.ready);
  const many = startPeer("deno", { role: "many", endpoint: ready.endpoint, peers: 400, more: 500 });
  try {
    const r = await many.until((l) => l.fds0 !== undefined, 30_000);
    assert.ok(r.fds1 <= r.fds0 + 4, `fds ${r.fds0} → ${r.fds1} ${r.settleMs} ms after the closes`);
    assert.equal(r.made, 500, `only ${r.made} new sockets: ${r.refused}`);
    const done = await recv.until((l) => l.done);
    assert.deepEqual(done.bad, []);
    assert.equal(done.received, 401);
  } finally {
    await many.stop();
    await recv.stop();
  }
});

test(`process (${runtime}): an oversized message closes that connection, the next one arrives`, async () => {
  // libzmq drops the connection on a frame over ZMQ_MAXMSGSIZE; the sender reconnects and
  // the message after the oversized one goes through (the oversized one is lost).
  const recv = startPeer("deno", {
    role: "recv",
    type: "PULL",
    endpoint: "tcp://127.0.0.1:*",
    bind: true,
    count: 1,
    from: 1,
    maxmsgsize: 1024 * 1024,
  });
  const ready = await recv.until((l) => l.ready);
  const send = startPeer("bun", {
    role: "send",
    type: "PUSH",
    endpoint: ready.endpoint,
    plan: [[8 * 1024 * 1024], [64]],
    count: 2,
    linger: 5000,
  });
  try {
    const done = await recv.until((l) => l.done, 20_000);
    assert.deepEqual(done.bad, [], done.bad.join("; "));
    assert.equal(done.received, 1);
  } finally {
    await send.stop();
    await recv.stop();
  }
});
