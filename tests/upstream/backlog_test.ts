/**
 * Port of the INTENDED upstream `tests/backlog.cpp` (docs/upstream-tests.md §3.24; the
 * shipped body is disabled with `#if 0`): a PULL with XS_BACKLOG 10 and 50 concurrent
 * PUSHes that each connect, send one empty message and close; all 50 messages arrive.
 * More simultaneous connection attempts than the listen backlog must all eventually
 * succeed (refused attempts are retried). Over ipc and tcp (§4.2), on the async face
 * (concurrent tasks instead of threads, §4.1).
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test } from "../_harness.ts";
import { Context } from "../../mod.ts";

const BACKLOG = 10, PARALLEL_CONNECTS = 50;

for (const scheme of ["ipc", "tcp"] as const) {
  test(
    `backlog: ${PARALLEL_CONNECTS} concurrent PUSH connect+send against a PULL with backlog ${BACKLOG} over ${scheme} all arrive`,
    async () => {
      const ctx = new Context();
      const pull = ctx.socket("PULL", { backlog: BACKLOG });
      const pushes: ReturnType<Context["socket"]>[] = [];
      try {
        assert.equal(pull.backlog, BACKLOG);
        assert.ok((await pull.bind(scratchEndpoint(scheme))) >= 0);
        const ep = pull.lastEndpoint;
        const senders = Array.from({ length: PARALLEL_CONNECTS }, async () => {
          const push = ctx.socket("PUSH");
          pushes.push(push);
          assert.ok((await push.connect(ep)) >= 0);
          await push.send(new Uint8Array(0), { timeout: 10_000 });
          push.close(); // linger -1: the message still goes out
        });
        await Promise.all(senders);
        for (let i = 0; i < PARALLEL_CONNECTS; i++) {
          const m = await pull.receive({ timeout: 10_000 });
          assert.equal(m.length, 1);
          assert.equal(m[0]!.length, 0);
        }
        assert.equal(pull.tryReceive(), null);
      } finally {
        for (const p of pushes) p.close();
        pull.close();
        await ctx.term();
      }
    },
    { timeout: 30_000 },
  );
}
