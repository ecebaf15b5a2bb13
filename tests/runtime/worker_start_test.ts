/**
 * A worker that cannot start (issue #10): the waiting call fails with EMTHREAD and says
 * why, well before the default start bound of 10 s, on the async face (at the worker's error
 * event) and on the C face (which cannot hear that event while it blocks: by the start
 * bound, shortened to one second here); the async `bind` never blocks the thread meanwhile.
 * The time bounds leave room for a loaded machine; what they tell apart is the 10 s bound.
 *
 * Runs on: the test runner's main thread (the failing worker is the test's own).
 */
import * as C from "../../lib/constants.ts";
import { ContextCore } from "../../lib/core/context.ts";
import { Socket } from "../../lib/api/socket.ts";
import { XsError } from "../../lib/errors.ts";
import { getErrno } from "../../lib/errors.ts";
import { assert, test } from "../_harness.ts";

const MISSING = new URL("file:///nonexistent/xs/io_worker.ts");

test(
  "a worker that cannot start makes an async bind reject with EMTHREAD and the reason",
  async () => {
    const core = new ContextCore({ workerSource: MISSING });
    const s = new Socket(core.socket(C.XS_PULL) as never);
    const t0 = performance.now();
    // Not blocking the thread: `bind` returns its promise at once (a blocking bind would sit
    // in Atomics.wait for the whole start bound before returning).
    const pending = s.bind("tcp://127.0.0.1:*");
    const syncMs = performance.now() - t0;
    // Settled whatever the assertions below do, so its rejection is never left unhandled.
    const outcome = pending.then(() => null, (e: unknown) => e);
    try {
      assert.ok(syncMs < 2_000, `bind blocked the thread for ${syncMs} ms`);
      const e = await outcome;
      assert.ok(e instanceof XsError, `bind settled with ${e}`);
      assert.equal(e.code, "EMTHREAD");
      assert.match(e.message, /I\/O worker failed/);
      assert.ok(performance.now() - t0 < 5_000, `rejected after ${performance.now() - t0} ms`);
    } finally {
      s.close();
      await core.term();
    }
  },
  { sanitizeOps: false },
); // the failed worker's error event is the runtime's, not ours

test(
  "a worker that cannot start makes a blocking bind fail with EMTHREAD at the start bound",
  async () => {
    // A blocked thread cannot hear the worker's error event: the start bound (10 s by
    // default, WORKER_START_MS; 1 s here) ends the wait.
    const core = new ContextCore({ workerSource: MISSING, workerStartMs: 1000 });
    const s = core.socket(C.XS_PUSH);
    assert.ok(typeof s !== "number");
    const t0 = performance.now();
    const rc = s.bind("tcp://127.0.0.1:*");
    const ms = performance.now() - t0;
    assert.equal(rc, -1);
    assert.equal(getErrno(), C.EMTHREAD);
    assert.ok(ms >= 900 && ms < 5_000, `failed after ${ms} ms, not at the 1 s bound`);
    s.close();
    await core.term();
  },
  { sanitizeOps: false },
);
