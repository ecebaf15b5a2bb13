/**
 * The runtime contract: everything the engine needs from Deno, Bun or Node, and nothing
 * more. One adapter per runtime implements it (`deno.ts`, `bun.ts`, `node.ts`); `mod.ts`
 * picks one once at start-up. No other file in `lib/` may touch `Deno.`, `Bun.` or
 * `node:`.
 *
 * Runs on: the I/O worker (streams, listeners, timers) and the API thread (`spawnWorker`,
 * `hostname`-free helpers). Every method may be called from either unless noted.
 *
 * ## Stream model
 *
 * A {@linkcode StreamConn} is a connected byte stream (tcp, TLS over tcp, or unix). The engine drives it
 * with exactly one write in flight and a push-style read side:
 *
 * - Reads: the adapter calls `handlers.data(chunk)` for each chunk that arrives. The chunk
 *   is only valid during the call (Deno reuses one read buffer per connection); a caller
 *   that needs the bytes later must copy them. While paused (`pause()`), no `data` calls
 *   are made; `resume()` restarts them. Pausing is how backpressure reaches TCP.
 * - Writes: `write(bytes)` hands `bytes` to the OS. The adapter keeps a reference to
 *   `bytes` (they may live in a SharedArrayBuffer ring) and writes all of them, possibly in
 *   several system calls, then calls `handlers.written()`. Until then the caller must not
 *   reuse those bytes and must not call `write` again. `write` never throws; a failure
 *   shows up as `handlers.closed(err)`.
 * - `handlers.closed(err?)` is called exactly once, when the stream ends for any reason
 *   (peer FIN, RST, local `close()`, error). No other handler runs after it.
 */

/** Callbacks the engine registers on a stream. Called on the thread that owns the stream. */
export interface StreamHandlers {
  /** Bytes arrived. `chunk` is valid only during the call. */
  data(chunk: Uint8Array): void;
  /** The write started by the last `write()` has been handed to the OS in full. */
  written(): void;
  /** The stream is gone; `err` is set for errors other than an orderly close. */
  closed(err?: Error): void;
}

/** A connected byte stream. Owned by the I/O worker. */
export interface StreamConn {
  /** Writes all of `bytes`; see the module doc for the one-write-in-flight rule. */
  write(bytes: Uint8Array): void;
  /** Stops `data` callbacks (backpressure). Idempotent. */
  pause(): void;
  /** Restarts `data` callbacks. Idempotent. */
  resume(): void;
  /** Closes the stream; `handlers.closed` follows (asynchronously). Idempotent. */
  close(): void;
  /** The peer's address as text, e.g. "127.0.0.1:40123" or the unix path. */
  readonly remote: string;
}

/** A listening socket. */
export interface Listener {
  /** The bound TCP port (0 for unix listeners). */
  readonly port: number;
  /** Stops accepting; existing connections are unaffected. Removes a unix socket file. */
  close(): void;
}

/** What `listen*` calls for every accepted connection: return the handlers to attach. */
export type AcceptFn = (conn: StreamConn) => StreamHandlers;

/** Options for TCP endpoints. */
export interface TcpOptions {
  /** Enables SO_KEEPALIVE where the runtime allows it. */
  keepalive?: boolean;
  /** Listen backlog (ignored where the runtime does not expose it). */
  backlog?: number;
}

/** Options of a TLS listener (wss://): the TCP ones plus our certificate chain and its key. */
export interface TlsListenOptions extends TcpOptions {
  /** Our certificate chain, PEM (leaf first). */
  cert: string;
  /** The private key of the leaf certificate, PEM. */
  key: string;
}

/** Options of a TLS connect (wss://): the TCP ones plus how the server is verified. */
export interface TlsConnectOptions extends TcpOptions {
  /** The name the server's certificate must carry (and SNI); default: the host dialled. */
  servername?: string;
  /** Extra trust anchors, one PEM certificate each. */
  ca?: string[];
  /**
   * Whether the runtime's own roots are trusted too (default true). Deno always adds its
   * roots to `ca`; there, false only refuses a connect that has no `ca` at all.
   */
  trustSystem?: boolean;
}

/** A failure of a listen/connect call, carrying the POSIX errno name. */
export interface NetError extends Error {
  /** "EADDRINUSE", "ECONNREFUSED", "EADDRNOTAVAIL", "EACCES", "ENOENT", ... */
  code: string;
}

/** One address of a network interface (`Runtime.interfaces`). */
export interface NetInterface {
  /** The interface's name, as the OS gives it (`lo`, `eth0`). */
  name: string;
  /** A numeric address of it. */
  address: string;
  /** True for an IPv6 address. */
  ipv6: boolean;
}

/** The per-runtime adapter. */
export interface Runtime {
  /** "deno" | "bun" | "node". */
  readonly name: string;
  /**
   * Listens on `host:port` (port 0 = any free port). `host` is a numeric address
   * ("0.0.0.0", "::", "127.0.0.1", "::1"). Rejects with a {@linkcode NetError}.
   */
  listenTcp(host: string, port: number, accept: AcceptFn, opts?: TcpOptions): Promise<Listener>;
  /**
   * Connects to `host:port`. The returned function attaches handlers; data arriving before
   * that is held. Rejects with a {@linkcode NetError} (e.g. ECONNREFUSED).
   */
  connectTcp(
    host: string,
    port: number,
    opts?: TcpOptions,
  ): Promise<(h: StreamHandlers) => StreamConn>;
  /**
   * As `listenTcp`, each accepted connection a TLS server stream with the runtime's own
   * TLS (same stream semantics: the handshake runs under the first reads and writes; a
   * failed one is `closed(err)`). Deno, Bun and Node all have it; a runtime without TLS
   * (a test double) leaves it out and wss:// is refused with EPROTONOSUPPORT.
   */
  listenTls?(
    host: string,
    port: number,
    accept: AcceptFn,
    opts: TlsListenOptions,
  ): Promise<Listener>;
  /**
   * As `connectTcp`, then a TLS handshake that verifies the server (bounded by
   * `TLS_HANDSHAKE_MS`): resolves once it is done, rejects with a {@linkcode NetError} if
   * the certificate is not trusted or the handshake fails. Present with `listenTls`.
   */
  connectTls?(
    host: string,
    port: number,
    opts: TlsConnectOptions,
  ): Promise<(h: StreamHandlers) => StreamConn>;
  /** Listens on a unix stream socket at `path` (an existing file is removed first). */
  listenUnix(path: string, accept: AcceptFn, opts?: TcpOptions): Promise<Listener>;
  /** Connects to a unix stream socket at `path`. */
  connectUnix(path: string): Promise<(h: StreamHandlers) => StreamConn>;
  /**
   * Why the runtime would refuse network access to `host:port` (port 0: any port), as a
   * sentence that names the remedy, or null if it allows it. Deno: its `net` permission
   * (`--allow-net`); Bun and Node never refuse.
   */
  netDenied(host: string, port: number): string | null;
  /** Resolves a host name to numeric addresses (IPv4 first). Rejects if none. */
  resolve(host: string): Promise<string[]>;
  /**
   * The host's network interfaces and their addresses, in the OS's order (`getifaddrs`):
   * what a tcp bind to an interface name (`tcp://eth0:5555`) looks up. Deno needs its `sys`
   * permission (`--allow-sys`); without it this throws a {@linkcode NetError} (EACCES).
   */
  interfaces(): NetInterface[];
  /** Removes a file if it exists (ipc socket files); never throws. */
  removeFile(path: string): void;
  /**
   * Runs `fn` once the socket events already due have been delivered: the cheapest
   * macrotask that lets I/O through (docs/runtime.md trap 3). Bun and Node: `setImmediate`
   * (a few µs); Deno: a timer, the only one that does there (1-2 ms).
   */
  soon(fn: () => void): void;
}
