/**
 * Tests of the API thread's waiting (lib/core/waiting.ts) with a fake context: the test
 * plays the I/O worker by ringing the API doorbell itself. A sync wait returns on its
 * condition (withdrawing its announced sleep), on its deadline, and at once when the bell
 * rings between the announcement and the park (the lost wake-up the re-check order
 * prevents); an async operation parks with WAKE_MESSAGE armed and completes on the wake;
 * the queue keeps each kind in order and times out with EAGAIN; the blocking form of an
 * operation returns what arrives while it waits, or EAGAIN at its deadline. The readiness
 * wait (`waitAsync`) ends on the wake that makes it true, at its timeout after a last check,
 * on abort or a throwing check, and is serviced after the sockets' own operations; the
 * C face's wait over several contexts (`waitSyncAny`) parks once for one, in slices for more.
 *
 * Runs on: the test runner's main thread.
 */
import { assert, test } from "../_harness.ts";
import {
  OpQueue,
  sleepSync,
  type SyncWaiter,
  waitAsync,
  type WaitHost,
  Waiting,
  waitSyncAny,
  type Watched,
} from "../../lib/core/waiting.ts";
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

test("waiting: a blocking send waits with its message (a ROUTER waits for room at that peer)", () => {
  const msg = [new Uint8Array([1]), new Uint8Array([2])];
  const waitedWith: (Uint8Array[] | null)[] = [];
  let tries = 0;
  const ops = new OpQueue({
    attempt: () => ++tries < 3 ? EAGAIN : 0,
    deadline: () => Infinity,
    service: () => {},
    watch: () => {},
    state: () => 0,
    process: () => {},
    wait: (_kind, _deadline, m) => (waitedWith.push(m), true),
  });
  assert.equal(ops.block("send", msg, 1_000), 0);
  assert.equal(tries, 3);
  assert.deepEqual(waitedWith, [msg, msg]);
});

// ---------------------------------------------------------------- waitAsync, waitSyncAny

/** A fake context for `waitAsync`: its Waiting, and how many service rounds were kicked. */
function registry() {
  const { h, waiting } = fakeHost();
  const r = {
    kicks: 0,
    watch: (w: Watched) => waiting.watch(w),
    kick: () => (r.kicks++, waiting.kick()),
  };
  return { h, waiting, r };
}

test("waiting: waitAsync resolves on the wake that makes its condition true", async () => {
  const { h, waiting, r } = registry();
  let ready = false;
  let checks = 0;
  const w = waitAsync([r], {
    check: () => (checks++, ready),
    maybe: () => ready,
  }, -1);
  assert.equal(h.bell.armed(WAKE_MESSAGE), true, "the event loop's sleep is announced");
  waiting.woken(); // a wake that changes nothing
  ready = true;
  waiting.woken();
  assert.equal(await w, true);
  assert.equal(checks, 3, "checked at the start and on each of the two wakes");
  // Ready at once: no wait at all.
  assert.equal(await waitAsync([r], { check: () => true, maybe: () => true }, 0), true);
  assert.equal(await waitAsync([r], { check: () => false, maybe: () => false }, 0), false);
});

test("waiting: waitAsync's timeout checks once more; abort and a throwing check reject", async () => {
  const { waiting, r } = registry();
  let ready = false;
  const late = waitAsync([r], { check: () => ready, maybe: () => false }, 30);
  setTimeout(() => (ready = true), 5); // true by the deadline, though nothing woke the wait
  assert.equal(await late, true);
  assert.equal(await waitAsync([r], { check: () => false, maybe: () => false }, 20), false);
  const kicks = r.kicks;
  const ac = new AbortController();
  const aborted = waitAsync([r], { check: () => false, maybe: () => false }, -1, ac.signal);
  ac.abort("stop");
  await assert.rejects(aborted, (e) => e === "stop");
  assert.ok(r.kicks > kicks, "an ended wait asks for a round that drops it");
  await assert.rejects(
    waitAsync([r], { check: () => true, maybe: () => true }, -1, AbortSignal.abort("first")),
    (e) => e === "first",
  );
  let closed = false;
  const fails = waitAsync([r], {
    check: () => {
      if (closed) throw new Error("closed");
      return false;
    },
    maybe: () => closed,
  }, -1);
  closed = true;
  waiting.kick();
  await assert.rejects(fails, /closed/);
});

test("waiting: a readiness wait is serviced after the sockets' own operations of its round", async () => {
  const { waiting, r } = registry();
  const order: string[] = [];
  let sent = false;
  // Registered first, yet serviced last: it sees what the socket's operation did.
  const w = waitAsync([r], {
    check: () => (order.push("check"), sent),
    maybe: () => sent,
  }, -1);
  const sock: Watched = {
    hasPending: true,
    service: () => {
      order.push("socket");
      sent = true;
      (sock as { hasPending: boolean }).hasPending = false;
    },
    canSend: () => false,
    canRecv: () => true,
  };
  waiting.watch(sock);
  waiting.woken();
  assert.equal(await w, true);
  assert.deepEqual(order, ["check", "socket", "check"]);
});

test("waiting: waitSyncAny parks once on a single context, in 5 ms slices on several", () => {
  const calls: number[][] = [[], []];
  const fake = (i: number): SyncWaiter => ({
    waitSync(deadline) {
      calls[i]!.push(deadline - performance.now());
      sleepSync(deadline);
      return false;
    },
  });
  const t0 = performance.now();
  assert.equal(waitSyncAny([fake(0)], t0 + 60, () => false), false);
  assert.equal(calls[0]!.length, 1, "one wait for the whole deadline");
  calls[0] = [];
  assert.equal(waitSyncAny([fake(0), fake(1)], performance.now() + 60, () => false), false);
  // Each context in turn for at most 5 ms: about 6 slices each in 60 ms.
  for (const c of calls) {
    assert.ok(c.length >= 4 && c.length <= 8, `${c.length} slices`);
    assert.ok(c.every((ms) => ms <= 5.01), `slices of ${c.map((ms) => ms.toFixed(1))} ms`);
  }
});
