/**
 * WorkerLink: the API thread's side of one I/O worker (a context has `XS_IO_THREADS` of
 * them, lib/core/context.ts picks one per endpoint). It starts the worker (lazily, at the
 * first tcp/ipc bind or connect, and again after it stopped), owns the context block it
 * shares with it (the worker doorbell and the control ring; a new block for each worker,
 * so a worker going away never writes into its successor's ring; the API doorbell is the
 * context's, shared by all its workers), posts the typed commands of
 * lib/pipe/commands.ts, matches requests with their replies (blocking or not), and drains
 * the control ring, handing every other event to its context (ContextCore).
 *
 * Start-up: the worker reports WORKER_UP or WORKER_FAILED in the context block and rings
 * the API bell, which a blocked caller sees; an event-loop caller hears `ready` / `error`.
 * A worker not up within `startMs` (default WORKER_START_MS) fails every call waiting for it
 * with EMTHREAD.
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import {
  CONTEXT_BLOCK_BYTES,
  controlPlace,
  ControlReader,
  Doorbell,
  ExtBuffers,
  type ExternalBatch,
  type Reply,
  type RequestCommand,
  sharedBuffer,
  type ToApi,
  type ToWorker,
  WAKE_MESSAGE,
  WORKER_BELL,
  WORKER_FAILED,
  WORKER_STATE,
  WORKER_UP,
  type WorkerNote,
} from "../pipe/mod.ts";
import { startIoWorker, type WorkerHandle, type WorkerSource } from "../runtime/worker.ts";

export type { WorkerSource };

/**
 * How long a starting I/O worker may take before the calls waiting for it fail. Generous:
 * under `deno test` or `deno bench` with type checking, Deno checks the worker's module
 * graph when it starts it, which took over a second here (the first bind failed with
 * "did not start within 1000 ms"). A worker that cannot load at all is reported at once
 * to an event-loop caller (its error event); only a blocked C-face call waits this long.
 */
export const WORKER_START_MS = 10_000;

/** Every event of the control ring but a reply, which the link keeps for its request. */
export type LinkEvent = Exclude<ToApi, Reply>;

/** What the link needs of its context (ContextCore hands it closures). */
export interface LinkHooks {
  /** The context's bell block (lib/pipe/layout.ts): every worker rings its API doorbell. */
  bell: SharedArrayBuffer;
  /** Where the worker starts from (tests force "bundle"; see runtime/worker.ts). */
  source: WorkerSource;
  /** How long the worker may take to start, ms (default WORKER_START_MS). */
  startMs?: number | undefined;
  /** Acts on one event (accept, up, down, gone, closed) of this link's worker. */
  event(e: LinkEvent, link: WorkerLink): void;
  /**
   * A wake message arrived: the context drains every link's control ring (the bell is
   * shared, so one worker's wake may stand for another's news) and re-tries what waits
   * (waiting.ts `Waiting.woken`).
   */
  woken(): void;
  /** Blocks until `cond()` or `deadline` (waiting.ts `Waiting.waitSync`). */
  waitSync(deadline: number, cond: () => boolean): boolean;
  /** The worker stopped because nothing used it: its side of every pipe block is free. */
  stopped(): void;
}

/** The link to one of a context's I/O workers. */
export class WorkerLink {
  readonly #hooks: LinkHooks;
  /** Which of the context's workers (0-based; the bit of `XS_AFFINITY` that picks it). */
  readonly index: number;
  #sab = sharedBuffer(CONTEXT_BLOCK_BYTES);
  #workerBell = new Doorbell(this.#sab, WORKER_BELL);
  #control = new ControlReader(controlPlace(this.#sab));
  #worker: WorkerHandle | null = null;
  /** When the current worker was started (performance.now()). */
  #workerStart = 0;
  #startTimer: ReturnType<typeof setTimeout> | undefined;
  /** Async requests waiting for the worker's reply. */
  readonly #asyncReplies = new Map<
    number,
    { resolve: (r: Reply) => void; reject: (e: unknown) => void }
  >();
  /** Async callers waiting for the worker to come up. */
  #upWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #nextReq = 1;
  /** Replies of blocking requests, until their caller takes them. */
  readonly #replies = new Map<number, Reply>();
  readonly #events: ToApi[] = [];
  /** Why the last worker failed (for the sync path, which cannot hear its messages). */
  #lastFailure = "";

  /** Rings the worker's bell (a RingPipe calls it after publishing or reading). */
  readonly wakeWorker = (): void => {
    // The worker parks in its event loop; a message is the one wake-up that reliably
    // reaches it (see lib/io/loop.ts #park), sent only while it is parked.
    if (this.#workerBell.ring() & WAKE_MESSAGE) this.#worker?.post({ t: "wake" });
  };

  /**
   * Buffers for messages beside the rings, handed back by the worker once written: 32 of
   * 512 KiB kept at most (16 MiB after a burst of large sends; a sender whose batches found
   * the pool empty took 2-3 page faults per 64 KiB message with 8, about none with 32).
   */
  readonly buffers: ExtBuffers = new ExtBuffers(32, () => this.#worker?.returned() ?? null);

  /** Hands messages that did not fit in a ring to the worker (their buffer transferred). */
  readonly postExt = (b: ExternalBatch): void => {
    this.#worker?.post({ t: "ext", ...b }, [b.buf]);
  };

  constructor(hooks: LinkHooks, index = 0) {
    this.#hooks = hooks;
    this.index = index;
    this.#startMs = hooks.startMs ?? WORKER_START_MS;
  }

  readonly #startMs: number;

  /** True while a worker runs (started, not stopped, failed or terminated). */
  get running(): boolean {
    return this.#worker !== null;
  }

  /** Sends a command to the worker (starting it if needed). */
  post(cmd: ToWorker): void {
    this.#ensureWorker().post(cmd);
  }

  /**
   * Starts the worker if needed and resolves once it is up, without blocking the thread;
   * rejects with `{ errno: EMTHREAD, error }` if it cannot start (within a second).
   */
  workerUp(): Promise<void> {
    this.#ensureWorker();
    if (this.#workerState() === WORKER_UP) return Promise.resolve();
    return new Promise((resolve, reject) => this.#upWaiters.push({ resolve, reject }));
  }

  /**
   * Sends a command and blocks until the worker's reply; returns the reply event, or
   * `{ errno: EMTHREAD, error }` if the worker could not start within a second.
   */
  request(cmd: RequestCommand): Reply {
    const req = this.#nextReq++;
    this.post({ ...cmd, req });
    for (;;) {
      const up = this.#workerState();
      if (up === WORKER_FAILED) this.#workerFailed("it could not load its runtime adapter");
      if (!this.#worker) return { t: "reply", req, errno: C.EMTHREAD, error: this.#lastFailure };
      const deadline = up === WORKER_UP ? Infinity : this.#workerStart + this.#startMs;
      const got = this.#hooks.waitSync(
        deadline,
        () => this.#replies.has(req) || this.#workerState() !== up,
      );
      if (this.#replies.has(req)) break;
      if (!got) this.#workerFailed(`it did not start within ${this.#startMs} ms`);
    }
    if (this.#workerState() === WORKER_UP) {
      // A blocked caller may never see the "ready" message: the start timer ends here.
      clearTimeout(this.#startTimer);
      this.#startTimer = undefined;
    }
    const r = this.#replies.get(req)!;
    this.#replies.delete(req);
    return r;
  }

  /** Sends a command; resolves with the worker's reply without blocking the thread. */
  requestAsync(cmd: RequestCommand): Promise<Reply> {
    const req = this.#nextReq++;
    const p = new Promise<Reply>((resolve, reject) => {
      this.#asyncReplies.set(req, { resolve, reject });
    });
    this.post({ ...cmd, req });
    return p;
  }

  /** True if events wait in the control ring (one atomic load). */
  pending(): boolean {
    return this.#control.pending();
  }

  /** Reads the control ring and acts on every event. */
  process(): void {
    const ev = this.#events;
    if (this.#control.pending()) {
      if (this.#control.drain(ev)) this.wakeWorker();
      for (let i = 0; i < ev.length; i++) this.#dispatch(ev[i]!);
      ev.length = 0;
    }
  }

  /**
   * With no socket left (`liveSockets` 0: none open, none lingering) the worker stops, so
   * that it does not keep the process alive (a Deno web Worker has no `unref()`); the next
   * tcp/ipc bind or connect starts a new one.
   */
  stopIfIdle(liveSockets: number): void {
    if (!this.#worker || liveSockets > 0 || this.#asyncReplies.size > 0) return;
    if (this.#control.pending()) return;
    clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
    this.#worker.terminate();
    this.#worker = null;
    this.#hooks.stopped();
  }

  /** Term: stops the worker for good (whatever it still holds dies with it). */
  terminate(): void {
    clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
    if (this.#worker) {
      this.#worker.terminate();
      this.#worker = null;
    }
  }

  #dispatch(e: ToApi): void {
    if (e.t !== "reply") return this.#hooks.event(e, this);
    const w = this.#asyncReplies.get(e.req);
    if (w) {
      this.#asyncReplies.delete(e.req);
      w.resolve(e);
    } else this.#replies.set(e.req, e);
  }

  #ensureWorker(): WorkerHandle {
    if (!this.#worker) {
      if (this.#workerStart !== 0) {
        this.#sab = sharedBuffer(CONTEXT_BLOCK_BYTES);
        this.#workerBell = new Doorbell(this.#sab, WORKER_BELL);
        this.#control = new ControlReader(controlPlace(this.#sab));
      }
      this.#workerStart = performance.now();
      this.#worker = startIoWorker((msg) => this.#onWorkerMessage(msg), this.#hooks.source);
      this.#worker.post({ t: "init", sab: this.#sab, bell: this.#hooks.bell });
      this.#startTimer = setTimeout(() => {
        this.#startTimer = undefined;
        if (this.#workerState() === 0) {
          this.#workerFailed(`it did not start within ${this.#startMs} ms`);
        }
      }, this.#startMs);
    }
    return this.#worker;
  }

  #workerState(): number {
    return Atomics.load(new Int32Array(this.#sab), WORKER_STATE);
  }

  /**
   * The worker could not start (or died before it was up): every call waiting for it
   * fails with EMTHREAD and this reason; the next bind or connect starts a new one.
   */
  #workerFailed(reason: string): void {
    clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
    this.#worker?.terminate();
    this.#worker = null;
    const err = { errno: C.EMTHREAD, error: `the I/O worker failed: ${reason}` };
    for (const [req, r] of this.#asyncReplies) r.resolve({ t: "reply", req, ...err });
    this.#asyncReplies.clear();
    for (const w of this.#upWaiters.splice(0)) w.reject(err);
    this.#lastFailure = err.error;
  }

  #onWorkerMessage(msg: WorkerNote): void {
    if (msg.t === "wake") {
      this.#hooks.woken();
    } else if (msg.t === "ready") {
      this.#worker?.ready();
      clearTimeout(this.#startTimer);
      this.#startTimer = undefined;
      for (const w of this.#upWaiters.splice(0)) w.resolve();
    } else if (msg.t === "error") {
      if (msg.fatal || this.#workerState() !== WORKER_UP) {
        this.#workerFailed(msg.error ?? "unknown error");
      } else {
        console.error(`@crossroads/xs I/O worker: ${msg.error}`);
      }
    }
  }
}
