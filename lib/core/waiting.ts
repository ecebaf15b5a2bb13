/**
 * Waiting: the one place where the API thread waits. Everything that blocks the thread or
 * parks an operation until the I/O worker (or an inproc peer) has news is here; the rest
 * of the core and both faces only say *what* they wait for.
 *
 * - `Waiting.waitSync` blocks the thread (the C face): `Atomics.wait` on the API doorbell,
 *   with a deadline and a condition.
 * - `Waiting.watch` / `kick` / `kickSoon` and the wake message are how pending async
 *   operations (the idiomatic face) are re-tried: the doorbell is armed with
 *   `WAKE_MESSAGE` while a socket has operations queued, and local (inproc) activity
 *   schedules a service round on a microtask.
 * - `waitAsync` is the async wait on a condition (readiness: poll, `waitReadable`,
 *   `waitWritable`), one more waiter of the same wake-ups, with no timer but its timeout.
 * - `OpQueue` is one socket's operations: the blocking form of a send or receive (try,
 *   wait, re-try), and the queue of pending async ones, with their timeouts, abort signals
 *   and the socket type's own deadline (SURVEYOR).
 * - `sleepSync` and `waitSyncAny` are the C face's waits without a socket, or on sockets of
 *   several contexts (`xs_poll`).
 *
 * Every park follows the doorbell's order (lib/pipe/doorbell.ts, docs/architecture.md §6):
 * announce the sleep (`prepare`, which reads the sequence and then sets the flag), re-check,
 * and only then park; finding work after the announcement, `cancel`.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import { type Doorbell, sharedBuffer, WAKE_MESSAGE, WAKE_NOTIFY } from "../pipe/mod.ts";

/** What the waiting needs of its context (ContextCore, through its WorkerLink). */
export interface WaitHost {
  /** The API doorbell of the current context block (a new block comes with each worker). */
  bell(): Doorbell;
  /** Drains the control ring and acts on every event. */
  process(): void;
  /** True if events wait in the control ring (one atomic load). */
  pending(): boolean;
  /** Publishes what every ring pipe holds, so the worker can act while this thread sleeps. */
  flush(): void;
  /** True while an I/O worker runs: only a worker sends wake messages. */
  running(): boolean;
  /** True once the context is gone: no more service rounds. */
  terminated(): boolean;
}

/**
 * A socket with pending async operations, as the waiting sees it (SocketCore), or a
 * readiness wait (`waitAsync`: poll, `waitReadable`).
 */
export interface Watched {
  /** True while async operations wait. */
  readonly hasPending: boolean;
  /**
   * True for a wait that only looks at readiness (`waitAsync`): it is serviced after the
   * sockets' own operations of the same round, so it sees what they changed (a REQ whose
   * pending receive just took its reply can send again).
   */
  readonly observes?: boolean;
  /** Re-tries the pending operations. */
  service(): void;
  /** True if the socket type could take a message now. */
  canSend(): boolean;
  /** True if the socket type has a message to hand out now. */
  canRecv(): boolean;
}

/** The waits of one context: the blocking one, and the wake-ups of async operations. */
export class Waiting {
  readonly #host: WaitHost;
  readonly #watched = new Set<Watched>();
  #kickScheduled = false;
  #kickTimer: ReturnType<typeof setTimeout> | undefined;
  /** Callers of `nextWake` waiting for the next wake message. */
  #wakeWaiters: (() => void)[] = [];

  constructor(host: WaitHost) {
    this.#host = host;
  }

  /**
   * Blocks the thread until `cond()` holds or `deadline` (a performance.now() value)
   * passes; returns whether `cond()` held. Used by every blocking call of the C face.
   */
  waitSync(deadline: number, cond: () => boolean): boolean {
    const h = this.#host;
    for (;;) {
      h.process();
      if (cond()) return true;
      h.flush();
      const now = performance.now();
      if (now >= deadline) return false;
      // Announce first, then re-check: the worker may have published just before the flag
      // was set, and would then not ring (lib/pipe/doorbell.ts `prepare`).
      const seq = h.bell().prepare(WAKE_NOTIFY);
      h.process();
      if (cond()) {
        h.bell().cancel(WAKE_NOTIFY);
        return true;
      }
      h.bell().wait(seq, deadline === Infinity ? -1 : Math.max(1, Math.ceil(deadline - now)));
      h.bell().cancel(WAKE_NOTIFY);
    }
  }

  /** Registers a socket with pending async operations. */
  watch(s: Watched): void {
    this.#watched.add(s);
    this.#arm();
  }

  /** Something happened locally (inproc): re-try pending operations soon (a microtask). */
  kick(): void {
    if (this.#kickScheduled || this.#watched.size === 0) return;
    this.#kickScheduled = true;
    queueMicrotask(() => {
      this.#kickScheduled = false;
      this.#serviceAll();
    });
  }

  /** Schedules a service round on the next macrotask. */
  kickSoon(): void {
    if (this.#kickTimer !== undefined || this.#host.terminated()) return;
    this.#kickTimer = setTimeout(() => {
      this.#kickTimer = undefined;
      if (this.#host.terminated()) return;
      this.#host.process();
      this.#serviceAll();
    }, 0);
  }

  /**
   * A wake message came from the worker, and the control ring was drained: re-try every
   * watched socket, then release the `nextWake` callers.
   */
  woken(): void {
    this.#serviceAll();
    const w = this.#wakeWaiters.splice(0);
    for (const f of w) f();
  }

  /** Resolves after the next wake message from the worker (or `ms`). */
  nextWake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wakeWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
      if (this.#host.running()) this.#host.bell().prepare(WAKE_MESSAGE);
    });
  }

  /** The context is gone: no service round is scheduled any more. */
  stop(): void {
    clearTimeout(this.#kickTimer);
    this.#kickTimer = undefined;
  }

  #serviceAll(): void {
    let observers: Watched[] | undefined;
    for (const s of this.#watched) {
      if (s.observes) {
        (observers ??= []).push(s);
        continue;
      }
      s.service();
      if (!s.hasPending) this.#watched.delete(s);
    }
    if (observers) {
      for (const s of observers) {
        s.service();
        if (!s.hasPending) this.#watched.delete(s);
      }
    }
    if (this.#watched.size) this.#arm();
  }

  #arm(): void {
    const h = this.#host;
    if (!h.running()) return;
    h.flush();
    if (h.bell().armed(WAKE_MESSAGE)) return;
    h.bell().prepare(WAKE_MESSAGE);
    // Re-check after arming: the worker may have published or freed room just before
    // the flag was set, and would then not send a wake message.
    if (h.pending()) return this.kickSoon();
    for (const s of this.#watched) if (s.canRecv() || s.canSend()) return this.kickSoon();
  }
}

// ---------------------------------------------------------------- readiness waits

/** What `waitAsync` waits for. */
export interface AsyncCondition {
  /**
   * True once the wait is over. Called at the start and after every wake-up; it takes in
   * the worker's events itself if it needs them (`SocketCore.events`). Throwing ends the wait
   * with that error (a socket closed, its context terminated).
   */
  check(): boolean;
  /**
   * Cheap and without taking in events: could `check` answer true now, or throw? Asked right
   * after the wake-up is armed, to catch what came just before the arming.
   */
  maybe(): boolean;
}

/** A context as `waitAsync` uses it: where a waiter registers, and a service round. */
export interface WaitRegistry {
  /** Registers a waiter; it is serviced on every wake-up until its `hasPending` is false. */
  watch(w: Watched): void;
  /** Schedules a service round (a microtask), which drops finished waiters. */
  kick(): void;
}

/**
 * Waits without blocking the thread until `cond.check()` holds (resolves true), `timeout` ms
 * pass (resolves with a last check; 0: check once; negative: no limit), `signal` aborts
 * (rejects with its reason, checked before anything else) or `check` throws (rejects with
 * that). The wait is one more waiter of each context in `contexts`
 * (`Waiting.watch`): it is re-checked on the wake message the I/O worker sends and on local
 * (inproc) activity, like a pending `receive`, so nothing runs on a timer except the
 * caller's timeout. poll() and `Socket.waitReadable` / `waitWritable` are built on it.
 */
export function waitAsync(
  contexts: Iterable<WaitRegistry>,
  cond: AsyncCondition,
  timeout: number,
  signal?: AbortSignal,
): Promise<boolean> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  try {
    if (cond.check()) return Promise.resolve(true);
  } catch (e) {
    return Promise.reject(e);
  }
  if (timeout === 0) return Promise.resolve(false);
  const hosts = [...contexts];
  return new Promise<boolean>((resolve, reject) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = (ok: boolean, error?: { e: unknown }) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error.e);
      else resolve(ok);
    };
    const recheck = (atEnd: boolean) => {
      if (done) return;
      let ok: boolean;
      try {
        ok = cond.check();
      } catch (e) {
        return end(false, { e });
      }
      if (ok || atEnd) end(ok);
    };
    // Ended by the timeout or the signal, the waiter is still registered: a service round
    // drops it now (an idle context might otherwise collect finished waiters).
    const dropLater = () => {
      for (const h of hosts) h.kick();
    };
    const onAbort = () => {
      end(false, { e: signal!.reason });
      dropLater();
    };
    const waiter: Watched = {
      observes: true,
      get hasPending() {
        return !done;
      },
      service: () => recheck(false),
      canRecv: () => !done && cond.maybe(),
      canSend: () => false,
    };
    if (timeout > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        recheck(true);
        dropLater();
      }, timeout);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    for (const h of hosts) h.watch(waiter);
  });
}

// ---------------------------------------------------------------- one socket's operations

/** The two kinds of async operation. */
export type OpKind = "send" | "recv";

/** What an OpQueue needs of its socket (SocketCore hands it closures). */
export interface OpHooks {
  /**
   * Tries an operation now: 0 (sent), the parts (received), or an errno; EAGAIN means
   * "not yet" and keeps it queued.
   */
  attempt(kind: OpKind, msg: Uint8Array[] | null): number | Uint8Array<ArrayBuffer>[];
  /** The socket type's own receive deadline (performance.now() ms), Infinity if none. */
  deadline(): number;
  /** Re-tries every pending operation, the socket's state first (the deadline timer calls it). */
  service(): void;
  /** An operation was queued: the socket joins the context's watched set. */
  watch(): void;
  /** The errno every call must fail with now (socket closed, context terminating), or 0. */
  state(): number;
  /** Takes in the worker's events (the control ring). */
  process(): void;
  /**
   * Blocks until the operation may succeed, the socket closes or its context terminates, or
   * `deadline` passes (false then): SocketCore `waitWritable` / `waitReadable`. `msg` is the
   * message a send waits to send (a ROUTER waits for room at its peer).
   */
  wait(kind: OpKind, deadline: number, msg: Uint8Array[] | null): boolean;
}

/** A pending async send or receive. */
interface Op {
  kind: OpKind;
  msg: Uint8Array[] | null;
  resolve: (v: Uint8Array<ArrayBuffer>[] | undefined) => void;
  reject: (e: number | unknown) => void;
  cleanup: () => void;
}

/** Rejections as they are (no mapping). */
const same = (e: unknown): unknown => e;

/** One socket's pending async sends and receives, each kind completing in order. */
export class OpQueue {
  readonly #hooks: OpHooks;
  readonly #ops: Op[] = [];

  constructor(hooks: OpHooks) {
    this.#hooks = hooks;
  }

  /** True while operations wait. */
  get pending(): boolean {
    return this.#ops.length > 0;
  }

  /** True if an operation of `kind` waits (a new one must queue behind it). */
  #queued(kind: OpKind): boolean {
    const ops = this.#ops;
    for (let i = 0; i < ops.length; i++) if (ops[i]!.kind === kind) return true;
    return false;
  }

  /**
   * The blocking form of an operation (the C face): tries it; on EAGAIN, with `timeout` 0
   * takes in the worker's events and tries once more, else waits (up to `timeout` ms,
   * negative: no limit) and re-tries after every wake-up. Returns what `attempt` returns:
   * 0, the parts, or an errno (EAGAIN at the deadline).
   */
  block(
    kind: OpKind,
    msg: Uint8Array[] | null,
    timeout: number,
  ): number | Uint8Array<ArrayBuffer>[] {
    const h = this.#hooks;
    let r = h.attempt(kind, msg);
    if (r !== C.EAGAIN) return r;
    if (timeout === 0) {
      h.process();
      return h.attempt(kind, msg);
    }
    const deadline = timeout < 0 ? Infinity : performance.now() + timeout;
    for (;;) {
      // The socket type may stop answering EAGAIN at its own deadline (SURVEYOR): wake
      // then too and ask again.
      const until = kind === "recv" ? Math.min(deadline, h.deadline()) : deadline;
      if (!h.wait(kind, until, msg) && until === deadline) return C.EAGAIN;
      const st = h.state();
      if (st) return st;
      r = h.attempt(kind, msg);
      if (r !== C.EAGAIN) return r;
    }
  }

  /**
   * Starts an operation: done at once if nothing of its kind is queued ahead and the socket
   * type can act, else queued until it can, `timeout` ms pass (EAGAIN; negative: never) or
   * `signal` aborts (its reason). Rejections are errno numbers or the signal's reason, as
   * `fail` maps them (a face's error, without a `.catch` and its extra promise per call).
   */
  start(
    kind: OpKind,
    msg: Uint8Array[] | null,
    timeout: number,
    signal?: AbortSignal,
    fail: (e: unknown) => unknown = same,
  ): Promise<Uint8Array<ArrayBuffer>[] | undefined> {
    if (signal?.aborted) return Promise.reject(fail(signal.reason));
    // Fast path: nothing queued ahead of us and the socket type can act now.
    if (!this.#queued(kind)) {
      const r = this.#hooks.attempt(kind, msg);
      if (r === 0) return Promise.resolve(undefined);
      if (typeof r !== "number") return Promise.resolve(r);
      if (r !== C.EAGAIN) return Promise.reject(fail(r));
      if (timeout === 0) return Promise.reject(fail(C.EAGAIN));
    }
    return new Promise<Uint8Array<ArrayBuffer>[] | undefined>((resolve, rejectRaw) => {
      const reject = (e: unknown) => rejectRaw(fail(e));
      let timer: ReturnType<typeof setTimeout> | undefined;
      let dlTimer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        this.#remove(op);
        reject(signal!.reason);
      };
      const op: Op = {
        kind,
        msg,
        resolve,
        reject,
        cleanup: () => {
          if (timer !== undefined) clearTimeout(timer);
          if (dlTimer !== undefined) clearTimeout(dlTimer);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      if (timeout > 0) {
        timer = setTimeout(() => {
          this.#remove(op);
          reject(C.EAGAIN);
        }, timeout);
      }
      // The socket type's own deadline (SURVEYOR) ends a receive with its answer
      // (ETIMEDOUT). The timer re-arms while the receive still waits: a later deadline may
      // have replaced this one (a new survey), or the timer fired a fraction of a
      // millisecond before the deadline by performance.now() (Bun's timers do), when the
      // receive still answered EAGAIN. Past its deadline a socket type answers, so this
      // does not spin.
      const armDeadline = () => {
        const at = this.#hooks.deadline();
        if (at === Infinity) return;
        dlTimer = setTimeout(() => {
          dlTimer = undefined;
          this.#hooks.service();
          if (this.#ops.includes(op)) armDeadline();
        }, Math.max(1, Math.ceil(at - performance.now())));
      };
      if (kind === "recv") armDeadline();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#ops.push(op);
      this.#hooks.watch();
    });
  }

  /** Re-tries the pending operations in order (the first of each kind) until none can act. */
  run(): void {
    let progress = true;
    while (progress && this.#ops.length) {
      progress = false;
      for (let i = 0; i < this.#ops.length; i++) {
        const op = this.#ops[i]!;
        // Operations of one kind complete in order: only the first of each kind tries.
        if (this.#ops.findIndex((o) => o.kind === op.kind) !== i) continue;
        const r = this.#hooks.attempt(op.kind, op.msg);
        if (r === C.EAGAIN) continue;
        this.#ops.splice(i, 1);
        op.cleanup();
        if (r === 0) op.resolve(undefined);
        else if (typeof r === "number") op.reject(r);
        else op.resolve(r);
        progress = true;
        break;
      }
    }
  }

  /** Fails every pending operation with `errno` (closed: ENOTSOCK; terminating: ETERM). */
  failAll(errno: number): void {
    const ops = this.#ops.splice(0);
    for (const op of ops) {
      op.cleanup();
      op.reject(errno);
    }
  }

  #remove(op: Op): void {
    const i = this.#ops.indexOf(op);
    if (i >= 0) this.#ops.splice(i, 1);
    op.cleanup();
  }
}

// ---------------------------------------------------------------- waits of xs_poll

/** What `waitSyncAny` waits on: a context (ContextCore). */
export interface SyncWaiter {
  /** Blocks until `cond()` or `deadline`; whether `cond()` held. */
  waitSync(deadline: number, cond: () => boolean): boolean;
}

/** The slice `waitSyncAny` gives each context in turn, in ms. */
const SLICE_MS = 5;

/**
 * Blocks until `cond()` holds or `deadline` passes, for a condition that sockets of several
 * contexts can make true; returns whether it held. One context is one doorbell wait. Each
 * context has its own doorbell in its own shared block, and a thread can `Atomics.wait` on
 * one address only, so for several the thread waits on each in turn for a short slice
 * (a wake-up of another context's bell is seen at the end of the current slice).
 */
export function waitSyncAny(
  waiters: Iterable<SyncWaiter>,
  deadline: number,
  cond: () => boolean,
): boolean {
  const all = [...waiters];
  if (all.length === 1) return all[0]!.waitSync(deadline, cond);
  for (;;) {
    for (const w of all) {
      if (w.waitSync(Math.min(deadline, performance.now() + SLICE_MS), cond)) return true;
    }
    if (performance.now() >= deadline) return false;
  }
}

/** A cell nothing ever notifies: waiting on it only returns by timing out. */
const sleeper = new Int32Array(sharedBuffer(4));

/** Blocks the thread until `deadline` (a performance.now() value), with nothing to watch. */
export function sleepSync(deadline: number): void {
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) return;
    // Atomics: no ordering involved; the wait times out (the cell never changes).
    Atomics.wait(sleeper, 0, 0, Math.ceil(left));
  }
}
