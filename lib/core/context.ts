/**
 * ContextCore: the engine behind a Crossroads context. It owns every socket, the pipes the
 * I/O worker serves for them and the context's life cycle up to term. Its other parts have
 * their own files: the link to the I/O worker (worker_link.ts), the waiting of the API
 * thread (waiting.ts), the pipe blocks and their pool (blocks.ts) and the inproc name
 * table (inproc.ts).
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
  type Pipe,
  PIPE_RING_BYTES,
  pipePlaces,
  R_HWM,
  type Reply,
  type RequestCommand,
  RingPipe,
  type ToWorker,
} from "../pipe/mod.ts";
import { PROTOCOLS } from "../protocols/mod.ts";
import { SocketCore, type SocketHost } from "./socket.ts";
import { InprocPipe } from "../transports/inproc.ts";
import { WsPipe } from "../transports/ws_pipe.ts";
import { PipeBlocks } from "./blocks.ts";
import { InprocNames } from "./inproc.ts";
import { Waiting, type Watched } from "./waiting.ts";
import { type LinkEvent, WorkerLink, type WorkerSource } from "./worker_link.ts";
import { ZAP_NAME, ZapClient } from "./zap.ts";
import { hasIoWorker } from "../runtime/mod.ts";

/** Options of a context. */
export interface ContextOptions {
  /** XS_IO_THREADS (default 1). One worker serves all connections for now. */
  ioThreads?: number | undefined;
  /** XS_MAX_SOCKETS (default 512). */
  maxSockets?: number | undefined;
  /**
   * Default `XS_LINGER` of new sockets in ms (-1 forever, the Crossroads default); types
   * with a default of their own (SUB/XSUB: 0) keep it.
   */
  linger?: number | undefined;
  /** Where the I/O worker starts from (tests force "bundle"; see runtime/worker.ts). */
  workerSource?: WorkerSource | undefined;
  /** How long the I/O worker may take to start, ms (default 10 000; tests shorten it). */
  workerStartMs?: number | undefined;
  /**
   * Who serves ws:// connects: the I/O worker ("worker", the default where one can run:
   * every mechanism, queueing before the connection) or this thread with the platform's
   * standard WebSocket ("thread", the default in a browser; bare ZWS2.0, NULL only).
   */
  webSocket?: "worker" | "thread" | undefined;
}

/** The engine-side context. */
export class ContextCore implements SocketHost {
  maxSockets = 512;
  ioThreads = 1;
  /** True once `term` started: every socket call fails with ETERM. */
  terminating = false;
  /** True once the context is gone. */
  terminated = false;
  readonly #link: WorkerLink;
  #nextSocket = 1;
  #nextPipe = 1;
  #started = false;
  readonly #sockets = new Map<number, SocketCore>();
  readonly #lingering = new Set<number>();
  readonly #ringPipes = new Map<
    number,
    { pipe: RingPipe; sab: SharedArrayBuffer; sock: SocketCore }
  >();
  readonly #inproc = new InprocNames(() => this.#nextPipe++, () => this.kick());
  readonly #blocks = new PipeBlocks();
  readonly #waiting = new Waiting({
    bell: () => this.#link.apiBell,
    process: () => {
      this.#link.process();
      // A handler's ZAP replies are local (inproc): a blocking C-face call takes them too.
      this.#zap.service();
    },
    pending: () => this.#link.pending(),
    flush: () => {
      for (const { pipe } of this.#ringPipes.values()) pipe.flush();
    },
    running: () => this.#link.running,
    terminated: () => this.terminated,
  });
  #linger: number | undefined;
  /** ws:// connects are served on this thread (ContextOptions.webSocket). */
  readonly wsOnThread: boolean;
  readonly #zap = new ZapClient({
    handlerBound: () => this.#inproc.isBound(ZAP_NAME),
    dealer: () => {
      const d = new SocketCore(this, this.#nextSocket++, PROTOCOLS[C.XS_XREQ]!);
      if (this.#inproc.connect(d, ZAP_NAME) !== 0) {
        d.close();
        return null;
      }
      return d;
    },
    watch: (w) => this.#waiting.watch(w),
    post: (cmd) => this.post(cmd),
  });

  constructor(opts: ContextOptions = {}) {
    if (opts.ioThreads !== undefined) this.ioThreads = opts.ioThreads;
    if (opts.maxSockets !== undefined) this.maxSockets = opts.maxSockets;
    if (opts.linger !== undefined) this.#linger = opts.linger;
    this.wsOnThread = opts.webSocket === "thread" ||
      (opts.webSocket === undefined && !hasIoWorker());
    this.#link = new WorkerLink({
      source: opts.workerSource ?? "auto",
      startMs: opts.workerStartMs,
      event: (e) => this.#event(e),
      woken: () => this.#waiting.woken(),
      waitSync: (deadline, cond) => this.#waiting.waitSync(deadline, cond),
      stopped: () => this.#blocks.workerGone(),
    });
  }

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
    if (this.liveSockets >= this.maxSockets) {
      // Sockets that finished lingering may be reported in events not taken in yet.
      this.processIfPending();
      if (this.liveSockets >= this.maxSockets) return C.EMFILE;
    }
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

  // ---------------------------------------------------------------- the worker (worker_link.ts)

  /** Sends a command to the worker (starting it if needed). */
  post(cmd: ToWorker): void {
    this.#link.post(cmd);
  }

  /**
   * Starts the worker if needed and resolves once it is up, without blocking the thread;
   * rejects with `{ errno: EMTHREAD, error }` if it cannot start (within a second).
   */
  workerUp(): Promise<void> {
    return this.#link.workerUp();
  }

  /**
   * Sends a command and blocks until the worker's reply; returns the reply event, or
   * `{ errno: EMTHREAD, error }` if the worker could not start within a second.
   */
  request(cmd: RequestCommand): Reply {
    return this.#link.request(cmd);
  }

  /** Sends a command; resolves with the worker's reply without blocking the thread. */
  requestAsync(cmd: RequestCommand): Promise<Reply> {
    return this.#link.requestAsync(cmd);
  }

  /** Processes worker events if any are waiting (one atomic load when none). */
  processIfPending(): void {
    if (this.#link.pending()) this.#link.process();
  }

  /** Reads the control ring and acts on every event. */
  process(): void {
    this.#link.process();
  }

  // ---------------------------------------------------------------- waiting (waiting.ts)

  /**
   * Blocks the thread until `cond()` holds or `deadline` (a performance.now() value)
   * passes; returns whether `cond()` held. Used by every blocking call of the C face.
   */
  waitSync(deadline: number, cond: () => boolean): boolean {
    return this.#waiting.waitSync(deadline, cond);
  }

  /** Registers a socket with pending async operations. */
  watch(s: Watched): void {
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

  // ---------------------------------------------------------------- pipes

  /** A fresh pipe id. */
  newPipeId(): number {
    return this.#nextPipe++;
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
    const link = this.#link;
    const pipe = new RingPipe(
      id,
      places.out,
      places.in,
      sndhwm,
      link.wakeWorker,
      link.postExt,
      link.buffers,
    );
    this.#ringPipes.set(id, { pipe, sab, sock: sock! });
    return pipe;
  }

  /** The shared block of a ring pipe (to hand to the worker). */
  pipeBlock(id: number): SharedArrayBuffer {
    return this.#ringPipes.get(id)!.sab;
  }

  /** Acts on one worker event (replies are the link's). */
  #event(e: LinkEvent): void {
    switch (e.t) {
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
        if (e.properties) pipe.properties = e.properties;
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
          rp.pipe.properties = e.properties ?? null;
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
      case "monitor":
        this.#sockets.get(e.sock)?.monitorEvent(e.ev);
        break;
      case "zap":
        this.#zap.ask(e);
        break;
      case "closed":
        for (const id of e.pipes) this.#blocks.release(id, "worker");
        this.#lingering.delete(e.sock);
        this.#sockets.delete(e.sock);
        this.#link.stopIfIdle(this.liveSockets);
        break;
      default:
        e satisfies never;
    }
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
    if (this.#inproc.ownerOf(ZAP_NAME) === s) this.#zap.reset();
    this.#inproc.release(s);
    for (const p of pipes) {
      // A mounted WebSocket's peer goes with its socket (lib/transports/ws_pipe.ts).
      if (p instanceof WsPipe) p.close();
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
    if (this.#link.running) {
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
    this.#waiting.stop();
    this.#link.terminate();
  }

  /** `xs_term`: blocks until every socket finished lingering, then stops the worker. */
  termSync(): number {
    if (!this.#beginTerm()) return 0;
    this.waitSync(Infinity, () => this.#lingering.size === 0);
    this.#finishTerm();
    return 0;
  }

  /** Sets linger 0 on every open socket: a later term drops what they still queue. */
  dropQueued(): void {
    for (const s of this.#sockets.values()) if (!s.closed) s.setOption(C.XS_LINGER, 0);
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
