/**
 * Streams between separate processes (issue #10): sender and receiver are Deno and Bun
 * processes (both ways), the sender goes idle after its last send and then closes with
 * linger; every message must arrive whole, in order, with its content (the peers' own
 * sequence and fill pattern, _peer.ts), nothing missing, duplicated or invented. Streams
 * total many times the 1 MiB ring and the HWM, with parts from 0 B to 16 MiB.
 *
 * Runs on: the test runner's main thread; the peers in their own processes.
 */
import { assert, test } from "../_harness.ts";
import { ipcEndpoint, PAIRS, type PeerRuntime, startPeer } from "./_spawn.ts";

const MIB = 1024 * 1024;

interface Stream {
  name: string;
  type: [string, string];
  plan: number[][];
  count: number;
  idle: number;
  linger?: number;
  warm?: boolean;
}

/** A seeded random mix: 1 to 4 parts each, sizes from 0 B to 1 MiB. */
function randomPlan(n: number, seed: number): number[][] {
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  const sizes = [0, 1, 8, 100, 1000, 8192, 65536, 300_000, MIB];
  return Array.from(
    { length: n },
    () => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => sizes[Math.floor(rnd() * 9)]!),
  );
}

const STREAMS: Stream[] = [
  {
    name: "PUSH→PULL, a mix of 0 B to 1 MiB parts, multi-part, sender idle then close",
    type: ["PUSH", "PULL"],
    plan: [[8, 0, 0], [64], [8192], [65536], [MIB], [64, 8192, 0], [200_000], [MIB, 64]],
    count: 160,
    idle: 300,
  },
  {
    name: "PUSH→PULL, a seeded random mix of 1 to 4 parts of 0 B to 1 MiB",
    type: ["PUSH", "PULL"],
    plan: randomPlan(150, 12345),
    count: 150,
    idle: 50,
  },
  {
    name: "PUSH→PULL, 16 MiB parts, close at once with linger 2000",
    type: ["PUSH", "PULL"],
    plan: [[16 * MIB], [64]],
    count: 6,
    idle: 0,
    linger: 2000,
  },
  {
    name: "PUSH→PULL, 2,000 × 8 KiB (16× the ring, 2× the HWM), close at once",
    type: ["PUSH", "PULL"],
    plan: [[8192]],
    count: 2000,
    idle: 0,
  },
  {
    // Small messages keep the receiving worker busy while its ring fills and drains: a
    // wake-up lost between the two threads stalled about one 1,000,000-message run in five.
    name: "PUSH→PULL, 300,000 × 64 B",
    type: ["PUSH", "PULL"],
    plan: [[64]],
    count: 300_000,
    idle: 0,
  },
  {
    name: "PAIR→PAIR, 300 × 64 KiB",
    type: ["PAIR", "PAIR"],
    plan: [[65536]],
    count: 300,
    idle: 100,
  },
  {
    name: "DEALER→ROUTER, 8 KiB and 1 MiB messages",
    type: ["DEALER", "ROUTER"],
    plan: [[8192], [8192, MIB]],
    count: 200,
    idle: 100,
  },
  {
    name: "PUB→SUB (subscribed, then a stream), 1,000 × 8 KiB",
    type: ["PUB", "SUB"],
    plan: [[8192]],
    count: 1000,
    idle: 200,
    warm: true,
  },
];

type Transport = "tcp" | "ipc";
const TRANSPORTS: Transport[] = ["tcp", "ipc"];

async function run(st: Stream, transport: Transport, from: PeerRuntime, to: PeerRuntime) {
  const endpoint = transport === "tcp" ? "tcp://127.0.0.1:*" : ipcEndpoint();
  const recv = startPeer(to, {
    role: "recv",
    type: st.type[1],
    endpoint,
    bind: true,
    count: st.count,
    // PUB/SUB: the subscriber must keep up, nothing may be dropped.
    rcvhwm: st.warm ? 0 : 1000,
  });
  let send: ReturnType<typeof startPeer> | null = null;
  try {
    const r = await recv.until((l) => l.ready);
    send = startPeer(from, {
      role: "send",
      type: st.type[0],
      endpoint: r.endpoint,
      bind: false,
      plan: st.plan,
      count: st.count,
      idle: st.idle,
      linger: st.linger ?? -1,
      warm: st.warm,
      sndhwm: st.warm ? 0 : 1000,
    });
    if (st.warm) {
      await recv.until((l) => l.warm);
      send.send("go");
    }
    const done = await recv.until((l) => l.done, 40_000);
    assert.deepEqual(done.bad, [], `${from}→${to}: ${done.bad.join("; ")}`);
    assert.equal(done.received, st.count, `${from}→${to}: ${done.received} of ${st.count}`);
    const t = await send.until((l) => l.termMs !== undefined, 15_000);
    assert.ok(t.termMs < 5000, `term took ${t.termMs} ms after everything was delivered`);
    assert.equal(await send.exited, 0);
    assert.equal(await recv.exited, 0);
  } finally {
    await send?.stop();
    await recv.stop();
  }
}

for (const st of STREAMS) {
  for (const transport of TRANSPORTS) {
    for (const [from, to] of PAIRS) {
      test(
        `process: ${st.name} over ${transport} (${from} → ${to})`,
        () => run(st, transport, from, to),
        { timeout: 60_000 },
      );
    }
  }
}

/** A REQ in one process, an echoing REP in another: each reply must be its request. */
const REQREP: { name: string; plan: number[][]; count: number }[] = [
  {
    name: "REQ→REP echo, 0 B to 1 MiB parts, multi-part",
    plan: [[64], [8, 0], [65536], [MIB], [8192, 200_000, 0]],
    count: 60,
  },
  { name: "REQ→REP echo, 4 × 16 MiB", plan: [[16 * MIB]], count: 4 },
];

for (const st of REQREP) {
  for (
    const [[from, to], transport] of PAIRS.flatMap((p) => TRANSPORTS.map((t) => [p, t] as const))
  ) {
    test(`process: ${st.name} over ${transport} (${from} → ${to})`, async () => {
      const endpoint = transport === "tcp" ? "tcp://127.0.0.1:*" : ipcEndpoint();
      const rep = startPeer(to, { role: "rep", echo: true, endpoint, bind: true });
      let req: ReturnType<typeof startPeer> | null = null;
      try {
        const r = await rep.until((l) => l.ready);
        req = startPeer(from, {
          role: "reqstream",
          endpoint: r.endpoint,
          plan: st.plan,
          count: st.count,
        });
        const done = await req.until((l) => l.done, 40_000);
        assert.deepEqual(done.bad, [], `${from}→${to}: ${done.bad.join("; ")}`);
        assert.equal(done.received, st.count);
        assert.ok(done.termMs < 5000, `term took ${done.termMs} ms`);
        assert.equal(await req.exited, 0);
        rep.send("stop");
        await rep.until((l) => l.stopped);
        assert.equal(await rep.exited, 0);
      } finally {
        await req?.stop();
        await rep.stop();
      }
    }, { timeout: 60_000 });
  }
}
