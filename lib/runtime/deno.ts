/**
 * The Deno adapter of the runtime contract: tcp and unix streams on Deno's native
 * `Deno.listen` / `Deno.connect` (faster than `node:net` on Deno, and usable in a Worker),
 * and TLS ones on `Deno.listenTls` / `Deno.startTls` (the same `DenoStream` over a
 * `Deno.TlsConn`).
 *
 * - Reads: one long-lived read loop per connection into one 64 KiB buffer allocated with
 *   the connection; each chunk is a view of that buffer, valid only during `data()`.
 * - Writes: `conn.write` keeps a reference to the bytes (zero-copy, SharedArrayBuffer views
 *   accepted) and may take only part of them; the rest is written from the same view.
 * - `closed()` is emitted by the read loop only, after every pending op of the connection
 *   has settled, so Deno's op sanitizer sees nothing pending once it has been called.
 *
 * Runs on: I/O worker.
 */
import {
  handshakeBound,
  hostPort,
  netError as commonNetError,
  offer,
  resolveHost,
} from "./_common.ts";
import type {
  AcceptFn,
  Listener,
  NetError,
  NetInterface,
  Runtime,
  StreamConn,
  StreamHandlers,
  TcpOptions,
} from "./runtime.ts";

/** Size of the per-connection read buffer: one kernel socket buffer's worth per read. */
const READ_BUFFER = 256 * 1024;
/**
 * Read buffers of ended connections, for the next ones: a fresh 256 KiB buffer per
 * connection is freed only when the worker's GC runs, which under connection churn is
 * late (hundreds of MB). A buffer is pooled only when its connection's read loop ended.
 */
const readBuffers: Uint8Array[] = [];
const READ_BUFFERS_KEPT = 64;
/**
 * A connection starts reading into a small buffer and moves to a `READ_BUFFER` one only
 * once a read filled it: short-lived and quiet connections (most under churn) cost 16 KiB.
 */
const SMALL_READ = 16 * 1024;
const smallBuffers: Uint8Array[] = [];
const SMALL_BUFFERS_KEPT = 4096;

/** Deno error classes, tried in order when an error carries no errno `code`. */
const CODES: [new (...a: never[]) => Error, string][] = [
  [Deno.errors.AddrInUse, "EADDRINUSE"],
  [Deno.errors.ConnectionRefused, "ECONNREFUSED"],
  [Deno.errors.AddrNotAvailable, "EADDRNOTAVAIL"],
  [Deno.errors.PermissionDenied, "EACCES"],
  [Deno.errors.NotCapable, "EACCES"],
  [Deno.errors.NotFound, "ENOENT"],
  [Deno.errors.ConnectionReset, "ECONNRESET"],
  [Deno.errors.ConnectionAborted, "ECONNABORTED"],
  [Deno.errors.BrokenPipe, "EPIPE"],
  [Deno.errors.TimedOut, "ETIMEDOUT"],
  [Deno.errors.InvalidData, "EINVAL"],
];

/** The host's interfaces (`Deno.networkInterfaces`; its `sys` permission, else EACCES). */
function interfaces(): NetInterface[] {
  let list: Deno.NetworkInterfaceInfo[];
  try {
    list = Deno.networkInterfaces();
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      const err = new Error(
        "cannot list the network interfaces: Deno has no sys permission: run with --allow-sys " +
          "or --allow-sys=networkInterfaces",
      ) as NetError;
      err.code = "EACCES";
      throw err;
    }
    throw netError(e, "cannot list the network interfaces");
  }
  return list.map((i) => ({ name: i.name, address: i.address, ipv6: i.family === "IPv6" }));
}

/**
 * Why Deno would refuse net access to `host:port` (port 0: the host at any port), naming
 * the flag that allows it; null if it is granted.
 */
function netDenied(host: string, port: number): string | null {
  const h = host.includes(":") ? `[${host}]` : host;
  const target = port > 0 ? `${h}:${port}` : h;
  let state: string;
  try {
    state = Deno.permissions.querySync({ name: "net", host: target }).state;
  } catch {
    return null; // a host Deno cannot name in a query: the call itself will tell
  }
  return state === "granted"
    ? null
    : `Deno has no net permission for ${target}: run with --allow-net (or --allow-net=${h})`;
}

/** Wraps any Deno error as a {@linkcode NetError} carrying a POSIX errno name. */
function netError(e: unknown, what: string): NetError {
  // NotCapable is Deno's permission system; PermissionDenied with an OS `code` is the OS
  // refusing (EACCES for a privileged port, EPERM for a socket file on sysfs), kept as it is.
  const os = e instanceof Deno.errors.PermissionDenied && typeof (e as NetError).code === "string";
  if (!os && (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied)) {
    const err = new Error(`${what}: Deno has no net permission: run with --allow-net`) as NetError;
    err.code = "EACCES";
    return err;
  }
  // Deno 2 sets `code` on most OS errors; the class map covers the ones that do not.
  return commonNetError(e, what, (src) => CODES.find(([cls]) => src instanceof cls)?.[1]);
}

/** "host:port" (brackets around IPv6 hosts), or the unix path. */
function addrText(a: Deno.Addr, fallback: string): string {
  if (a.transport === "tcp" || a.transport === "udp") return hostPort(a.hostname, a.port);
  return (a as Deno.UnixAddr).path || fallback;
}

/** Applies the tcp options; both calls are cheap setsockopt(2)s done once per connection. */
function tuneTcp(conn: Deno.Conn, opts: TcpOptions | undefined) {
  const tcp = conn as Deno.TcpConn;
  try {
    // Small ZMTP frames must not wait for Nagle; the engine batches writes itself.
    tcp.setNoDelay(true);
    if (opts?.keepalive) tcp.setKeepAlive(true);
  } catch { /* the peer may already be gone; the read loop reports it */ }
}

/** One connected stream over a `Deno.Conn`. */
class DenoStream implements StreamConn {
  readonly remote: string;
  #conn: Deno.Conn;
  #h: StreamHandlers | null = null;
  #paused = false;
  /** Resolves the read loop's wait while paused; null when it is not waiting. */
  #wake: (() => void) | null = null;
  /** close() was called or the stream failed: no more handler calls except `closed`. */
  #closing = false;
  #connClosed = false;
  #readDone = false;
  #writing = false;
  #done = false;
  #err: Error | undefined;
  /** The write in flight and how much of it the OS has taken. */
  #wbuf: Uint8Array | null = null;
  #woff = 0;
  // Bound once per connection so a write allocates nothing but Deno's own promise and `then`.
  #onWrote = (n: number) => this.#wrote(n);
  #onWriteFail = (e: unknown) => this.#writeFailed(e);

  constructor(conn: Deno.Conn, remote: string) {
    this.#conn = conn;
    this.remote = remote;
  }

  /** Attaches the engine's handlers and starts reading; called once. */
  attach(h: StreamHandlers): this {
    this.#h = h;
    this.#readLoop();
    return this;
  }

  write(bytes: Uint8Array): void {
    if (this.#closing) return; // closed() is on its way; the contract says write never throws
    this.#writing = true;
    this.#wbuf = bytes;
    this.#woff = 0;
    if (bytes.length === 0) {
      queueMicrotask(() => this.#wrote(0));
      return;
    }
    this.#conn.write(bytes).then(this.#onWrote, this.#onWriteFail);
  }

  #wrote(n: number) {
    const buf = this.#wbuf!;
    this.#woff += n;
    if (this.#closing) return this.#writeEnded();
    if (this.#woff < buf.length) {
      // Partial write (socket buffer full): continue from a view, still zero-copy.
      this.#conn.write(buf.subarray(this.#woff)).then(this.#onWrote, this.#onWriteFail);
      return;
    }
    this.#writeEnded();
    this.#h!.written();
  }

  #writeFailed(e: unknown) {
    // A write cancelled by our own close() is not an error of the stream.
    if (!this.#closing) this.#fail(netError(e, "write failed"));
    this.#writeEnded();
  }

  #writeEnded() {
    this.#writing = false;
    this.#wbuf = null; // drop the reference so a ring slot is not pinned
    this.#settle();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#closeConn();
  }

  /** Records the first error and tears the connection down. */
  #fail(err: Error) {
    this.#err ??= err;
    this.#closing = true;
    this.#closeConn();
  }

  #closeConn() {
    if (!this.#connClosed) {
      this.#connClosed = true;
      // Cancels a pending read/write: they reject with Interrupted/BadResource.
      try {
        this.#conn.close();
      } catch { /* already closed by Deno */ }
    }
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  async #readLoop() {
    const conn = this.#conn;
    let buf = smallBuffers.pop() ?? new Uint8Array(SMALL_READ);
    try {
      for (;;) {
        // Not reading is what makes the kernel window fill: this is how backpressure
        // reaches TCP. One promise per pause, not per chunk.
        while (this.#paused && !this.#closing) await this.#whileResumed();
        if (this.#closing) break;
        const n = await conn.read(buf);
        if (n === null || this.#closing) break;
        // pause() may have come while the read was pending: the chunk waits in `buf`.
        while (this.#paused && !this.#closing) await this.#whileResumed();
        if (this.#closing) break;
        // A full read hands out the buffer itself: no view object on the bulk path.
        this.#h!.data(n === buf.length ? buf : buf.subarray(0, n));
        if (n === buf.length && buf.length === SMALL_READ) {
          // A busy connection: move to a large buffer. The small one is not pooled here, as
          // a paused session may still hold a view of its last chunk.
          buf = readBuffers.pop() ?? new Uint8Array(READ_BUFFER);
        }
      }
    } catch (e) {
      if (!this.#closing) this.#err ??= netError(e, "read failed");
    }
    // No read op is pending now (the loop awaited each one): the buffer may serve again.
    if (buf.length === SMALL_READ) {
      if (smallBuffers.length < SMALL_BUFFERS_KEPT) smallBuffers.push(buf);
    } else if (readBuffers.length < READ_BUFFERS_KEPT) readBuffers.push(buf);
    this.#readDone = true;
    this.#closing = true;
    this.#closeConn();
    this.#settle();
  }

  /** Resolves on resume() or teardown. */
  #whileResumed(): Promise<void> {
    if (this.#closing) return Promise.resolve();
    return new Promise<void>((r) => (this.#wake = r));
  }

  /** Emits `closed` once the read loop has ended and no write op is pending. */
  #settle() {
    if (this.#done || !this.#readDone || this.#writing) return;
    this.#done = true;
    this.#h!.closed(this.#err);
  }
}

/** A listener plus its accept loop. */
class DenoListener implements Listener {
  readonly port: number;
  #l: Deno.Listener;
  #path: string | null;
  #closed = false;
  /**
   * Settles when the accept loop has ended after `close()`. Only then has Deno dropped the
   * fd: until the pending accept op is cancelled the port stays bound (a rebind fails with
   * EADDRINUSE, a connect is accepted by the kernel and reset). Not in the contract yet.
   */
  readonly released: Promise<void>;

  constructor(
    l: Deno.Listener,
    accept: AcceptFn,
    opts: TcpOptions | undefined,
    path: string | null,
    tls = false,
  ) {
    this.#l = l;
    this.#path = path;
    this.port = l.addr.transport === "tcp" ? l.addr.port : 0;
    this.released = this.#acceptLoop(accept, opts, tls);
  }

  async #acceptLoop(accept: AcceptFn, opts: TcpOptions | undefined, tls: boolean) {
    // A TlsConn has no socket options of its own; its tcp stream keeps Deno's defaults.
    const tcp = this.#path === null && !tls;
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await this.#l.accept();
      } catch (e) {
        if (this.#closed) return;
        // EMFILE and friends: back off briefly instead of spinning, then keep accepting.
        if (e instanceof Deno.errors.BadResource) return;
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (tcp) tuneTcp(conn, opts);
      const s = new DenoStream(conn, addrText(conn.remoteAddr, this.#path ?? ""));
      if (!offer(accept, s)) conn.close(); // refused by the engine
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#l.close();
    } catch { /* already closed */ }
    // Deno unlinks the file itself today; doing it here keeps the contract if that changes.
    const path = this.#path;
    if (path !== null) {
      removeFile(path);
      // Deno unlinks again when it drops the listener, later: a new listener on this path
      // waits for that (listenUnix).
      const released: Promise<void> = this.released.then(() => {
        if (unixReleases.get(path) === released) unixReleases.delete(path);
      });
      unixReleases.set(path, released);
    }
  }
}

/** Unix paths whose last listener is not yet fully released by Deno. */
const unixReleases = new Map<string, Promise<void>>();

function removeFile(path: string): void {
  try {
    // unlink(2), as upstream: a directory is never removed (removeSync would take an empty
    // one), so a bind to one fails with EADDRINUSE as upstream's does.
    if (Deno.lstatSync(path).isDirectory) return;
    Deno.removeSync(path);
  } catch { /* absent or not ours: nothing to do */ }
}

/** The Deno adapter. */
export const denoRuntime: Runtime = {
  name: "deno",

  listenTcp(host, port, accept, opts) {
    try {
      const l = Deno.listen({ hostname: host, port, transport: "tcp" });
      return Promise.resolve(new DenoListener(l, accept, opts, null));
    } catch (e) {
      return Promise.reject(netError(e, `cannot listen on ${host}:${port}`));
    }
  },

  async connectTcp(host, port, opts) {
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: host, port, transport: "tcp" });
    } catch (e) {
      throw netError(e, `cannot connect to ${host}:${port}`);
    }
    tuneTcp(conn, opts);
    // Nothing is read before attach: the kernel holds early bytes for us.
    const s = new DenoStream(conn, addrText(conn.remoteAddr, `${host}:${port}`));
    return (h) => s.attach(h);
  },

  listenTls(host, port, accept, opts) {
    try {
      const l = Deno.listenTls({
        hostname: host,
        port,
        transport: "tcp",
        cert: opts.cert,
        key: opts.key,
      });
      return Promise.resolve(new DenoListener(l, accept, opts, null, true));
    } catch (e) {
      return Promise.reject(netError(e, `cannot listen (TLS) on ${host}:${port}`));
    }
  },

  async connectTls(host, port, opts) {
    const name = opts.servername || host;
    if (opts.trustSystem === false && !opts.ca?.length) {
      // Deno always trusts its own roots besides caCerts: refuse rather than pretend.
      const e = new Error("no trust anchor: trustSystem is false and no CA was given") as NetError;
      e.code = "EINVAL";
      throw commonNetError(e, `cannot connect (TLS) to ${host}:${port}`);
    }
    let tcp: Deno.TcpConn;
    try {
      tcp = await Deno.connect({ hostname: host, port, transport: "tcp" });
    } catch (e) {
      throw netError(e, `cannot connect to ${host}:${port}`);
    }
    tuneTcp(tcp, opts);
    const remote = addrText(tcp.remoteAddr, `${host}:${port}`);
    let conn: Deno.TlsConn | null = null;
    try {
      conn = await Deno.startTls(tcp, { hostname: name, ...(opts.ca ? { caCerts: opts.ca } : {}) });
      const c = conn;
      await handshakeBound(c.handshake(), `TLS handshake with ${name} (${remote}) failed`, () => {
        try {
          c.close();
        } catch { /* already closed */ }
      });
    } catch (e) {
      try {
        (conn ?? tcp).close();
      } catch { /* already closed */ }
      throw (e as Error)?.name === "NetError"
        ? e
        : netError(e, `TLS handshake with ${name} failed`);
    }
    const s = new DenoStream(conn, remote);
    return (h) => s.attach(h);
  },

  async listenUnix(path, accept, opts) {
    // Deno unlinks a unix listener's path when it finally drops the listener, which is
    // after its pending accept is cancelled, i.e. after close() returned. A new listener
    // on the same path must wait for that, or the old one deletes the new file.
    await unixReleases.get(path);
    // A stale file from a dead process would make bind fail with EADDRINUSE (libzmq unlinks too).
    removeFile(path);
    let l: Deno.UnixListener;
    try {
      l = Deno.listen({ path, transport: "unix" });
    } catch (e) {
      throw netError(e, `cannot listen on ${path}`);
    }
    return new DenoListener(l, accept, opts, path);
  },

  async connectUnix(path) {
    let conn: Deno.UnixConn;
    try {
      conn = await Deno.connect({ path, transport: "unix" });
    } catch (e) {
      throw netError(e, `cannot connect to ${path}`);
    }
    const s = new DenoStream(conn, path);
    return (h) => s.attach(h);
  },

  resolve: resolveHost,
  interfaces,
  netDenied,

  removeFile,
  soon(fn: () => void): void {
    // Neither setImmediate nor a MessageChannel lets socket events through on Deno.
    setTimeout(fn, 0);
  },
};
