/**
 * The Bun adapter of the runtime contract: tcp and unix streams on Bun's native
 * `Bun.listen` / `Bun.connect` (faster than `node:net` on Bun, and usable in a Worker), and
 * TLS ones on the same calls with their `tls` option (the same `BunStream`; a client
 * resolves once the `handshake` handler reported a verified server).
 *
 * - Reads: Bun pushes chunks to the socket's `data` handler. Backpressure uses the native
 *   `socket.pause()` / `resume()` (present in Bun 1.4: they stop and restart polling the
 *   fd, so the kernel window fills). A chunk Bun still dispatches after `pause()` is copied
 *   into a small hold queue and delivered on `resume()`; the same queue holds the bytes that
 *   arrive on a connected socket before the engine attaches its handlers.
 * - Writes: `socket.write` is a synchronous partial write that queues nothing (docs/runtime.md
 *   trap 4). We keep a view of the unsent rest and continue on `drain`. A write completed
 *   inside `write()` reports `written()` from a microtask, never re-entrantly.
 *
 * Runs on: I/O worker.
 */
import { unlinkSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { networkInterfaces } from "node:os";
import {
  handshakeBound,
  hostPort,
  netError,
  offer,
  osInterfaces,
  resolveHost,
  trustList,
} from "./_common.ts";
import type {
  AcceptFn,
  Listener,
  Runtime,
  StreamConn,
  StreamHandlers,
  TcpOptions,
} from "./runtime.ts";

/**
 * The slice of Bun's socket API this adapter uses (bun-types 1.4 `Socket`, `SocketListener`),
 * declared here so `deno check` and JSR's type check pass without bun-types installed.
 */
interface BunSocket {
  data: BunStream | null;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Synchronous partial write: bytes the kernel took, or -1 if closed. Queues nothing. */
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
  pause(): void;
  resume(): void;
  setNoDelay(noDelay?: boolean): boolean;
  setKeepAlive(enable?: boolean, initialDelay?: number): boolean;
}
interface BunListenerHandle {
  readonly port?: number;
  stop(closeActiveConnections?: boolean): void;
}
interface BunSocketOptions {
  hostname?: string;
  port?: number;
  unix?: string;
  exclusive?: boolean;
  data: null;
  socket: ReturnType<typeof handlers> & {
    handshake?(s: BunSocket, success: boolean, authorizationError: Error | null): void;
  };
  /** TLS (bun-types `TLSOptions`): a server's `cert`/`key`, a client's `ca`/`serverName`. */
  tls?: {
    cert?: string;
    key?: string;
    ca?: string[] | undefined;
    serverName?: string;
    rejectUnauthorized?: boolean;
  };
}
declare const Bun: {
  listen(o: BunSocketOptions): BunListenerHandle;
  connect(o: BunSocketOptions): Promise<BunSocket>;
};

/** One connected stream over a Bun socket. */
class BunStream implements StreamConn {
  readonly remote: string;
  #s: BunSocket;
  #h: StreamHandlers | null = null;
  #paused = false;
  /** Copies of chunks that must wait (before attach, or dispatched after pause). */
  #held: Uint8Array[] | null = null;
  #closing = false;
  #done = false;
  /** Bun closed the socket before the engine attached: report on attach. */
  #closedEarly = false;
  #err: Error | undefined;
  /** The unsent rest of the write in flight, or null. */
  #rest: Uint8Array | null = null;
  #onWritten = () => {
    if (!this.#done && !this.#closing) this.#h!.written();
  };

  constructor(s: BunSocket, remote: string) {
    this.#s = s;
    this.remote = remote;
  }

  attach(h: StreamHandlers): this {
    this.#h = h;
    if (this.#held !== null && !this.#paused) this.#flushHeld();
    if (this.#closedEarly) queueMicrotask(() => this.#finish());
    return this;
  }

  // --- called from the Bun socket handlers ---

  onData(chunk: Uint8Array) {
    if (this.#closing) return;
    if (this.#h === null || this.#paused || this.#held !== null) {
      // Bun hands us its own buffer; it must be copied to outlive this call.
      (this.#held ??= []).push(chunk.slice());
      return;
    }
    this.#h.data(chunk);
  }

  onDrain() {
    const rest = this.#rest;
    if (rest === null || this.#closing) return;
    // Called from Bun's event loop, not from inside write(): a direct call is not re-entrant.
    if (this.#push(rest)) this.#h!.written();
  }

  onClose(err?: Error) {
    if (err && !this.#closing) this.#err ??= netError(err, "connection lost");
    if (this.#h === null) {
      this.#closedEarly = true;
      return;
    }
    this.#finish();
  }

  onError(err: Error) {
    // Bun calls this when a handler throws, or on a socket error; either way the stream is
    // unusable. `close` follows the end().
    this.#err ??= netError(err, "socket error");
    this.close();
  }

  // --- StreamConn ---

  write(bytes: Uint8Array): void {
    if (this.#closing) return; // closed() is on its way; the contract says write never throws
    if (this.#push(bytes)) queueMicrotask(this.#onWritten);
  }

  /**
   * Writes as much of `bytes` as the kernel takes and keeps the rest for `drain`. True when
   * all of it was taken; false when some is left, or when the socket is already closing
   * (Bun returns -1; its `close` handler reports that, so `written()` must not).
   */
  #push(bytes: Uint8Array): boolean {
    const n = this.#s.write(bytes);
    if (n === bytes.length) {
      this.#rest = null;
      return true;
    }
    this.#rest = n < 0 ? null : bytes.subarray(n);
    return false;
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#s.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#held !== null) this.#flushHeld();
    // The engine may have paused again while taking the held chunks.
    if (!this.#paused && !this.#closing) this.#s.resume();
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#rest = null;
    this.#s.end(); // Bun then runs `close` on its loop, which emits closed()
  }

  #flushHeld() {
    const held = this.#held!;
    let i = 0;
    while (i < held.length && !this.#paused && !this.#closing) this.#h!.data(held[i++]!);
    if (i === held.length) this.#held = null;
    else held.splice(0, i);
  }

  #finish() {
    if (this.#done) return;
    this.#done = true;
    this.#closing = true;
    this.#held = null;
    this.#rest = null;
    this.#h!.closed(this.#err);
  }
}

/** Socket handlers shared by every Bun socket; per-socket state lives in `socket.data`. */
function handlers(accept: AcceptFn | null, opts: TcpOptions | undefined, unixPath: string | null) {
  return {
    binaryType: "uint8array" as const,
    open(s: BunSocket) {
      if (unixPath === null) {
        // Small ZMTP frames must not wait for Nagle; the engine batches writes itself.
        s.setNoDelay(true);
        if (opts?.keepalive) s.setKeepAlive(true);
      }
      const remote = unixPath ?? hostPort(s.remoteAddress, s.remotePort);
      // Made here for both sides, so bytes or a close that come before the engine attaches
      // (on a connected socket) are held, not lost.
      const st = new BunStream(s, remote);
      s.data = st;
      if (accept === null) return; // connect: attached through the function Bun.connect returns
      if (!offer(accept, st)) {
        s.data = null;
        s.terminate(); // refused by the engine
      }
    },
    data(s: BunSocket, chunk: Uint8Array) {
      s.data?.onData(chunk);
    },
    drain(s: BunSocket) {
      s.data?.onDrain();
    },
    close(s: BunSocket, err?: Error) {
      s.data?.onClose(err);
    },
    error(s: BunSocket, err: Error) {
      s.data?.onError(err);
    },
  };
}

/** A Bun listener. */
class BunListener implements Listener {
  readonly port: number;
  #l: BunListenerHandle;
  #path: string | null;
  #closed = false;

  constructor(l: BunListenerHandle, port: number, path: string | null) {
    this.#l = l;
    this.port = port;
    this.#path = path;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#l.stop(false); // false: accepted connections stay open (contract)
    if (this.#path !== null) removeFile(this.#path);
  }
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch { /* absent or not ours: nothing to do */ }
}

/** Connect-side glue: `open` has already made the stream. */
function connected(s: BunSocket): (h: StreamHandlers) => StreamConn {
  const st = s.data!;
  return (h) => st.attach(h);
}

/** A tcp listener, or a TLS one with `tls`'s certificate and key. */
function listenOn(
  host: string,
  port: number,
  accept: AcceptFn,
  opts: TcpOptions,
  tls: { cert: string; key: string } | null,
): Promise<Listener> {
  try {
    const l = Bun.listen({
      hostname: host,
      port,
      // Without it a second process could share the port (SO_REUSEPORT): ZMQ wants EADDRINUSE.
      exclusive: true,
      data: null,
      socket: handlers(accept, opts, null),
      ...(tls ? { tls } : {}),
    });
    return Promise.resolve(new BunListener(l, l.port!, null));
  } catch (e) {
    return Promise.reject(netError(e, `cannot listen${tls ? " (TLS)" : ""} on ${host}:${port}`));
  }
}

/** The Bun adapter. */
export const bunRuntime: Runtime = {
  name: "bun",

  listenTcp(host, port, accept, opts) {
    return listenOn(host, port, accept, opts ?? {}, null);
  },

  async connectTcp(host, port, opts) {
    let s: BunSocket;
    try {
      s = await Bun.connect({
        hostname: host,
        port,
        data: null,
        socket: handlers(null, opts, null),
      });
    } catch (e) {
      throw netError(e, `cannot connect to ${host}:${port}`);
    }
    return connected(s);
  },

  listenTls(host, port, accept, opts) {
    return listenOn(host, port, accept, opts, { cert: opts.cert, key: opts.key });
  },

  async connectTls(host, port, opts) {
    const name = opts.servername || host;
    // Settled by the `handshake` handler, or by a close before it.
    let settle!: (err?: Error) => void;
    const shaken = new Promise<void>((ok, fail) => {
      settle = (err) => err ? fail(err) : ok();
    });
    shaken.catch(() => {}); // a connect that fails first rejects it unheard
    const base = handlers(null, opts, null);
    let s: BunSocket;
    try {
      s = await Bun.connect({
        hostname: host,
        port,
        data: null,
        socket: {
          ...base,
          handshake(_s, success, authorizationError) {
            settle(
              success && !authorizationError
                ? undefined
                : authorizationError ?? new Error("TLS handshake failed"),
            );
          },
          close(sock, err) {
            settle(err ?? new Error("closed during the TLS handshake"));
            base.close(sock, err);
          },
        },
        tls: {
          ca: trustList(opts.ca, opts.trustSystem, () => rootCertificates),
          serverName: name,
          rejectUnauthorized: true,
        },
      });
    } catch (e) {
      throw netError(e, `cannot connect (TLS) to ${host}:${port}`);
    }
    await handshakeBound(
      shaken,
      `TLS handshake with ${name} (${hostPort(host, port)}) failed`,
      () => s.terminate(),
    ).catch((e) => {
      s.data = null;
      s.terminate();
      throw e;
    });
    return connected(s);
  },

  listenUnix(path, accept, opts) {
    // A stale file from a dead process would make bind fail with EADDRINUSE (libzmq unlinks too).
    removeFile(path);
    try {
      const l = Bun.listen({
        unix: path,
        data: null,
        socket: handlers(accept, opts, path),
      });
      return Promise.resolve(new BunListener(l, 0, path));
    } catch (e) {
      return Promise.reject(netError(e, `cannot listen on ${path}`));
    }
  },

  async connectUnix(path) {
    let s: BunSocket;
    try {
      s = await Bun.connect({
        unix: path,
        data: null,
        socket: handlers(null, undefined, path),
      });
    } catch (e) {
      throw netError(e, `cannot connect to ${path}`);
    }
    return connected(s);
  },

  resolve: resolveHost,
  interfaces: () => osInterfaces(networkInterfaces()),
  netDenied: () => null,

  removeFile,
  soon(fn: () => void): void {
    setImmediate(fn);
  },
};
