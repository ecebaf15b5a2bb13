/**
 * The Node adapter of the runtime contract: tcp and unix streams on `node:net`, TLS ones on
 * `node:tls` (a `TLSSocket` is a `net.Socket`: the same `NodeStream`). Used on Node, and as
 * the reference the native adapters are checked against (`node:net` also runs on Deno and
 * Bun, more slowly).
 *
 * - Reads: a `data` listener; `socket.pause()` / `resume()` stop and restart reading the
 *   fd, so backpressure reaches TCP. A socket emits nothing before a listener is added,
 *   which is how bytes that arrive before the engine attaches are held.
 * - Writes: `socket.write(bytes, cb)` keeps a reference to the bytes (zero-copy) and calls
 *   `cb` once they are handed to the kernel, always asynchronously: `written()` from there
 *   is never re-entrant.
 *
 * Runs on: I/O worker.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import { accessSync, constants as fsConstants, lstatSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
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
  NetError,
  Runtime,
  StreamConn,
  StreamHandlers,
  TcpOptions,
} from "./runtime.ts";

/** One connected stream over a `net.Socket`. */
class NodeStream implements StreamConn {
  readonly remote: string;
  #s: net.Socket;
  #h: StreamHandlers | null = null;
  #closing = false;
  #done = false;
  #paused = false;
  #endHeld = false;
  #err: Error | undefined;
  // Bound once per connection: a write allocates nothing of ours.
  #onWritten = (err?: Error | null) => {
    // On error, `close` follows and reports it.
    if (!err && !this.#closing) this.#h!.written();
  };

  constructor(s: net.Socket, remote: string) {
    this.#s = s;
    this.remote = remote;
    // Registered now so an error before attach is not thrown as an uncaught 'error' event.
    s.on("error", (e) => {
      if (!this.#closing) this.#err ??= netError(e, "connection lost");
    });
    s.on("close", () => this.#finish());
  }

  attach(h: StreamHandlers): this {
    this.#h = h;
    this.#s.on("data", (chunk: Uint8Array) => {
      if (!this.#closing) h.data(chunk);
    });
    if (this.#s.destroyed && this.#done) queueMicrotask(() => h.closed(this.#err));
    return this;
  }

  write(bytes: Uint8Array): void {
    if (this.#closing) return; // closed() is on its way; the contract says write never throws
    this.#s.write(bytes, this.#onWritten);
  }

  pause(): void {
    this.#paused = true;
    this.#s.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#s.resume();
    // The end that came while paused is reported now, after the held bytes were taken.
    if (this.#endHeld) queueMicrotask(() => this.#finish());
  }

  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#s.destroy(); // `close` follows on a later tick
  }

  #finish() {
    if (this.#done) return;
    // Node may have handed over every byte and reached the end before a pause took effect:
    // it then emits `close` while the engine, paused, still holds bytes it will take on
    // resume. Reported then, as Deno and Bun do (they read no further while paused, so see
    // the end only after resume).
    if (this.#paused && !this.#closing) {
      this.#endHeld = true;
      return;
    }
    this.#endHeld = false;
    this.#done = true;
    this.#closing = true;
    // Closed before attach: attach() reports it.
    this.#h?.closed(this.#err);
  }
}

function tune(s: net.Socket, opts: TcpOptions | undefined) {
  // Small ZMTP frames must not wait for Nagle; the engine batches writes itself.
  s.setNoDelay(true);
  if (opts?.keepalive) s.setKeepAlive(true);
}

/**
 * Starts a server and resolves once it is bound, or rejects with the bind error. With
 * `secure` (cert and key) a TLS server: a connection is offered once its handshake is done.
 */
function serve(
  accept: AcceptFn,
  opts: TcpOptions | undefined,
  bind: net.ListenOptions,
  path: string | null,
  secure?: { cert: string; key: string },
): Promise<Listener> {
  const onConn = (sock: net.Socket) => {
    if (path === null) tune(sock, opts);
    const st = new NodeStream(sock, path ?? hostPort(sock.remoteAddress, sock.remotePort));
    if (!offer(accept, st)) sock.destroy(); // refused by the engine
  };
  const srv: net.Server = secure
    ? tls.createServer({ cert: secure.cert, key: secure.key, pauseOnConnect: false }, onConn)
    : net.createServer({ pauseOnConnect: false }, onConn);
  return new Promise((resolve, reject) => {
    const onError = (e: Error) =>
      reject(netError(e, `cannot listen on ${path ?? `${bind.host}:${bind.port}`}`));
    srv.once("error", onError);
    srv.listen(bind, () => {
      srv.off("error", onError);
      // Later server errors (EMFILE on accept) are not fatal; Node keeps accepting.
      srv.on("error", () => {});
      const a = srv.address();
      const port = typeof a === "object" && a ? a.port : 0;
      let closed = false;
      resolve({
        port,
        close() {
          if (closed) return;
          closed = true;
          // Node unlinks a unix socket file itself when the server closes.
          srv.close();
        },
      });
    });
  });
}

/**
 * Connects (`secure`: with TLS, resolved after a verified handshake, bounded by
 * `TLS_HANDSHAKE_MS`) and resolves with the attach function.
 */
function connect(
  o: net.NetConnectOpts | tls.ConnectionOptions,
  what: string,
  opts: TcpOptions | undefined,
  remote: string,
  secure = false,
) {
  let s: net.Socket;
  const ready = new Promise<(h: StreamHandlers) => StreamConn>((resolve, reject) => {
    s = secure ? tls.connect(o as tls.ConnectionOptions) : net.connect(o as net.NetConnectOpts);
    const onError = (e: Error) => {
      s.destroy();
      reject(netError(e, `cannot connect to ${what}`));
    };
    s.once("error", onError);
    if (secure) s.once("connect", () => tune(s, opts));
    s.once(secure ? "secureConnect" : "connect", () => {
      s.off("error", onError);
      if (!secure && "port" in o) tune(s, opts);
      const st = new NodeStream(s, remote);
      resolve((h) => st.attach(h));
    });
  });
  return secure
    ? handshakeBound(ready, `cannot connect (TLS) to ${what}`, () => s.destroy())
    : ready;
}

function removeFile(path: string): void {
  try {
    // Never a directory (Deno's node:fs unlinks an empty one): a bind there fails, as upstream.
    if (lstatSync(path).isDirectory()) return;
    unlinkSync(path);
  } catch { /* absent or not ours: nothing to do */ }
}

/**
 * libuv reports a unix bind's ENOENT as EACCES (as Windows would say it): the OS said ENOENT
 * when the directory is missing, or is one we may write to (then the file system took no
 * socket file, as /proc does). Otherwise it was a real EACCES.
 */
function unixBindError(e: NetError, path: string): NetError {
  if (e.code !== "EACCES") return e;
  try {
    accessSync(dirname(path), fsConstants.W_OK);
  } catch (x) {
    if ((x as NetError).code !== "ENOENT") return e;
  }
  e.code = "ENOENT";
  e.message = `cannot listen on ${path}: no such file or directory`;
  return e;
}

/** The Node adapter. */
export const nodeRuntime: Runtime = {
  name: "node",

  listenTcp(host, port, accept, opts) {
    // exclusive: with cluster, Node would otherwise share the handle instead of failing.
    return serve(accept, opts, { host, port, backlog: opts?.backlog, exclusive: true }, null);
  },

  connectTcp(host, port, opts) {
    return connect({ host, port }, `${host}:${port}`, opts, hostPort(host, port));
  },

  listenTls(host, port, accept, opts) {
    const bind = { host, port, backlog: opts.backlog, exclusive: true };
    return serve(accept, opts, bind, null, { cert: opts.cert, key: opts.key });
  },

  connectTls(host, port, opts) {
    const name = opts.servername || host;
    return connect(
      {
        host,
        port,
        // SNI takes a name only; an IP address is checked against the certificate below.
        ...(net.isIP(name) ? {} : { servername: name }),
        ca: trustList(opts.ca, opts.trustSystem, () => tls.rootCertificates),
        rejectUnauthorized: true,
        checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
      },
      `${hostPort(host, port)} (${name})`,
      opts,
      hostPort(host, port),
      true,
    );
  },

  listenUnix(path, accept, opts) {
    // A stale file from a dead process would make bind fail with EADDRINUSE (libzmq unlinks too).
    removeFile(path);
    return serve(accept, opts, { path, backlog: opts?.backlog }, path).catch((e) => {
      throw unixBindError(e, path);
    });
  },

  connectUnix(path) {
    return connect({ path }, path, undefined, path);
  },

  resolve: resolveHost,
  interfaces: () => osInterfaces(networkInterfaces()),
  netDenied: () => null,

  removeFile,
  soon(fn: () => void): void {
    setImmediate(fn);
  },
};
