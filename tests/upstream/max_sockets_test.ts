/**
 * Port of upstream `tests/max_sockets.cpp` (docs/upstream-tests.md §3.16): with
 * `XS_MAX_SOCKETS` = 1 the second socket cannot be made (EMFILE), on both faces.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { Context, XsError } from "../../mod.ts";
import * as xs from "../../xs.ts";

test("max_sockets: the second xs_socket fails with EMFILE when XS_MAX_SOCKETS is 1", () => {
  const ctx = xs.xs_init();
  assert.equal(xs.xs_setctxopt(ctx, xs.XS_MAX_SOCKETS, new Int32Array([1]), 4), 0);
  const s1 = xs.xs_socket(ctx, xs.XS_PUSH);
  assert.ok(s1);
  const s2 = xs.xs_socket(ctx, xs.XS_PUSH);
  assert.equal(s2, null);
  assert.equal(xs.xs_errno(), xs.EMFILE);
  assert.equal(xs.xs_close(s1), 0);
  assert.equal(xs.xs_term(ctx), 0);
}, { timeout: 10_000 });

test(
  "max_sockets: ctx.socket throws EMFILE for the second socket when maxSockets is 1",
  async () => {
    const ctx = new Context({ maxSockets: 1 });
    const s1 = ctx.socket("PUSH");
    try {
      assert.throws(
        () => ctx.socket("PUSH"),
        (e: unknown) => e instanceof XsError && e.code === "EMFILE",
      );
    } finally {
      s1.close();
      await ctx.term();
    }
  },
  { timeout: 10_000 },
);
