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
  transport: "tcp" | "ipc";
  plan: number[][];
  count: number;
  idle: number;
  linger?: number;
  warm?: boolean;
}

const STREAMS: Stream[] = [
  {
    name: "PUSH→PULL, a mix of 0 B to 1 MiB parts, multi-part, sender idle then close",
    type: ["PUSH", "PULL"],
    transport: "tcp",
    plan: [[8, 0, 0], [64], [8192], [65536], [MIB], [64, 8192, 0], [200_000], [MIB, 64]],
    count: 160,
    idle: 300,
  },
  {
    name: "PUSH→PULL, 16 MiB parts, close at once with linger 2000",
    type: ["PUSH", "PULL"],
    transport: "tcp",
    plan: [[16 * MIB], [64]],
    count: 6,
    idle: 0,
    linger: 2000,
  },
  {
    name: "PUSH→PULL, 2,000 × 8 KiB (16× the ring, 2× the HWM), close at once",
    type: ["PUSH", "PULL"],
    transport: "ipc",
    plan: [[8192]],
    count: 2000,
    idle: 0,
  },
  {
    name: "PAIR→PAIR, 300 × 64 KiB",
    type: ["PAIR", "PAIR"],
    transport: "tcp",
    plan: [[65536]],
    count: 300,
    idle: 100,
  },
  {
    name: "DEALER→ROUTER, 8 KiB and 1 MiB messages",
    type: ["DEALER", "ROUTER"],
    transport: "ipc",
    plan: [[8192], [8192, MIB]],
    count: 200,
    idle: 100,
  },
  {
    name: "PUB→SUB (subscribed, then a stream), 1,000 × 8 KiB",
    type: ["PUB", "SUB"],
    transport: "tcp",
    plan: [[8192]],
    count: 1000,
    idle: 200,
    warm: true,
  },
];

async function run(st: Stream, from: PeerRuntime, to: PeerRuntime) {
  const endpoint = st.transport === "tcp" ? "tcp://127.0.0.1:*" : ipcEndpoint();
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
  for (const [from, to] of PAIRS) {
    test(`process: ${st.name} over ${st.transport} (${from} → ${to})`, () => run(st, from, to), {
      timeout: 60_000,
    });
  }
}
