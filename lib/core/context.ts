/**
 * ContextCore: the engine behind a Crossroads context. It owns every socket, the pipes the
 * I/O workers serve for them and the context's life cycle up to term. Its other parts have
 * their own files: the link to each I/O worker (worker_link.ts), the waiting of the API
 * thread (waiting.ts), the pipe blocks and their pool (blocks.ts) and the inproc name
 * table (inproc.ts).
 *
 * Several I/O workers (`XS_IO_THREADS`, docs/behaviour.md §10.8): each tcp/ipc/ws bind
 * and connect goes to one worker, chosen as upstream's `choose_io_thread` does: the least
 * loaded (binds plus the pipes it serves) among those the socket's `XS_AFFINITY` names
 * (all for 0; none named: EMTHREAD). A bind's accepted connections stay with its worker (a
 * connection cannot move between threads here). Commands about an endpoint go to its
 * worker, a socket's close and monitoring to every worker it used; all workers ring one
 * API doorbell (the bell block, lib/pipe/layout.ts), so a blocked call wakes for any.
 *
 * Life cycle (the one place it is written down, together with lib/io/loop.ts):
 * 1. `new ContextCore()` allocates the context block; no thread yet (xs_init).
 * 2. The first tcp/ipc bind or connect starts an I/O worker and hands it its block.
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
  API_BELL_BLOCK_BYTES,
  Doorbell,
  type Pipe,
  PIPE_RING_BYTES,
  pipePlaces,
  R_HWM,
  type Reply,
  type RequestCommand,
  RingPipe,
  sharedBuffer,
  type ToWorker,
} from "../pipe/mod.ts";
import { PROTOCOLS } from "../protocols/mod.ts";
import { SocketCore, type SocketHost } from "./socket.ts";
import { InprocPipe } from "../transports/inproc.ts";
import { WsPipe } from "../transports/ws_pipe.ts";
import { PipeBlocks } from "./blocks.ts";
import { InprocNames } from "./inproc.ts";
import { Waiting, type Watched } from "./waiting.ts";
import { type LinkEvent, type LinkHooks, WorkerLink, type WorkerSource } from "./worker_link.ts";
import { ZAP_NAME, ZapClient } from "./zap.ts";
import { hasIoWorker } from "../runtime/mod.ts";

/** How long an async `term` waits for this thread's WebSockets to close, ms. */
export const WS_CLOSE_WAIT_MS = 2_000;

/** Options of a context. */
export interface ContextOptions {
  /** XS_IO_THREADS (default 1): how many I/O workers serve the context's connections. */
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
  /** WebSockets served on this thread that are still closing (lib/transports/ws_dial.ts). */
  readonly #closingWs = new Set<Promise<void>>();

  /** True once `term` started: every socket call fails with ETERM. */
  terminating = false;
  /** True once the context is gone. */
  terminated = false;
  /** The context's bell block: the API doorbell every worker rings. */
  readonly #bellBlock = sharedBuffer(API_BELL_BLOCK_BYTES);
  readonly #apiBell = new Doorbell(this.#bellBlock, API_BELL);
  /** The links to the I/O workers, by index (made when first needed). */
  readonly #links: WorkerLink[] = [];
  /** Each link's pipe blocks, by link index. */
  readonly #blocksOf: PipeBlocks[] = [];
  /** The worker of each ring pipe's block, until both sides let go of the block. */
  readonly #blockLink = new Map<number, WorkerLink>();
  /** The worker serving each ring pipe, until that worker let go of it (its load). */
  readonly #served = new Map<number, WorkerLink>();
  /** The worker serving each tcp/ipc/ws endpoint, by `sock:ep`; binds count as load. */
  readonly #epLink = new Map<string, { link: WorkerLink; bind: boolean }>();
  /** The workers each socket used (its close and monitoring go to each). */
  readonly #sockLinks = new Map<number, Set<WorkerLink>>();
  /** ZAP requests in flight: our number → the worker that asked, and its number. */
  readonly #zapAsks = new Map<number, { link: WorkerLink; zap: number }>();
  #nextZap = 1;
  readonly #linkHooks: Omit<LinkHooks, "bell" | "stopped">;
  #nextSocket = 1;
  #nextPipe = 1;
  #started = false;
  readonly #sockets = new Map<number, SocketCore>();
  /** Closed sockets still lingering, with the workers that have not reported `closed`. */
  readonly #lingering = new Map<number, Set<WorkerLink>>();
  readonly #ringPipes = new Map<
    number,
    { pipe: RingPipe; sab: SharedArrayBuffer; sock: SocketCore }
  >();
  readonly #inproc = new InprocNames(() => this.#nextPipe++, () => this.kick());
  readonly #waiting = new Waiting({
    bell: () => this.#apiBell,
    process: () => {
      for (const l of this.#links) l.process();
      // A handler's ZAP replies are local (inproc): a blocking C-face call takes them too.
      this.#zap.service();
    },
    pending: () => this.#links.some((l) => l.pending()),
    flush: () => {
      for (const { pipe } of this.#ringPipes.values()) pipe.flush();
    },
    running: () => this.#links.some((l) => l.running),
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
    this.#linkHooks = {
      source: opts.workerSource ?? "auto",
      startMs: opts.workerStartMs,
      event: (e, link) => this.#event(e, link),
      woken: () => {
        this.process();
        this.#waiting.woken();
      },
      waitSync: (deadline, cond) => this.#waiting.waitSync(deadline, cond),
    };
  }

  /**
   * The link to worker `i`. The first use makes one link per I/O thread (each starts its
   * worker only when a command is sent to it).
   */
  #link(i: number): WorkerLink {
    if (this.#links.length === 0) {
      const n = this.ioWorkers;
      for (let j = 0; j < n; j++) {
        const blocks = new PipeBlocks();
        this.#blocksOf.push(blocks);
        const l: WorkerLink = new WorkerLink({
          ...this.#linkHooks,
          bell: this.#bellBlock,
          stopped: () => {
            for (const id of blocks.workerGone()) this.#blockLink.delete(id);
            for (const [id, sl] of this.#served) if (sl === l) this.#served.delete(id);
          },
        }, j);
        this.#links.push(l);
      }
    }
    return this.#links[i]!;
  }

  /** How many I/O workers this context has (XS_IO_THREADS when the first socket was made). */
  get ioWorkers(): number {
    return this.#links.length || Math.max(1, this.ioThreads);
  }

  /** True if a socket with `affinity` (XS_AFFINITY) may use some worker of this context. */
  hasIoThread(affinity: bigint): boolean {
    if (affinity === 0n) return true;
    for (let i = 0; i < this.ioWorkers && i < 64; i++) {
      if ((affinity >> BigInt(i)) & 1n) return true;
    }
    return false;
  }

  /**
   * The worker for a new endpoint of a socket with `affinity`: the least loaded of those the
   * mask names (bit i: worker i; 0: all), the lowest index on a tie; null if it names none.
   */
  #choose(affinity: bigint): WorkerLink | null {
    const n = this.ioWorkers;
    let best = -1;
    let bestLoad = Infinity;
    const load = n > 1 ? this.workerLoads : [0];
    for (let i = 0; i < n && i < 64; i++) {
      if (affinity !== 0n && ((affinity >> BigInt(i)) & 1n) === 0n) continue;
      if (load[i]! < bestLoad) {
        best = i;
        bestLoad = load[i]!;
      }
    }
    return best < 0 ? null : this.#link(best);
  }

  /** The load of each worker (binds plus the pipes it serves): what `#choose` weighs. */
  get workerLoads(): number[] {
    const load = new Array<number>(this.ioWorkers).fill(0);
    for (const l of this.#served.values()) load[l.index]!++;
    for (const e of this.#epLink.values()) if (e.bind) load[e.link.index]!++;
    return load;
  }

  /** Pipe blocks in use and pooled, over all workers (for tests and figures). */
  get blockCounts(): { inUse: number; free: number } {
    let inUse = 0, free = 0;
    for (const b of this.#blocksOf) {
      inUse += b.counts.inUse;
      free += b.counts.free;
    }
    return { inUse, free };
  }

  /** How many I/O workers run now (for tests and figures). */
  get runningWorkers(): number {
    return this.#links.filter((l) => l.running).length;
  }

  #usedBy(sock: number, link: WorkerLink): void {
    let set = this.#sockLinks.get(sock);
    if (!set) this.#sockLinks.set(sock, set = new Set());
    set.add(link);
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

  // ---------------------------------------------------------------- the workers (worker_link.ts)

  /**
   * Sends a command to the worker it concerns (starting it if needed): a connect to the
   * worker of its pipe, a shutdown to its endpoint's, a close or monitoring switch to every
   * worker the socket used, a ZAP answer to the worker that asked.
   */
  post(cmd: ToWorker): void {
    switch (cmd.t) {
      case "connect": {
        const link = this.#served.get(cmd.pipe) ?? this.#link(0);
        this.#epLink.set(`${cmd.sock}:${cmd.ep}`, { link, bind: false });
        this.#usedBy(cmd.sock, link);
        return link.post(cmd);
      }
      case "shutdown": {
        const key = `${cmd.sock}:${cmd.ep}`;
        const e = this.#epLink.get(key);
        this.#epLink.delete(key);
        return e?.link.post(cmd);
      }
      case "monitor":
        for (const l of this.#sockLinks.get(cmd.sock) ?? []) l.post(cmd);
        return;
      case "zap": {
        const ask = this.#zapAsks.get(cmd.zap);
        this.#zapAsks.delete(cmd.zap);
        return ask?.link.post({ ...cmd, zap: ask.zap });
      }
      default:
        return this.#link(0).post(cmd);
    }
  }

  /**
   * Resolves once the workers started so far are up (starting the first if none is),
   * without blocking the thread; rejects with `{ errno: EMTHREAD, error }` if one cannot
   * start.
   */
  async workerUp(): Promise<void> {
    const live = this.#links.filter((l) => l.running);
    if (live.length === 0) return this.#link(0).workerUp();
    await Promise.all(live.map((l) => l.workerUp()));
  }

  /** A bind goes to the chosen worker; a name check to any running one (else the first). */
  #requestLink(cmd: RequestCommand): WorkerLink | Reply {
    if (cmd.t !== "bind") return this.#links.find((l) => l.running) ?? this.#link(0);
    const sock = this.#sockets.get(cmd.sock);
    const link = this.#choose(sock?.options.affinity ?? 0n);
    if (!link) {
      return {
        t: "reply",
        req: 0,
        errno: C.EMTHREAD,
        error: `XS_AFFINITY names none of the context's ${this.ioWorkers} I/O threads`,
      };
    }
    this.#epLink.set(`${cmd.sock}:${cmd.ep}`, { link, bind: true });
    this.#usedBy(cmd.sock, link);
    return link;
  }

  #requestDone(cmd: RequestCommand, r: Reply): Reply {
    if (cmd.t === "bind" && r.errno) this.#epLink.delete(`${cmd.sock}:${cmd.ep}`);
    return r;
  }

  /**
   * Sends a command and blocks until the worker's reply; returns the reply event, or
   * `{ errno: EMTHREAD, error }` if the worker could not start within a second.
   */
  request(cmd: RequestCommand): Reply {
    const link = this.#requestLink(cmd);
    if (!(link instanceof WorkerLink)) return link;
    return this.#requestDone(cmd, link.request(cmd));
  }

  /** Sends a command; resolves with the worker's reply without blocking the thread. */
  async requestAsync(cmd: RequestCommand): Promise<Reply> {
    const link = this.#requestLink(cmd);
    if (!(link instanceof WorkerLink)) return link;
    return this.#requestDone(cmd, await link.requestAsync(cmd));
  }

  /** Processes worker events if any are waiting (one atomic load per worker when none). */
  processIfPending(): void {
    for (const l of this.#links) if (l.pending()) l.process();
  }

  /** Reads every worker's control ring and acts on every event. */
  process(): void {
    for (const l of this.#links) l.process();
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
    if (pipe instanceof RingPipe) this.#releaseBlock(pipe.id, "api");
  }

  /** One side let go of ring pipe `id`'s block (the worker's side: that worker is done). */
  #releaseBlock(id: number, side: "api" | "worker"): void {
    const link = this.#blockLink.get(id);
    if (!link) return;
    if (side === "worker") this.#served.delete(id);
    if (this.#blocksOf[link.index]!.release(id, side)) this.#blockLink.delete(id);
  }

  /**
   * Makes a pipe block and the API end of a worker-served pipe, served by `link` (an
   * accepted connection: its listener's worker) or, for a connect, by the worker chosen
   * for `sock`'s affinity.
   */
  newRingPipe(sndhwm: number, rcvhwm: number, sock?: SocketCore, at?: WorkerLink): RingPipe {
    const link = at ?? this.#choose(sock?.options.affinity ?? 0n) ?? this.#link(0);
    const id = this.#nextPipe++;
    const sab = this.#blocksOf[link.index]!.take(id);
    this.#blockLink.set(id, link);
    this.#served.set(id, link);
    const places = pipePlaces(sab, PIPE_RING_BYTES, PIPE_RING_BYTES);
    // The IN ring's limit is our receive HWM; the worker enforces it as producer.
    new Int32Array(sab)[(places.in.header >> 2) + R_HWM] = rcvhwm;
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

  /** Acts on one event of `link`'s worker (replies are the link's). */
  #event(e: LinkEvent, link: WorkerLink): void {
    switch (e.t) {
      case "accept": {
        const sock = this.#sockets.get(e.sock);
        if (!sock || sock.closed || !sock.hasEndpoint(e.ep)) {
          link.post({ t: "refuse", conn: e.conn });
          break;
        }
        const [snd, rcv] = sock.endpointHwms(e.ep);
        const pipe = this.newRingPipe(snd, rcv, sock, link);
        pipe.peerIdentity = new Uint8Array(e.peerIdentity);
        pipe.peerType = e.peerType;
        pipe.peerVersion = e.version;
        if (e.properties) pipe.properties = e.properties;
        if (!sock.attachPipe(pipe)) {
          this.#ringPipes.delete(pipe.id);
          this.#blocksOf[link.index]!.forget(pipe.id);
          this.#blockLink.delete(pipe.id);
          this.#served.delete(pipe.id);
          link.post({ t: "refuse", conn: e.conn });
          break;
        }
        link.post({ t: "pipe", conn: e.conn, pipe: pipe.id, sab: this.pipeBlock(pipe.id) });
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
        this.#releaseBlock(e.pipe, "worker");
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
      case "zap": {
        const zap = this.#nextZap++;
        this.#zapAsks.set(zap, { link, zap: e.zap });
        this.#zap.ask({ ...e, zap });
        break;
      }
      case "closed": {
        for (const id of e.pipes) this.#releaseBlock(id, "worker");
        for (const [key, ep] of this.#epLink) {
          if (ep.link === link && key.startsWith(`${e.sock}:`)) this.#epLink.delete(key);
        }
        const waiting = this.#lingering.get(e.sock);
        waiting?.delete(link);
        if (waiting?.size) break; // another worker still lingers for it
        this.#lingering.delete(e.sock);
        this.#sockets.delete(e.sock);
        this.#sockLinks.delete(e.sock);
        const live = this.liveSockets;
        for (const l of this.#links) l.stopIfIdle(live);
        break;
      }
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
        this.#releaseBlock(id, "api");
      }
    }
    const links = [...this.#sockLinks.get(s.id) ?? []].filter((l) => l.running);
    if (links.length > 0) {
      this.#lingering.set(s.id, new Set(links));
      const cmd = { t: "close", sock: s.id, linger: s.options.linger, at: Date.now() } as const;
      for (const l of links) l.post(cmd);
    } else {
      this.#sockets.delete(s.id);
      this.#sockLinks.delete(s.id);
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
    for (const l of this.#links) l.terminate();
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

  closing(closed: Promise<void>): void {
    const p = closed.finally(() => this.#closingWs.delete(p));
    this.#closingWs.add(p);
  }

  /**
   * The async form of `termSync`, for the idiomatic face. It also waits, at most
   * {@linkcode WS_CLOSE_WAIT_MS}, for this thread's WebSockets to finish their closing
   * handshake, so none outlives the context (`xs_term`, blocking, cannot wait for them).
   */
  async term(): Promise<void> {
    if (!this.#beginTerm()) return;
    for (;;) {
      this.process();
      if (this.#lingering.size === 0) break;
      await this.#waiting.nextWake(50);
    }
    if (this.#closingWs.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(this.#closingWs),
        new Promise<void>((res) => timer = setTimeout(res, WS_CLOSE_WAIT_MS)),
      ]);
      clearTimeout(timer);
    }
    this.#finishTerm();
  }
}
