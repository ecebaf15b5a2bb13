/**
 * How `xs_poll` (lib/xs/poll.ts) waits, measured: over sockets of one context it parks on
 * that context's doorbell until woken or its deadline (a handful of readiness checks in
 * 300 ms, however long the wait), over sockets of several contexts it waits on each
 * context's bell in turn for 5 ms (lib/core/waiting.ts `waitSyncAny`: a thread can wait on
 * one address only), re-checking every item about every 5 ms. The checks are counted
 * where they happen, `SocketCore.events` (XS_EVENTS). Its results are tested in
 * tests/xs/api_test.ts.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import * as xs from "../../xs.ts";
import { SocketCore } from "../../lib/core/mod.ts";

/** Runs `fn`, counting the calls of `SocketCore.events` meanwhile. */
function countChecks(fn: () => void): number {
  const proto = SocketCore.prototype as unknown as { events(): number };
  const events = proto.events;
  let n = 0;
  proto.events = function (this: SocketCore) {
    n++;
    return events.call(this);
  };
  try {
    fn();
  } finally {
    proto.events = events;
  }
  return n;
}

/** An idle PULL bound on tcp in a new context. */
function idlePull(): { ctx: xs.XsContext; s: xs.XsSocket } {
  const ctx = xs.xs_init();
  const s = xs.xs_socket(ctx, xs.XS_PULL)!;
  assert.ok(xs.xs_bind(s, "tcp://127.0.0.1:*") >= 0);
  return { ctx, s };
}

const item = (s: xs.XsSocket): xs.xs_pollitem_t => ({
  socket: s,
  fd: 0,
  events: xs.XS_POLLIN,
  revents: 0,
});

test("xs_poll over one context parks on its doorbell: a handful of checks in 300 ms", () => {
  const a = idlePull();
  try {
    const t0 = performance.now();
    const checks = countChecks(() => assert.equal(xs.xs_poll([item(a.s)], 1, 300), 0));
    const t = performance.now() - t0;
    assert.ok(t >= 299 && t < 1500, `took ${t} ms`);
    assert.ok(checks <= 8, `${checks} checks: the wait re-checked on its own`);
  } finally {
    xs.xs_close(a.s);
    xs.xs_term(a.ctx);
  }
});

test("xs_poll over two contexts waits on each in 5 ms slices: every item checked about every 5 ms", () => {
  const a = idlePull(), b = idlePull();
  try {
    const t0 = performance.now();
    const checks = countChecks(() => assert.equal(xs.xs_poll([item(a.s), item(b.s)], 2, 300), 0));
    const t = performance.now() - t0;
    assert.ok(t >= 299 && t < 1500, `took ${t} ms`);
    // 300 ms / 5 ms = 60 slices, each checking both items at least twice (before and after
    // announcing its sleep): some 240 checks; a loaded machine slows the slices down.
    assert.ok(checks >= 60 && checks <= 600, `${checks} checks in ${t.toFixed(0)} ms`);
  } finally {
    xs.xs_close(a.s);
    xs.xs_close(b.s);
    xs.xs_term(a.ctx);
    xs.xs_term(b.ctx);
  }
});
