/**
 * Tests of the API thread's waiting (lib/core/waiting.ts) with a fake context: the test
 * plays the I/O worker by ringing the API doorbell itself. A sync wait returns on its
 * condition (withdrawing its announced sleep), on its deadline, and at once when the bell
 * rings between the announcement and the park (the lost wake-up the re-check order
 * prevents); an async operation parks with WAKE_MESSAGE armed and completes on the wake;
 * the queue keeps each kind in order and times out with EAGAIN; the blocking form of an
 * operation returns what arrives while it waits, or EAGAIN at its deadline.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import { OpQueue, type WaitHost, Waiting, type Watched } from "../../lib/core/waiting.ts";
import {
  API_BELL,
  CONTEXT_BLOCK_BYTES,
  Doorbell,
  WAKE_MESSAGE,
  WAKE_NOTIFY,
} from "../../lib/pipe/mod.ts";
import { EAGAIN } from "../../lib/constants.ts";

/** A fake context: one doorbell, a count of control-ring drains and flushes. */
function fakeHost(onProcess: (n: number) => void = () => {}) {
  const bell = new Doorbell(new SharedArrayBuffer(CONTEXT_BLOCK_BYTES), API_BELL);
  const h = {
    processed: 0,
    flushed: 0,
    events: false,
    running: true,
    gone: false,
    bell,
  };
  const host: WaitHost = {
    bell: () => bell,
    process: () => onProcess(++h.processed),
    pending: () => h.events,
    flush: () => void h.flushed++,
    running: () => h.running,
    terminated: () => h.gone,
  };
  return { h, waiting: new Waiting(host) };
}

test("waiting: a sync wait returns when its condition holds and withdraws its announced sleep", () => {
  let ready = false;
  // The condition turns true while the waiter re-checks after announcing (second drain).
  const { h, waiting } = fakeHost((n) => {
    if (n === 2) ready = true;
  });
  const t0 = performance.now();
  assert.equal(waiting.waitSync(performance.now() + 5_000, () => ready), true);
  assert.ok(performance.now() - t0 < 1_000, "did not park");
  assert.equal(h.processed, 2);
  assert.equal(h.flushed, 1, "ring pipes flushed before sleeping");
  assert.equal(h.bell.armed(WAKE_NOTIFY), false, "announcement cancelled");
});

test("waiting: a sync wait returns false at its deadline, not before", () => {
  const { h, waiting } = fakeHost();
  const t0 = performance.now();
  assert.equal(waiting.waitSync(t0 + 40, () => false), false);
  assert.ok(performance.now() - t0 >= 39, "waited for the deadline");
  assert.equal(h.bell.armed(WAKE_NOTIFY), false);
  assert.equal(waiting.waitSync(performance.now() - 1, () => false), false, "past deadline");
});

test("waiting: a ring between the announcement and the park is not lost", () => {
  let ready = false;
  // The "worker" publishes and rings right after the waiter announced its sleep and found
  // nothing yet: the park must return at once (the sequence moved), not at the deadline.
  const { h, waiting } = fakeHost((n) => {
    if (n === 2) {
      assert.equal(h.bell.ring() & WAKE_NOTIFY, WAKE_NOTIFY, "the waiter had announced");
      ready = true;
    }
  });
  const t0 = performance.now();
  assert.equal(waiting.waitSync(t0 + 10_000, () => ready && h.processed >= 3), true);
  assert.ok(performance.now() - t0 < 2_000, "woken, not timed out");
});

/** A watched socket over a fake socket type: `canRecv` once `have` holds a message. */
function fakeSocket(waiting: Waiting, have: Uint8Array<ArrayBuffer>[][] = []) {
  const ops = new OpQueue({
    attempt: (kind) => kind === "recv" ? have.shift() ?? EAGAIN : EAGAIN,
    deadline: () => Infinity,
    service: () => sock.service(),
    watch: () => waiting.watch(sock),
    state: () => 0,
    process: () => {},
    wait: (kind, deadline) =>
      waiting.waitSync(deadline, () => kind === "recv" ? have.length > 0 : false),
  });
  const sock: Watched & { ops: OpQueue; have: Uint8Array[][] } = {
    ops,
    have,
    get hasPending() {
      return ops.pending;
    },
    service: () => ops.run(),
    canSend: () => false,
    canRecv: () => have.length > 0,
  };
  return sock;
}

test("waiting: an async receive arms WAKE_MESSAGE and completes on the worker's wake", async () => {
  const { h, waiting } = fakeHost();
  const sock = fakeSocket(waiting);
  const got = sock.ops.start("recv", null, -1);
  assert.equal(sock.hasPending, true);
  assert.equal(h.bell.armed(WAKE_MESSAGE), true, "the event loop's sleep is announced");
  // The worker delivers a message and rings: the flag says "send a wake message".
  sock.have.push([new Uint8Array([7])]);
  assert.equal(h.bell.ring() & WAKE_MESSAGE, WAKE_MESSAGE);
  // What WorkerLink does with the wake message: drain the control ring, then `woken`.
  waiting.woken();
  assert.deepEqual(await got, [new Uint8Array([7])]);
  assert.equal(sock.hasPending, false);
});

test("waiting: a message that arrived just before the arm is found by the re-check", async () => {
  const { h, waiting } = fakeHost();
  const sock = fakeSocket(waiting);
  const got = sock.ops.start("recv", null, -1);
  // Published while no sleep was announced: nobody rings. The next watch re-checks after
  // arming and schedules a round itself.
  h.bell.ring();
  sock.have.push([new Uint8Array([1])]);
  waiting.watch(sock);
  assert.deepEqual(await got, [new Uint8Array([1])]);
});

test("waiting: operations of one kind complete in order; a timeout rejects with EAGAIN", async () => {
  const { waiting } = fakeHost();
  const sock = fakeSocket(waiting);
  const a = sock.ops.start("recv", null, -1);
  const b = sock.ops.start("recv", null, -1);
  const late = sock.ops.start("send", [new Uint8Array(1)], 20);
  sock.have.push([new Uint8Array([1])], [new Uint8Array([2])]);
  waiting.kick();
  assert.deepEqual(await a, [new Uint8Array([1])]);
  assert.deepEqual(await b, [new Uint8Array([2])]);
  await assert.rejects(late, (e) => e === EAGAIN);
  assert.equal(sock.hasPending, false);
});

test("waiting: a blocking receive returns what arrives while it waits, EAGAIN at its deadline", () => {
  const inbox: Uint8Array<ArrayBuffer>[][] = [];
  // A message "arrives" while the receive waits (the wait's second control-ring drain).
  const { waiting } = fakeHost((n) => {
    if (n === 2) inbox.push([new Uint8Array([9])]);
  });
  const sock = fakeSocket(waiting, inbox);
  assert.deepEqual(sock.ops.block("recv", null, 5_000), [new Uint8Array([9])]);
  assert.equal(sock.ops.block("recv", null, 0), EAGAIN, "timeout 0: one more try");
  const t0 = performance.now();
  assert.equal(sock.ops.block("recv", null, 30), EAGAIN);
  assert.ok(performance.now() - t0 >= 29, "waited for the deadline");
});
