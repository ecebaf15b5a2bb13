/**
 * Several I/O workers with the peers in other OS processes (issue #17): a receiver with
 * `XS_IO_THREADS` 3 binds one endpoint per worker (`XS_AFFINITY` picks it), sender
 * processes of both runtimes stream to each, and every message arrives whole, checked by
 * content, none missing or duplicated — through a blocked C-face `xs_recvmsg` (one API
 * doorbell rung by three workers) and through the idiomatic face. A sender killed mid-stream
 * costs its own connection only.
 *
 * Runs on: the test runner's main thread; the senders in their own processes.
 */
import { assert, test, waitFor } from "../_harness.ts";
import { Context } from "../../mod.ts";
import * as xs from "../../xs.ts";
import { ctxOf } from "../../lib/xs/_handles.ts";
import { stateOf } from "../../lib/api/socket_state.ts";
import type { ContextCore } from "../../lib/core/mod.ts";
import { checkMessage } from "./_messages.ts";
import { ipcEndpoint, type Peer, RUNNER, startPeer } from "./_spawn.ts";

const OTHER = RUNNER === "bun" ? "deno" : "bun";
const PLAN = [[64], [8192, 0], [300], [65536]];

for (const transport of ["tcp", "ipc"] as const) {
  test(
    `process: three workers (affinity), three sender processes, a blocked xs_recvmsg gets every message (${transport})`,
    async () => {
      const COUNT = 400;
      const c = xs.xs_init();
      assert.equal(xs.xs_setctxopt(c, xs.XS_IO_THREADS, 3), 0);
      const pull = xs.xs_socket(c, xs.XS_PULL)!;
      assert.equal(xs.xs_setsockopt(pull, xs.XS_RCVTIMEO, 15_000), 0);
      const mask = new BigUint64Array(1);
      const eps: string[] = [];
      for (let i = 0; i < 3; i++) {
        mask[0] = 1n << BigInt(i);
        assert.equal(xs.xs_setsockopt(pull, xs.XS_AFFINITY, mask, 8), 0);
        const ep = transport === "tcp" ? "tcp://127.0.0.1:*" : ipcEndpoint();
        assert.ok(xs.xs_bind(pull, ep) >= 0, xs.xs_strerror(xs.xs_errno()));
        eps.push(xs.xs_last_endpoint(pull)!);
      }
      assert.deepEqual(ctxOf(c)!.core.workerLoads, [1, 1, 1]);
      const senders: Peer[] = eps.map((endpoint, i) =>
        startPeer(i === 1 ? OTHER : RUNNER, {
          role: "send",
          type: "PUSH",
          endpoint,
          bind: false,
          plan: PLAN,
          count: COUNT,
          idle: 0,
          linger: -1,
        })
      );
      try {
        const seen = new Map<number, number>();
        const bad: string[] = [];
        const msg = new xs.xs_msg_t();
        for (let n = 0; n < 3 * COUNT; n++) {
          const parts: Uint8Array[] = [];
          do {
            assert.equal(xs.xs_msg_init(msg), 0);
            const rc = xs.xs_recvmsg(pull, msg, 0);
            assert.ok(rc >= 0, `message ${n}: ${xs.xs_strerror(xs.xs_errno())}`);
            parts.push(xs.xs_msg_data(msg)!.slice());
            xs.xs_msg_close(msg);
          } while (rcvmore(pull));
          const seq = checkMessage(parts);
          if (typeof seq === "string") bad.push(seq);
          else seen.set(seq, (seen.get(seq) ?? 0) + 1);
        }
        assert.deepEqual(bad, []);
        assert.equal(seen.size, COUNT);
        for (const [seq, k] of seen) assert.equal(k, 3, `message ${seq} arrived ${k} times`);
        for (const s of senders) assert.equal(await s.exited, 0);
      } finally {
        for (const s of senders) await s.stop();
        xs.xs_close(pull);
        assert.equal(xs.xs_term(c), 0);
      }
    },
    { timeout: 60_000 },
  );
}

function rcvmore(s: xs.XsSocket): boolean {
  const v = new Int32Array(1);
  assert.equal(xs.xs_getsockopt(s, xs.XS_RCVMORE, v, { value: 4 }), 0);
  return v[0] !== 0;
}

test(
  "process: two workers, four senders; one killed mid-stream loses only its own connection",
  async () => {
    await using ctx = new Context({ ioThreads: 2 });
    using pull = ctx.socket("PULL", { rcvhwm: 100 });
    const eps: string[] = [];
    for (let i = 0; i < 2; i++) {
      await pull.bind("tcp://127.0.0.1:*");
      eps.push(pull.lastEndpoint);
    }
    const core = stateOf(pull)!.core.ctx as ContextCore;
    assert.deepEqual(core.workerLoads, [1, 1]);
    const COUNT = 300;
    // Senders 0 and 1 on worker 0's endpoint, 2 and 3 on worker 1's; sender 3 never ends
    // by itself (paced, many messages) and is killed.
    const senders = [0, 1, 2, 3].map((i) =>
      startPeer(i % 2 ? OTHER : RUNNER, {
        role: "send",
        type: "PUSH",
        endpoint: eps[i < 2 ? 0 : 1],
        bind: false,
        plan: [[100], [2000, 10]],
        count: i === 3 ? 1_000_000 : COUNT,
        idle: 0,
        linger: -1,
        pace: i === 3 ? 2 : 0,
      })
    );
    try {
      const seen = new Map<number, number>();
      let killed = false;
      let total = 0;
      while ([...seen.entries()].filter(([s, k]) => s < COUNT && k >= 3).length < COUNT) {
        const m = await pull.receive({ timeout: 15_000 });
        const seq = checkMessage(m);
        assert.equal(typeof seq, "number", String(seq));
        seen.set(seq as number, (seen.get(seq as number) ?? 0) + 1);
        total++;
        if (!killed && total > 200) {
          killed = true;
          await senders[3]!.stop(); // SIGKILL, mid-stream
        }
      }
      for (let seq = 0; seq < COUNT; seq++) {
        assert.ok((seen.get(seq) ?? 0) >= 3, `message ${seq}: ${seen.get(seq)} copies`);
      }
      for (const s of senders.slice(0, 3)) assert.equal(await s.exited, 0);
      // The killed sender's accepted pipe went away; the listeners and the others' stay.
      await waitFor(() => core.workerLoads[1]! <= 2, 5000);
    } finally {
      for (const s of senders) await s.stop();
    }
  },
  { timeout: 60_000 },
);
