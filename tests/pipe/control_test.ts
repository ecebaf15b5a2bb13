/**
 * Tests of the doorbell (lib/pipe/doorbell.ts) and the control ring (lib/pipe/control.ts)
 * on one thread: a ring reaches only an announced sleeper, once per announcement; the
 * control ring carries typed events in order, keeps what does not fit in a backlog, and
 * the reader's drain tells when the worker waited for room.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  API_BELL,
  CONTEXT_BLOCK_BYTES,
  CONTROL_RING_BYTES,
  controlPlace,
  ControlReader,
  ControlWriter,
  Doorbell,
  type ToApi,
  WAKE_MESSAGE,
  WAKE_NOTIFY,
} from "../../lib/pipe/mod.ts";

test("doorbell: ringing nobody costs nothing and reports 0", () => {
  const bell = new Doorbell(new SharedArrayBuffer(CONTEXT_BLOCK_BYTES), API_BELL);
  assert.equal(bell.ring(), 0);
  assert.equal(bell.armed(WAKE_MESSAGE), false);
});

test("doorbell: one announced sleep, one wake-up, with the way it sleeps", () => {
  const bell = new Doorbell(new SharedArrayBuffer(CONTEXT_BLOCK_BYTES), API_BELL);
  bell.prepare(WAKE_MESSAGE);
  assert.equal(bell.armed(WAKE_MESSAGE), true);
  assert.equal(bell.ring(), WAKE_MESSAGE, "the waker learns it must post a message");
  assert.equal(bell.armed(WAKE_MESSAGE), false);
  assert.equal(bell.ring(), 0, "the second ring finds nobody");
  bell.prepare(WAKE_MESSAGE);
  bell.cancel(WAKE_MESSAGE);
  assert.equal(bell.ring(), 0, "a cancelled sleep is not woken");
});

test("doorbell: a ring between prepare and wait makes the wait return at once", () => {
  const bell = new Doorbell(new SharedArrayBuffer(CONTEXT_BLOCK_BYTES), API_BELL);
  const seq = bell.prepare(WAKE_NOTIFY);
  assert.equal(bell.ring(), WAKE_NOTIFY);
  const t0 = performance.now();
  bell.wait(seq, 5000); // the sequence moved: "not-equal", no sleep
  assert.ok(performance.now() - t0 < 1000, "wait returned at once");
  // Nobody rings: a bounded wait ends on its own.
  const t1 = performance.now();
  bell.wait(bell.prepare(WAKE_NOTIFY), 20);
  bell.cancel(WAKE_NOTIFY);
  assert.ok(performance.now() - t1 >= 15, "waited for its timeout");
});

const reply = (req: number): ToApi => ({ t: "reply", req, errno: 0 });

test("control ring: events arrive whole and in order", () => {
  const place = controlPlace(new SharedArrayBuffer(CONTEXT_BLOCK_BYTES));
  const w = new ControlWriter(place), r = new ControlReader(place);
  assert.equal(r.pending(), false);
  w.send(reply(1));
  w.send({ t: "gone", pipe: 7 });
  w.send({ t: "closed", sock: 3, pipes: [4, 5] });
  assert.equal(r.pending(), true);
  const got: ToApi[] = [];
  r.drain(got);
  assert.deepEqual(got, [reply(1), { t: "gone", pipe: 7 }, {
    t: "closed",
    sock: 3,
    pipes: [4, 5],
  }]);
  assert.equal(r.pending(), false);
});

test("control ring: a full ring keeps events in a backlog; the drain that makes room says so", () => {
  const place = controlPlace(new SharedArrayBuffer(CONTEXT_BLOCK_BYTES));
  const w = new ControlWriter(place), r = new ControlReader(place);
  const big: ToApi = { t: "reply", req: 0, errno: 0, error: "x".repeat(60_000) };
  let n = 0;
  while (w.send({ ...big, req: n })) n++;
  assert.ok(n > 0 && n * 60_000 < CONTROL_RING_BYTES, `${n} fit`);
  w.send({ ...big, req: n + 1 }); // a second one waits too
  assert.equal(w.rearm(), false, "no room: asks to be rung");
  const got: ToApi[] = [];
  assert.equal(r.drain(got), true, "the worker waited: ring it");
  assert.equal(got.length, n);
  assert.equal(w.rearm(), true, "room now");
  assert.equal(w.flush(), true, "the backlog is written");
  got.length = 0;
  r.drain(got);
  assert.deepEqual(got.map((e) => (e as { req: number }).req), [n, n + 1]);
  assert.equal(w.rearm(), false, "nothing waits");
});
