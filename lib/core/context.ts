/**
 * ContextCore: the engine behind a Crossroads context. It owns the I/O worker, the
 * context block (doorbells and the control ring) and every socket, and it is where the API
 * thread waits. Two of its parts have their own files: the pipe blocks and their pool
 * (blocks.ts) and the inproc name table (inproc.ts).
 *
 * Life cycle (the one place it is written down, together with lib/io/loop.ts):
 * 1. `new ContextCore()` allocates the context block; no thread yet (xs_init).
 * 2. The first tcp/ipc bind or connect starts the I/O worker and hands it the block.
 * 3. Sockets talk to the worker with `postMessage` commands (bind, connect, pipe, close,
 *    shutdown, term) and hear back through the control ring, which a blocked caller can
 *    read (`waitSync`). Data never uses either: it flows through each pipe's rings.
 * 4. `xs_close` hands a socket's connections to the worker to linger; the worker reports
 *    `closed` when the socket's last queued message went out or its linger expired.
 * 5. `term` makes every call fail with ETERM, closes what is still open, waits until
 *    every socket finished lingering, then terminates the worker (a Deno worker would
 *    otherwise keep the process alive forever).
 *
 * Runs on: API thread.
 */
import * as C from "../constants.ts";
import {
  API_BELL,
  type BindCommand,
  CONTEXT_BLOCK_BYTES,
  controlPlace,
  ControlReader,
  Doorbell,
  type ExternalBatch,
  type Pipe,
  PIPE_RING_BYTES,
  pipePlaces,
  R_HWM,
  type Reply,
  RingPipe,
  type ToApi,
  type ToWorker,
  WAKE_MESSAGE,
  WORKER_BELL,
  WORKER_FAILED,
  WORKER_STATE,
  WORKER_UP,
  type WorkerNote,
} from "../pipe/mod.ts";
import { PROTOCOLS } from "../protocols/mod.ts";
import { SocketCore, type SocketHost } from "./socket.ts";
import { InprocPipe } from "../transports/inproc.ts";
import { PipeBlocks } from "./blocks.ts";
import { InprocNames } from "./inproc.ts";
import { Waiting } from "./waiting.ts";
import { startIoWorker, type WorkerHandle, type WorkerSource } from "../runtime/worker.ts";

/** How long a starting I/O worker may take before the calls waiting for it fail. */
const WORKER_START_MS = 1000;

/** Options of a context. */
export interface ContextOptions {
  /** XS_IO_THREADS (default 1). One worker serves all connections for now. */
  ioThreads?: number;
  /** XS_MAX_SOCKETS (default 512). */
  maxSockets?: number;
  /**
   * Default `XS_LINGER` of new sockets in ms (-1 forever, the Crossroads default); types
   * with a default of their own (SUB/XSUB: 0) keep it.
   */
  linger?: number;
  /** Where the I/O worker starts from (tests force "bundle"; see runtime/worker.ts). */
  workerSource?: WorkerSource;
}

/** The engine-side context. */
export class ContextCore implements SocketHost {
  maxSockets = 512;
  ioThreads = 1;
  /** True once `term` started: every socket call fails with ETERM. */
  terminating = false;
  /** True once the context is gone. */
  terminated = false;
  // The context block; a new one for each worker started, so a worker that is going
  // away can never write into its successor's control ring.
  #sab = new SharedArrayBuffer(CONTEXT_BLOCK_BYTES);
  #apiBell = new Doorbell(this.#sab, API_BELL);
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
  #nextSocket = 1;
  #nextPipe = 1;
  #nextReq = 1;
  #started = false;
  readonly #sockets = new Map<number, SocketCore>();
  readonly #lingering = new Set<number>();
  readonly #ringPipes = new Map<
    number,
    { pipe: RingPipe; sab: SharedArrayBuffer; sock: SocketCore }
  >();
  readonly #replies = new Map<number, Reply>();
  readonly #inproc = new InprocNames(() => this.#nextPipe++, () => this.kick());
  readonly #blocks = new PipeBlocks();
  readonly #waiting = new Waiting({
    bell: () => this.#apiBell,
    process: () => this.process(),
    pending: () => this.#control.pending(),
    flush: () => {
      for (const { pipe } of this.#ringPipes.values()) pipe.flush();
    },
    running: () => this.#worker !== null,
    terminated: () => this.terminated,
  });
  readonly #events: ToApi[] = [];
  readonly #wakeWorker = () => {
    // The worker parks in its event loop; a message is the one wake-up that reliably
    // reaches it (see lib/io/loop.ts #park), sent only while it is parked.
    if (this.#workerBell.ring() & WAKE_MESSAGE) this.#worker?.post({ t: "wake" });
  };

  /** Hands messages that did not fit in a ring to the worker (their buffer transferred). */
  readonly #postExt = (b: ExternalBatch) => {
    this.#worker?.post({ t: "ext", ...b }, [b.buf]);
  };

  constructor(opts: ContextOptions = {}) {
    if (opts.ioThreads !== undefined) this.ioThreads = opts.ioThreads;
    if (opts.maxSockets !== undefined) this.maxSockets = opts.maxSockets;
    if (opts.linger !== undefined) this.#linger = opts.linger;
    this.#workerSource = opts.workerSource ?? "auto";
  }

  readonly #workerSource: WorkerSource;
  #linger: number | undefined;

  /** Number of live sockets (closed ones count until they finished lingering). */
  get liveSockets(): number {
    let n = this.#lingering.size;
    for (const s of this.#sockets.values()) if (!s.closed) n++;
    return n;
  }

  /** `xs_socket`: a socket, or an errno. */
  socket(type: number): SocketCore | number {
    if (this.terminating) return C.ETERM;
    this.#started = true;
    if (this.liveSockets >= this.maxSockets) return C.EMFILE;
    const info = Number.isInteger(type) ? PROTOCOLS[type] : undefined;
    if (!info) return C.EINVAL;
    const s = new SocketCore(this, this.#nextSocket++, info);
    if (this.#linger !== undefined && info.defaults?.linger === undefined) {
      s.options.linger = this.#linger;
    }
    this.#sockets.set(s.id, s);
    return s;
  }

  /** True once the first socket was made (context options are frozen then). */
  get started(): boolean {
    return this.#started;
  }

  // ---------------------------------------------------------------- worker

  #ensureWorker(): WorkerHandle {
    if (!this.#worker) {
      if (this.#workerStart !== 0) {
        this.#sab = new SharedArrayBuffer(CONTEXT_BLOCK_BYTES);
        this.#apiBell = new Doorbell(this.#sab, API_BELL);
        this.#workerBell = new Doorbell(this.#sab, WORKER_BELL);
        this.#control = new ControlReader(controlPlace(this.#sab));
      }
      this.#workerStart = performance.now();
      this.#worker = startIoWorker((msg) => this.#onWorkerMessage(msg), this.#workerSource);
      this.#worker.post({ t: "init", sab: this.#sab });
      this.#startTimer = setTimeout(() => {
        this.#startTimer = undefined;
        if (this.#workerState() === 0) {
          this.#workerFailed(`it did not start within ${WORKER_START_MS} ms`);
        }
      }, WORKER_START_MS);
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

  /** Why the last worker failed (for the sync path, which cannot hear its messages). */
  #lastFailure = "";

  #onWorkerMessage(msg: WorkerNote): void {
    if (msg.t === "wake") {
      this.process();
      this.#waiting.woken();
    } else if (msg.t === "ready") {
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

  /**
   * With no socket left (none open, none lingering) the worker stops, so that it does not
   * keep the process alive (a Deno web Worker has no `unref()`); the next
   * tcp/ipc bind or connect starts a new one.
   */
  #maybeStopWorker(): void {
    if (!this.#worker || this.liveSockets > 0 || this.#asyncReplies.size > 0) return;
    if (this.#control.pending()) return;
    clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
    this.#worker.terminate();
    this.#worker = null;
    this.#blocks.workerGone();
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
  request(cmd: BindCommand): Reply {
    const req = this.#nextReq++;
    this.post({ ...cmd, req });
    for (;;) {
      const up = this.#workerState();
      if (up === WORKER_FAILED) this.#workerFailed("it could not load its runtime adapter");
      if (!this.#worker) return { t: "reply", req, errno: C.EMTHREAD, error: this.#lastFailure };
      const deadline = up === WORKER_UP ? Infinity : this.#workerStart + WORKER_START_MS;
      const got = this.waitSync(
        deadline,
        () => this.#replies.has(req) || this.#workerState() !== up,
      );
      if (this.#replies.has(req)) break;
      if (!got) this.#workerFailed(`it did not start within ${WORKER_START_MS} ms`);
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
  requestAsync(cmd: BindCommand): Promise<Reply> {
    const req = this.#nextReq++;
    const p = new Promise<Reply>((resolve, reject) => {
      this.#asyncReplies.set(req, { resolve, reject });
    });
    this.post({ ...cmd, req });
    return p;
  }

  /** The socket no longer uses `pipe` (detached, or its socket closed). */
  pipeReleased(pipe: Pipe): void {
    if (pipe instanceof RingPipe) this.#blocks.release(pipe.id, "api");
  }

  /** Makes a pipe block and the API end of a worker-served pipe. */
  newRingPipe(sndhwm: number, rcvhwm: number, sock?: SocketCore): RingPipe {
    const id = this.#nextPipe++;
    const sab = this.#blocks.take(id);
    const places = pipePlaces(sab, PIPE_RING_BYTES, PIPE_RING_BYTES);
    // The IN ring's limit is our receive HWM; the worker enforces it as producer.
    new Int32Array(sab)[(places.in.header >> 2) + R_HWM] = rcvhwm;
    const pipe = new RingPipe(id, places.out, places.in, sndhwm, this.#wakeWorker, this.#postExt);
    this.#ringPipes.set(id, { pipe, sab, sock: sock! });
    return pipe;
  }

  /** The shared block of a ring pipe (to hand to the worker). */
  pipeBlock(id: number): SharedArrayBuffer {
    return this.#ringPipes.get(id)!.sab;
  }

  // ---------------------------------------------------------------- events

  /** Processes worker events if any are waiting (one atomic load when none). */
  processIfPending(): void {
    if (this.#control.pending()) this.process();
  }

  /** Reads the control ring and acts on every event. */
  process(): void {
    const ev = this.#events;
    if (this.#control.pending()) {
      if (this.#control.drain(ev)) this.#wakeWorker();
      for (let i = 0; i < ev.length; i++) this.#handle(ev[i]);
      ev.length = 0;
    }
  }

  #handle(e: ToApi): void {
    switch (e.t) {
      case "reply": {
        const w = this.#asyncReplies.get(e.req);
        if (w) {
          this.#asyncReplies.delete(e.req);
          w.resolve(e);
        } else this.#replies.set(e.req, e);
        break;
      }
      case "accept": {
        const sock = this.#sockets.get(e.sock);
        if (!sock || sock.closed || !sock.hasEndpoint(e.ep)) {
          this.post({ t: "refuse", conn: e.conn });
          break;
        }
        const [snd, rcv] = sock.endpointHwms(e.ep);
        const pipe = this.newRingPipe(snd, rcv, sock);
        pipe.peerIdentity = new Uint8Array(e.peerIdentity);
        pipe.peerType = e.peerType;
        pipe.peerVersion = e.version;
        if (!sock.attachPipe(pipe)) {
          this.#ringPipes.delete(pipe.id);
          this.#blocks.forget(pipe.id);
          this.post({ t: "refuse", conn: e.conn });
          break;
        }
        this.post({ t: "pipe", conn: e.conn, pipe: pipe.id, sab: this.pipeBlock(pipe.id) });
        break;
      }
      case "up": {
        const rp = this.#ringPipes.get(e.pipe);
        if (rp) {
          rp.pipe.peerIdentity = new Uint8Array(e.peerIdentity);
          rp.pipe.peerType = e.peerType;
          rp.pipe.peerVersion = e.version;
          rp.pipe.connections++;
          rp.sock?.pipeUp(rp.pipe);
        }
        break;
      }
      case "down":
        // The pipe stays attached while the worker reconnects: messages keep queueing up
        // to the HWM, as upstream's connect-side pipes do. Nothing to change here.
        break;
      case "gone": {
        this.#blocks.release(e.pipe, "worker");
        const rp = this.#ringPipes.get(e.pipe);
        if (rp) {
          this.#ringPipes.delete(e.pipe);
          rp.pipe.terminate();
          rp.sock?.pipeGone(rp.pipe);
        }
        break;
      }
      case "closed":
        for (const id of e.pipes) this.#blocks.release(id, "worker");
        this.#lingering.delete(e.sock);
        this.#sockets.delete(e.sock);
        this.#maybeStopWorker();
        break;
      default:
        e satisfies never;
    }
  }

  // ---------------------------------------------------------------- waiting

  /**
   * Blocks the thread until `cond()` holds or `deadline` (a performance.now() value)
   * passes; returns whether `cond()` held (waiting.ts).
   */
  waitSync(deadline: number, cond: () => boolean): boolean {
    return this.#waiting.waitSync(deadline, cond);
  }

  /** Registers a socket with pending async operations (waiting.ts). */
  watch(s: SocketCore): void {
    this.#waiting.watch(s);
  }

  /** Something happened locally (inproc): re-try pending operations soon. */
  kick(): void {
    this.#waiting.kick();
  }

  /** Schedules a service round on the next macrotask. */
  kickSoon(): void {
    this.#waiting.kickSoon();
  }

  // ---------------------------------------------------------------- inproc

  /** Binds inproc `name` for `s`: 0 or an errno (core/inproc.ts). */
  inprocBind(s: SocketCore, name: string): number {
    return this.#inproc.bind(s, name);
  }

  /** Connects `s` to inproc `name`: 0 or an errno (core/inproc.ts). */
  inprocConnect(s: SocketCore, name: string): number {
    return this.#inproc.connect(s, name);
  }

  // ---------------------------------------------------------------- close / term

  /** A socket was closed: release its names, hand its connections to the worker. */
  socketClosed(s: SocketCore, pipes: Set<Pipe>): void {
    this.#inproc.release(s);
    for (const p of pipes) {
      if (p instanceof InprocPipe) {
        const peer = p.peer;
        if (peer) {
          peer.terminate();
          const owner = this.#ownerOf(peer);
          owner?.pipeGone(peer);
        }
      }
    }
    for (const [id, rp] of this.#ringPipes) {
      if (rp.sock === s || pipes.has(rp.pipe)) {
        this.#ringPipes.delete(id);
        this.#blocks.release(id, "api");
      }
    }
    if (this.#worker) {
      this.#lingering.add(s.id);
      this.post({ t: "close", sock: s.id, linger: s.options.linger, at: Date.now() });
    } else {
      this.#sockets.delete(s.id);
    }
    this.kick();
  }

  #ownerOf(p: InprocPipe): SocketCore | undefined {
    for (const s of this.#sockets.values()) if (s.pipes.has(p)) return s;
    return undefined;
  }

  #beginTerm(): boolean {
    if (this.terminated) return false;
    this.terminating = true;
    for (const s of this.#sockets.values()) {
      s.service();
      if (!s.closed) s.close();
    }
    return true;
  }

  #finishTerm(): void {
    this.terminated = true;
    clearTimeout(this.#startTimer);
    this.#startTimer = undefined;
    this.#waiting.stop();
    if (this.#worker) {
      this.#worker.terminate();
      this.#worker = null;
    }
  }

  /** `xs_term`: blocks until every socket finished lingering, then stops the worker. */
  termSync(): number {
    if (!this.#beginTerm()) return 0;
    this.waitSync(Infinity, () => this.#lingering.size === 0);
    this.#finishTerm();
    return 0;
  }

  /** The async form of `termSync`, for the idiomatic face. */
  async term(): Promise<void> {
    if (!this.#beginTerm()) return;
    for (;;) {
      this.process();
      if (this.#lingering.size === 0) break;
      await this.#waiting.nextWake(50);
    }
    this.#finishTerm();
  }
}
