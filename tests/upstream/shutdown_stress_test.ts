/**
 * Port of upstream `tests/shutdown_stress.cpp` (docs/upstream-tests.md §3.14): 10 rounds of
 * a context with 7 I/O threads, a bound PUB and 100 SUBs each connected and closed at
 * once, then close and term; nothing may crash, hang or fail. Upstream: tcp, one thread
 * per SUB; §4.1/§4.2: the async face with 100 concurrent connect + close tasks per
 * round, over tcp and ipc (`ioThreads: 7` accepted though one worker serves all). A
 * C-face variant does the same 100 connect + close calls one after another.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, scratchEndpoint, test } from "../_harness.ts";
import { Context, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";

const ROUNDS = 10, SUBS = 100;
const PAIRS = [{ bound: "PUB", connecting: "SUB" }] as const;

for (const { bound, connecting } of PAIRS) {
  for (const scheme of ["tcp", "ipc"] as const) {
    test(
      `shutdown_stress: ${ROUNDS} rounds of ${SUBS} ${connecting}s connecting to a ${bound} and closing at once over ${scheme} (async face)`,
      async () => {
        for (let round = 0; round < ROUNDS; round++) {
          const ctx = new Context({ ioThreads: 7 });
          const s1 = ctx.socket(bound);
          await s1.bind(scratchEndpoint(scheme));
          const ep = s1.lastEndpoint;
          const tasks: Promise<void>[] = [];
          for (let i = 0; i < SUBS; i++) {
            let sub: ReturnType<Context["socket"]>;
            try {
              sub = ctx.socket(connecting);
            } catch (e) {
              // Upstream gives a slot no thread when it runs out of descriptors.
              if (e instanceof XsError && (e.code === "EMFILE" || e.code === "ENFILE")) continue;
              throw e;
            }
            tasks.push((async () => {
              assert.ok((await sub.connect(ep)) >= 0);
              sub.close();
            })());
          }
          await Promise.all(tasks);
          s1.close();
          await ctx.term();
        }
      },
      { timeout: 60_000 },
    );

    test(
      `shutdown_stress: ${ROUNDS} rounds of ${SUBS} ${connecting}s connecting to a ${bound} and closing at once over ${scheme} (C face)`,
      () => {
        const T = xs as unknown as Record<string, number>;
        for (let round = 0; round < ROUNDS; round++) {
          const ctx = xs.xs_init();
          assert.equal(xs.xs_setctxopt(ctx, xs.XS_IO_THREADS, new Int32Array([7]), 4), 0);
          const s1 = xs.xs_socket(ctx, T[`XS_${bound}`]!)!;
          assert.ok(s1);
          assert.notEqual(xs.xs_bind(s1, scratchEndpoint(scheme)), -1);
          const ep = xs.xs_last_endpoint(s1)!;
          for (let i = 0; i < SUBS; i++) {
            const sub = xs.xs_socket(ctx, T[`XS_${connecting}`]!);
            if (!sub) {
              const e = xs.xs_errno();
              assert.ok(
                e === xs.EMFILE || e === 23, /* ENFILE */
                `xs_socket: ${xs.xs_strerror(e)}`,
              );
              continue;
            }
            assert.notEqual(xs.xs_connect(sub, ep), -1);
            assert.equal(xs.xs_close(sub), 0);
          }
          assert.equal(xs.xs_close(s1), 0);
          assert.equal(xs.xs_term(ctx), 0);
        }
      },
      { timeout: 60_000 },
    );
  }
}
